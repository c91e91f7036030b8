"""Every Japanese (and English) label users read, in one place.

Maps, reports and the CLI take their wording from here so that the same thing is
called the same way everywhere.

A text shown in both languages is a :class:`Message` (Japanese first, English
after, shown as ``"日本語 / English"``): the errors of :data:`ERRORS` (raised as
:class:`~geo_zaitaku.InputError`, made with :func:`error`), the reasons of
:data:`REASONS`, the row issues of :data:`ISSUES` and the reasons a design cannot
exist (:data:`DESIGN_REASONS`). Finding templates
(:data:`MESSAGES`) are ``(japanese, english)`` pairs formatted with :func:`message`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

#: Between the Japanese and the English half of a :class:`Message` shown as one text.
SEPARATOR = " / "


@dataclass(frozen=True, eq=False)
class Message(str):
    """A text in Japanese and English, shown as ``"日本語 / English"``.

    A message *is* that text (``str(message)``, comparisons, ``in``, JSON and CSV
    writers see ``"ja / en"``); :attr:`ja` and :attr:`en` give the halves, so that no
    one has to split the text apart again. Templates hold ``{placeholders}`` filled
    by :meth:`format`.

    Attributes
    ----------
    ja
        The Japanese text.
    en
        The English text (``""``: the message is shown as its Japanese text alone).

    Examples
    --------
    >>> m = Message("{what}が空です。", "the file is empty.").format(what="施設CSV")
    >>> str(m), m.ja
    ('施設CSVが空です。 / the file is empty.', '施設CSVが空です。')
    >>> str(m.with_detail("（3行目）", " (line 3)"))
    '施設CSVが空です。（3行目） / the file is empty. (line 3)'
    """

    ja: str
    en: str = ""

    def __new__(cls, ja: str, en: str = "") -> Message:
        return super().__new__(cls, f"{ja}{SEPARATOR}{en}" if en else ja)

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (self.ja, self.en)

    def format(self, **values: object) -> Message:  # type: ignore[override]
        """A new message with the placeholders of both halves filled from ``values``."""
        return Message(self.ja.format(**values), self.en.format(**values))

    def with_detail(self, ja_detail: str, en_detail: str = "") -> Message:
        """A new message with ``ja_detail`` appended to the Japanese half (and
        ``en_detail`` to the English half)."""
        return Message(self.ja + ja_detail, self.en + en_detail)

    def with_prefix(self, ja_prefix: str, en_prefix: str = "") -> Message:
        """A new message with ``ja_prefix`` put before the Japanese half (and
        ``en_prefix`` before the English half)."""
        return Message(ja_prefix + self.ja, en_prefix + self.en)

    @classmethod
    def from_text(cls, text: str) -> Message:
        """The message a ``"日本語 / English"`` text stands for (split at the first
        separator), for texts that come back as plain strings (a cache's JSON); the
        message shows as ``text`` again."""
        if isinstance(text, Message):
            return text
        ja, sep, en = str(text).partition(SEPARATOR)
        return cls(ja, en) if sep and en else cls(str(text))


#: The empty message (a default where there is nothing to say).
NO_MESSAGE = Message("")


#: Severity of a finding.
SEVERITY = MappingProxyType({"error": "エラー", "warning": "警告", "info": "情報"})

#: Check rules: id -> (Japanese, English).
RULES = MappingProxyType(
    {
        "completeness": ("市区町村の割当て", "completeness"),
        "contiguity": ("圏域の連続性（飛び地）", "contiguity"),
        "key_institution": ("積極的役割を担う医療機関", "key institution"),
        "hub": ("連携を担う拠点", "coordination hub"),
        "hub_density": ("拠点あたり人口", "people per hub"),
        "reach": ("積極的医療機関までの距離・所要時間", "reach (distance or travel time)"),
        "functions": ("在宅医療の4機能", "four care functions"),
        "reference": ("二次医療圏・保健所圏域との関係", "reference layers"),
        "inputs": ("入力データ", "inputs"),
    }
)

#: The four care functions the guideline asks each area to secure.
FUNCTIONS = MappingProxyType(
    {
        "discharge": ("退院支援", "discharge support"),
        "daily": ("日常の療養支援", "daily care at home"),
        "emergency": ("急変時の対応", "response to sudden deterioration"),
        "end_of_life": ("看取り", "end-of-life care"),
    }
)

#: Facility kinds: id -> (Japanese, English). The Japanese label is also accepted as input.
KINDS = MappingProxyType(
    {
        "support_clinic": ("在宅療養支援診療所", "home-care support clinic"),
        "support_hospital": ("在宅療養支援病院", "home-care support hospital"),
        "hospital": ("病院", "hospital"),
        "clinic": ("診療所", "clinic"),
        "backup_hospital": ("在宅療養後方支援病院", "home-care backup hospital"),
        "visiting_nursing": ("訪問看護ステーション", "visiting nursing station"),
        "dental": ("歯科診療所", "dental clinic"),
        "support_dental": ("在宅療養支援歯科診療所", "home-care support dental clinic"),
        "pharmacy": ("薬局", "pharmacy"),
        "home_rehab": ("訪問リハビリテーション", "home rehabilitation"),
        "community_support": ("地域包括支援センター", "community general support center"),
        "care_management": ("居宅介護支援事業所", "care management office"),
        "care_facility": ("介護施設", "care facility"),
        "medical_association": ("医師会", "medical association"),
        "health_center": ("保健所", "health center"),
        "municipality": ("市町村", "municipality"),
        "other": ("その他", "other"),
    }
)

#: Reasons a row or feature was set aside: id -> message.
REASONS: Mapping[str, Message] = MappingProxyType(
    {
        "no_code": Message("市区町村コード（N03_007）がありません（所属未定地など）", "no code (N03_007)"),
        "no_geometry": Message("形状がありません", "no geometry"),
        "not_polygon": Message(
            "面（ポリゴン）ではありません（点・線・面積のない形）", "not a polygon (points, lines or no area)"
        ),
        "no_name": Message("名称が空です", "name is empty"),
        "no_location": Message(
            "緯度経度も市区町村コードもありません", "neither lat/lon nor municipality code"
        ),
        "bad_coordinates": Message("緯度経度が数値として読めません", "lat/lon not numeric"),
        "outside": Message("緯度経度がどの市区町村の区域にも入りません", "point lies outside every unit"),
        "code_elsewhere": Message(
            "緯度経度のある市区町村と市区町村コードの市区町村が違います（境界の近くの点か、コードか座標の写し違いを確かめてください）",
            "the point lies in another unit than the municipality code names (placed by the point)",
        ),
        "far_point": Message(
            "緯度経度が配置した市区町村から遠く離れているため使いません（距離は市区町村の代表点から測ります）",
            "the point lies far from the unit the row was placed in; not used (distances from the unit's centre)",
        ),
        "unknown_code": Message(
            "市区町村コードがどの単位にも一致しません", "municipality code matches no unit"
        ),
        "bad_code": Message("市区町村コードの形式が正しくありません", "malformed municipality code"),
        "bad_boolean": Message(
            "真偽値として読めません（1/0・true/false・yes/no・○/× を使ってください）", "not a boolean"
        ),
        "bad_number": Message("数値として読めません", "not a number"),
        "duplicate_code": Message("同じコードの行が前にあります", "duplicate code"),
        "other_prefecture": Message(
            "境界データにない都道府県の施設です", "facility in a prefecture the boundaries do not cover"
        ),
        "ambiguous_code": Message(
            "市区町村コードが複数の単位（区）に当たり、特定できません",
            "municipality code stands for several units (wards)",
        ),
        "address_ambiguous": Message(
            "住所から市区町村（区）を1つに特定できません", "the address names several units"
        ),
        "location_conflict": Message(
            "都道府県・住所・郵便番号が別々の場所を指しているため、市区町村を決められません",
            "the row's prefecture, address and postal code point to different places",
        ),
    }
)


#: What was appended to a facility row's reason (the row's own values), Japanese only.
DETAILS = MappingProxyType(
    {
        "prefecture": "（{pref}）",
        "point": "（緯度 {lat:.6f}, 経度 {lon:.6f}）",
        "nearest": (
            "。最寄りは{name}（境界まで {distance}）。簡略化した境界や埋立地では海岸近くの点が外れることがあります。"
            "市区町村コードの列があればコードで配置します"
        ),
        "far": "（緯度 {lat:.6f}, 経度 {lon:.6f}。{name}の境界から {km:,.1f} km、{by}で配置）",
        "code_elsewhere": "（コード {code}、緯度経度は {unit}）",
        "line": "行 {line} ",
        "file_line": "{file} の行 {line} ",
        "metres": "{m:,.0f} m",
        "km": "{km:.1f} km",
        "values": "（{values}）",
        "code": ": {code}{extra}",
        "prefecture_code": "（都道府県のコードで、市区町村を特定できません）",
        "address_candidates": ": {address}（候補: {candidates}）",
        "address_unknown": "（住所「{address}」の先頭に市区町村名が見つかりません）",
        "placed_by": "（{by}で配置）",
        "conflict": "（{detail}）",
        "conflict_pref": "{source}: {pref}",
        "conflict_address": "住所: {name}（{codes}）",
        "conflict_code": "市区町村コード: {name}（{code}）",
        "conflict_postcode": "郵便番号 {postcode}: {city}（{codes}）",
        "postcode_unknown": "（郵便番号 {postcode} は日本郵便のデータにありません）",
        "postcode_area": "（郵便番号 {postcode}: {city}）",
    }
)

#: What told a row's prefecture (in conflict messages).
PLACE_SOURCES = MappingProxyType(
    {
        "column": "都道府県の列",
        "id": "医療機関コード・事業所番号",
        "address": "住所",
        "postcode": "郵便番号",
    }
)

#: Rows of users' tables not used or used with a note
#: (:class:`~geo_zaitaku.sources.tabular.RowIssue`): id -> message template.
ISSUES: Mapping[str, Message] = MappingProxyType(
    {
        # facility files
        "swapped": Message("緯度と経度が入れ替わっていたため入れ替えました", "lat and lon were swapped"),
        "duplicate_id": Message(
            "ID {id!r} が重複しているため {renamed!r} としました", "duplicate id renamed"
        ),
        "same_facility": Message(
            "{where}と同じ ID・名称の施設です（同じ施設として1件に数え、先の行の内容を使いました）",
            "the same id and name as an earlier row (counted once; the earlier row's values kept)",
        ),
        "repeated": Message(
            "行 {first} とすべての列が同じ行です（同じ施設として1件に数えました）",
            "repeats line {first} cell for cell (counted once)",
        ),
        # population and projection files ({row}: the code, and the age group of a long-layout row)
        "duplicate_line": Message("{row}: 行 {first} と重複", "duplicate of line {first}"),
        "relisted": Message("{row}: 再掲の行（使用せず）", "re-listed group"),
        "bad_year": Message("年 {value!r} を読めません", "bad year"),
        "no_code": Message("コードが空です（注記・合計の行など）", "no code"),
        "bad_code": Message("コード {value!r} を読めません", "malformed code"),
        "bad_number": Message(
            "{row}: {cells}。人口は0以上{max:,}以下の有限の数値で書き、分からない値は空欄か「…」にしてください"
            "（この行は使用せず）",
            "{cells_en}; counts must be finite numbers from 0 to {max:,} (row not used)",
        ),
        "bad_cell": Message(
            "列「{column}」の値 {text!r}（{problem}）", "column {column!r}: {text!r} is {problem_en}"
        ),
        "ages_unknown": Message(
            "{row}: 年齢階級 {groups} の値が不明（秘匿など）のため、その階級を含む 65歳以上・75歳以上・85歳以上は不明です（総数は使います）",
            "age groups {groups} unknown (suppressed); the older-age counts that include them are unknown",
        ),
        "inconsistent_ages": Message(
            "{row}: {narrow} {b:,.0f} が {wide} {a:,.0f} を超えています。年齢別の数は使わず（不明）、総数だけ使います。"
            "列の並びや単位を確かめてください",
            "{narrow} ({b:,.0f}) exceeds {wide} ({a:,.0f}); age counts not used, total kept",
        ),
        "bad_centroid": Message(
            "{row}: 人口重心を使いません（{why}。緯度{lat0:g}〜{lat1:g}・経度{lon0:g}〜{lon1:g}の範囲で書いてください）。"
            "人口は使い、距離は区域の重心から測ります",
            "population centroid not used ({why_en}; latitude {lat0:g}-{lat1:g}, longitude {lon0:g}-{lon1:g}); "
            "population used, distance measured from the unit's centroid",
        ),
        "bad_degree": Message("{name} {text!r}（{problem}）", "{name_en} {text!r} is {problem_en}"),
        "one_coordinate": Message(
            "緯度と経度の片方しかありません", "only one of latitude and longitude is given"
        ),
        "city_total": Message("{row}: 政令市全体の行（区ごとの行を使用）", "city total; ward rows used"),
        "ward_row": Message("{row}: 区の行（市全体の行を使用）", "ward row; city row used"),
        "city_without_wards": Message(
            "{row}: 政令市全体の行ですが、区ごとの行がありません（区の境界には区ごとの人口が要ります。"
            "市全体で使うには --level municipality）",
            "city total, but the file has no ward rows (use --level municipality to use it for the whole city)",
        ),
        "sex_row": Message(
            "男女別の行（{value}）。総数の行を使用", "a row of one sex ({value}); the total row is used"
        ),
        "unknown_code": Message("{row}: どの市区町村にも一致しません", "matches no unit"),
    }
)

#: Why a count or coordinate cell cannot be used (``{max}``: the largest count).
CELL_PROBLEMS: Mapping[str, Message] = MappingProxyType(
    {
        "not_number": Message("数値ではありません", "not a number"),
        "not_finite": Message("有限の数値ではありません", "not finite"),
        "negative": Message("負の数です", "negative"),
        "too_large": Message("{max:,}を超えています", "above {max:,}"),
        "outside_japan": Message("日本の範囲外です", "outside Japan"),
    }
)

#: The two coordinates of a population centroid.
COORDINATES: Mapping[str, Message] = MappingProxyType(
    {"lat": Message("緯度", "latitude"), "lon": Message("経度", "longitude")}
)

#: Lists that set a facility flag (``--key-institutions``, ``--hubs``): flag -> the list's name.
LISTS = MappingProxyType({"key_institution": "積極的医療機関リスト", "hub": "連携拠点リスト"})
#: Results of a list entry (:class:`~geo_zaitaku.sources.keyinst.EntryMatch` status).
LIST_STATUS = MappingProxyType({"matched": "一致", "ambiguous": "候補が複数", "unmatched": "一致なし"})
#: Ways a list entry was matched to a facility.
LIST_METHODS = MappingProxyType(
    {"code": "コード", "name": "名称", "name_municipality": "名称＋市区町村", "name_address": "名称＋住所"}
)
#: What became of a list entry (:attr:`~geo_zaitaku.sources.keyinst.EntryMatch.message`).
MATCHES: Mapping[str, Message] = MappingProxyType(
    {
        "matched": Message("{name}（ID {id}）", "matched facility {id}"),
        "ambiguous": Message(
            "{why}: {candidates}{more}。住所かコードを書き足してください", "several candidates"
        ),
        "no_name_or_code": Message("名称もコードもありません", "neither name nor code"),
        "other_prefecture": Message(
            "住所が境界データにない都道府県（{pref}）です", "the address is in another prefecture"
        ),
        "elsewhere": Message(
            "同じ名称の施設は別の市区町村（{where}）にあります", "same name found in another municipality"
        ),
        "no_match_code": Message(
            "コード {code} も名称も一致する施設がありません", "no facility with this name or code"
        ),
        "no_match": Message("名称が一致する施設がありません", "no facility with this name or code"),
    }
)
#: Pieces of :data:`MATCHES` messages.
MATCH_PARTS = MappingProxyType(
    {
        "same_code": "コード {code} に当たる施設が複数あります",
        "same_name": "名称が一致する施設が複数あります",
        "candidate": "{name}（{id}）",
        "more": " ほか{n}件",
    }
)

#: Ways a facility was placed in a unit (in the order they are tried:
#: :data:`geo_zaitaku.sources.placement.RULES`).
PLACED_BY = MappingProxyType(
    {
        "point": "緯度経度（点の位置）",
        "swapped": "緯度経度（緯度と経度を入れ替えて）",
        "code": "市区町村コード",
        "prefecture": "都道府県＋住所の市区町村名",
        "county": "住所の郡＋町村名",
        "postcode": "郵便番号",
        "address": "住所（市区町村名）",
    }
)

#: The placement rules in the import totals (``point``, ``swapped`` and ``code`` are
#: always shown, the others when they placed a row).
PLACED_TOTALS = MappingProxyType(
    {
        "point": "緯度経度",
        "swapped": "緯度経度の入替え",
        "code": "市区町村コード",
        "prefecture": "都道府県＋市区町村名",
        "county": "郡＋町村名",
        "postcode": "郵便番号",
        "address": "住所の市区町村名",
    }
)

#: How exact a facility's point is (the ``position`` field); the words accepted in a
#: canonical CSV's ``position`` column for a town-level point.
POSITIONS = MappingProxyType({"town": "町丁目の位置"})
POSITION_WORDS = ("town", "町丁目", "町丁目の位置", "大字・町丁目", "大字町丁目")

#: Column headers of the tables written for plan documents.
COLUMNS = MappingProxyType(
    {
        "area": "圏域",
        "units": "構成市区町村コード",
        "unit_names": "構成市区町村",
        "n_units": "市区町村数",
        "population": "人口",
        "pop_65over": "65歳以上人口",
        "pop_75over": "75歳以上人口",
        "pop_85over": "85歳以上人口",
        "population_unknown": "人口の分からない市区町村（人口はその分を除いた数）",
        "area_km2": "面積(km²)",
        "contiguous": "連続",
        "components": "飛び地の数",
        "key_institutions": "積極的医療機関",
        "hubs": "連携拠点",
        "n_key_institutions": "積極的医療機関数",
        "n_hubs": "連携拠点数",
        "n_facilities": "施設数",
        "people_per_hub": "拠点あたり人口",
        "max_reach_km": "最遠距離(km)",
        "max_reach_min": "最遠所要時間(分)",
        "reach_left_out": "最遠に含まない市区町村（積極的医療機関に届かない）",
        "note": "備考",
        "functions_missing": "不足する機能",
        "errors": "エラー",
        "warnings": "警告",
        "rule": "項目",
        "severity": "重要度",
        "message": "内容",
        "secondary_medical_area": "二次医療圏",
        "health_center": "保健所圏域",
        "code": "市区町村コード",
        "unit_name": "市区町村",
        "reach_km": "積極的医療機関までの距離(km)",
        "reach_min": "積極的医療機関までの所要時間(分)",
        "nearest_key_institution": "最寄りの積極的医療機関",
        "origin": "距離の起点",
    }
)

#: Sheets of ``report.xlsx`` (one per table).
SHEETS = MappingProxyType(
    {
        "areas": "圏域",
        "units": "市区町村",
        "findings": "指摘",
        "facilities": "施設（積極的医療機関・連携拠点）",
        "rejected": "不採用・補正の行",
        "inputs": "入力データ",
        "links": "連結",
    }
)

#: Column headers of the facilities, inputs and links tables (``report.xlsx``, ``report.md``).
TABLE_COLUMNS = MappingProxyType(
    {
        "id": "施設ID",
        "name": "名称",
        "kind": "種別",
        "key_institution": "積極的医療機関",
        "hub": "連携拠点",
        "is_24h": "24時間対応",
        "code": "市区町村コード",
        "unit_name": "市区町村",
        "area": "圏域",
        "address": "住所",
        "phone": "電話",
        "url": "ウェブサイト",
        "placed_by": "配置の方法",
        "file": "ファイル",
        "line": "行",
        "input": "入力",
        "rows": "行数・地物数",
        "used": "使用",
        "not_used": "不採用・除外",
        "corrected": "補正",
        "detail": "備考",
        "link_kind": "種類",
        "a": "市区町村A",
        "b": "市区町村B",
        "note": "備考",
        "status": "状態",
        "reason": "理由",
        "message": "内容",
    }
)

#: tomllib's messages, by how they begin, in Japanese (the English follows in the message).
TOML_ERRORS = MappingProxyType(
    {
        "Cannot overwrite a value": "同じキーが2回書かれています",
        "Cannot declare": "同じ表が2回書かれています",
        "Cannot redefine namespace": "同じ表が2回書かれています",
        "Cannot mutate immutable namespace": "一度書いた表に、あとから書き足しています",
        "Duplicate inline table key": "{ } の中に同じキーが2回あります",
        "Expected '=' after a key in a key/value pair": "キーのあとに = がありません",
        "Expected ']' at the end of a table declaration": "表の見出しの ] がありません",
        "Expected ']]' at the end of an array declaration": "[[ ]] の閉じ括弧がありません",
        "Expected newline or end of document after a statement": "1行に2つの項目があります（改行が必要です）",
        "Invalid statement": "TOML として読めない行です",
        "Invalid value": '値の書き方が正しくありません（文字列は "…" で囲みます）',
        "Invalid initial character for a key part": "キーの書き方が正しくありません",
        "Unclosed array": "配列の ] がありません",
        "Unclosed inline table": "{ } の } がありません",
        "Unterminated string": "文字列の閉じる引用符がありません",
        "Illegal character": "使えない文字（制御文字など）があります",
        "Found invalid character": "使えない文字があります",
        "Invalid date or datetime": "日付の書き方が正しくありません",
    }
)

#: Population counts by their column, as notes name them.
POPULATION_GROUPS = MappingProxyType(
    {"population": "総数", "pop_65over": "65歳以上", "pop_75over": "75歳以上", "pop_85over": "85歳以上"}
)

#: 状態 of a row in the tables of rows set aside or corrected (facilities_rejected.csv,
#: import_issues.csv, population_log.csv).
REJECTED_STATUS = MappingProxyType(
    {
        "rejected": "不採用",
        "corrected": "補正",
        "merged": "重複（統合）",
        "skipped": "不使用",
        "missing": "人口なし",
        **LIST_STATUS,
    }
)

#: Kinds of input file in the inputs table.
INPUT_KINDS = MappingProxyType(
    {
        "plan": "計画",
        "units": "境界（N03）",
        "facilities": "施設",
        "population": "人口",
        "reference": "参照レイヤ",
    }
)

#: Where reach distances are measured from.
ORIGINS = MappingProxyType({"population": "人口重心", "centroid": "区域の重心"})

#: The column keys of reach figures in each cost measure (:data:`COLUMNS`, :data:`SHORT`).
REACH_COLUMNS = MappingProxyType({"km": ("reach_km", "max_reach_km"), "min": ("reach_min", "max_reach_min")})

#: Short column headers for the console table (full names in :data:`COLUMNS`).
SHORT = MappingProxyType(
    {
        "area": "圏域",
        "n_units": "市町村数",
        "population": "人口",
        "n_key_institutions": "積極的",
        "n_hubs": "拠点",
        "contiguous": "連続",
        "max_reach_km": "最遠km",
        "max_reach_min": "最遠分",
        "verdict": "判定",
    }
)

#: Names of reference layers (keyed by the column name used in reference CSVs).
LAYERS = MappingProxyType(
    {
        "secondary_medical_area": ("二次医療圏", "secondary medical area"),
        "health_center": ("保健所圏域", "health-center area"),
        "elderly_welfare_area": ("老人福祉圏域", "elderly-welfare area"),
    }
)

#: Words on the maps.
MAP_TEXT = MappingProxyType(
    {
        "legend": "凡例",
        "areas_layer": "在宅医療圏",
        "units_layer": "市区町村境界",
        "labels_layer": "圏域名",
        "unit_labels_layer": "市区町村名",
        "date": "{y}年{m}月{d}日",
        "date_boundaries": "境界: {date}",
        "date_facilities": "施設: {date}",
        "date_of_file": "{date}（ファイルの更新日）",
        "area_counts": "圏域全体: {counts}",
        "errors_layer": "エラーのある圏域",
        "reach_layer": "積極的医療機関から{km:g}km",
        "key_layer": "積極的役割を担う医療機関",
        "hub_layer": "連携を担う拠点",
        "key": "積極的役割を担う医療機関",
        "hub": "連携を担う拠点",
        "key_and_hub": "積極的医療機関で連携拠点（両方のレイヤに入ります）",
        "h24": "24時間対応",
        "phone": "電話",
        "website": "ウェブサイト",
        "functions": "対応",
        "search": "施設名で検索",
        "no_match": "該当する施設がありません",
        "fullscreen": "全画面表示",
        "locate": "現在地",
        "locate_error": "現在地を取得できませんでした",
        "area_outline": "圏域の範囲",
        "no_location": "位置不明のため地図に表示していない施設: {n}件（一覧に掲載）",
        "scripts_missing": "地図のスクリプト（Leaflet）を読み込めませんでした。この地図は --cdn で作られ、表示にインターネット接続が必要です。"
        "ネットワークなしで開くには、--cdn を付けずに作り直してください（既定でスクリプトを埋め込みます）。 / "
        "The map scripts could not be loaded: this map links them from the internet (--cdn). "
        "Make it again without --cdn to open it offline.",
        "no_facility_file": "施設データが指定されていません（施設CSVを --facilities で指定すると施設を表示します）",
        "error_legend": "エラーのある圏域（赤い斜線）",
        "other_facilities": "その他の施設（種類別）",
        "facilities_heading": "施設",
        "area_borders_layer": "在宅医療圏の境界",
        "choropleth": "市区町村別: {label}",
        "no_data": "データなし",
        "areas_title": "在宅医療圏",
        "resources_title": "在宅医療・介護の資源マップ",
        "list_title": "施設一覧",
        "printed_note": "印刷するとこの一覧が地図の後に続きます",
        "population": "人口",
        "pop_65over": "65歳以上人口",
        "pop_75over": "75歳以上人口",
        "pop_85over": "85歳以上人口",
        "access_score": "アクセス指標（需要1万あたりの供給）",
        "area_km2": "面積(km²)",
        "units_count": "市区町村",
        "errors": "エラー",
        "ok": "エラーなし",
        "gsi_layer": "地理院タイル（標準地図）",
        "links_layer": "橋・航路などの連結",
        "list_count": "{n}件",
        "list_page_count": "全{n}件のうち {first}〜{last}件目（{page}／{pages}ページ）",
        "list_split": "1ページに{limit}件までとし、{pages}ページに分けています。圏域ごとの一覧は --area 圏域名 を付けて作れます。"
        "全件は同じフォルダの CSV にあります。",
        "list_pages_nav": "ページ",
        "list_kind": "種別",
        "list_name": "名称",
        "list_address": "住所",
        "yes": "○",
        "by_car": "車で {min:.0f} 分",
        "no": "×",
        "unknown": "不明",
        "town_position": "町丁目の位置（地図の点は町・丁目の中心で、正確な所在地ではありません）",
    }
)

#: Choropleth measures (``--choropleth``) and their units.
CHOROPLETH = MappingProxyType(
    {
        "aging_rate": "高齢化率（65歳以上の割合）",
        "pop_75over_rate": "75歳以上の割合",
        "people_per_hub": "拠点あたり人口（圏域の値）",
        "patients_per_1000": "在宅医療の推計患者数（人口千対）",
        "people": "人",
        "per_1000": "人／人口千人",
        "heading": "市区町村別: {label}（単位: {unit}）",
        "heading_plain": "市区町村別: {label}",
        "class": "{lo} – {hi}{unit}",
        "value": "{label}: {value}{unit}",
        "rates_note": "推計患者数の率: {source}",
        "no_hub": "拠点なし（0か所）",
    }
)

#: Column headers of the residents' list (``resources_list.csv`` / ``.html``).
LIST_COLUMNS = MappingProxyType(
    {
        "kind": "種別",
        "name": "名称",
        "address": "住所",
        "phone": "電話",
        "is_24h": "24時間対応",
        "functions": "対応",
        "url": "ウェブサイト",
        "position": "地図の位置",
        "municipality": "市区町村",
        "area": "圏域",
    }
)

#: Kinds of declared links (``[[links]] kind``).
LINK_KINDS = MappingProxyType(
    {"bridge": "橋", "ferry": "航路", "road": "道路", "tunnel": "トンネル", "other": "その他の連結"}
)

#: Credit line required when showing N03 boundaries.
N03_CREDIT = "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成"
#: Credit line of town-level positions (位置参照情報, 大字・町丁目レベル).
ISJ_CREDIT = "出典：位置参照情報（大字・町丁目レベル）（国土交通省）を加工して作成"

#: Finding messages: id -> (Japanese template, English template).
MESSAGES = MappingProxyType(
    {
        "unassigned": ("{unit}がどの圏域にも含まれていません", "{unit} is in no area"),
        "duplicate": (
            "{unit}が複数の圏域（{areas}）に含まれています{hint}",
            "{unit} is in several areas ({areas}){hint_en}",
        ),
        "unknown_entry": (
            "圏域「{area}」の「{entry}」に一致する市区町村がありません{hint}",
            "'{entry}' in area '{area}' matches no unit{hint_en}",
        ),
        "ambiguous_entry": (
            "圏域「{area}」の「{entry}」は複数の市区町村に一致します（{candidates}）。コードで指定してください",
            "'{entry}' in area '{area}' matches several units ({candidates}); use the code",
        ),
        "ward_to_city": (
            "圏域「{area}」の区「{entry}」を市単位の「{unit}」として扱いました",
            "ward '{entry}' in area '{area}' read as its city {unit} (municipality-level plan)",
        ),
        "ward_to_city_link": (
            "連結（{kind}）の区「{entry}」を市単位の「{unit}」の連結として扱いました",
            "link ({kind}) end, ward '{entry}', read as its city {unit} (municipality-level plan)",
        ),
        "unknown_link": (
            "連結（{kind}）の「{entry}」に一致する市区町村がありません{hint}",
            "link ({kind}) endpoint '{entry}' matches no unit",
        ),
        "empty_area": ("圏域「{area}」に市区町村がありません", "area '{area}' has no unit"),
        "not_contiguous": (
            "飛び地: 圏域「{area}」が{n}か所に分かれています（{pieces}）",
            "area '{area}' is in {n} pieces ({pieces_en})",
        ),
        "point_contact": (
            "{a}と{b}は点でしか接していません。橋・航路などで結ばれている場合は [[links]] に記載してください",
            "{a} and {b} touch only at a point; declare a [[links]] entry if a bridge or ferry joins them",
        ),
        "island_unit": (
            "{unit}は他の市区町村と境界を接していません（島など）。[[links]] で結び付けることができます",
            "{unit} shares no boundary with any unit (island); it can be joined with [[links]]",
        ),
        "no_facility_data": (
            "施設データが指定されていないため、積極的医療機関・連携拠点・到達距離・4機能は点検していません（--facilities で指定してください）",
            "no facility data given: key institutions, hubs, reach and functions were not checked (use --facilities)",
        ),
        "key_institution_unknown": (
            "施設データに積極的医療機関の指定がないため（{columns} の列がないか、すべて空欄）、各圏域の積極的医療機関と到達距離は"
            "点検していません（未確認）。列の見出しを key_institution にするか、geo-zaitaku facilities import の --key-institutions"
            " で在支診・在支病の届出の一覧から指定してください{unused}",
            "the facility data do not say which facilities are key institutions (no column {columns_en}, or all blank):"
            " key institutions and reach were not checked; name the column key_institution or mark them with"
            " geo-zaitaku facilities import --key-institutions LIST{unused_en}",
        ),
        "hub_unknown": (
            "施設データに連携拠点の指定がないため（{columns} の列がないか、すべて空欄）、各圏域の連携拠点と拠点あたり人口は"
            "点検していません（未確認）。列の見出しを hub にするか、geo-zaitaku facilities import の --hubs で連携拠点の一覧を"
            "指定してください{unused}",
            "the facility data do not say which facilities are coordination hubs (no column {columns_en}, or all blank):"
            " hubs and people per hub were not checked; name the column hub or mark them with"
            " geo-zaitaku facilities import --hubs LIST{unused_en}",
        ),
        "no_key_institution": (
            "積極的役割を担う医療機関がありません（{n}か所、必要数 {min}）",
            "no key institution ({n}, at least {min} needed)",
        ),
        "key_not_medical": (
            "積極的医療機関に指定された{names}は医療機関（病院・診療所）ではありません。積極的医療機関は在宅療養支援診療所・"
            "病院などの医療機関から選びます（指定の誤りでないか確かめてください。圏域の数には指定どおり含めています）",
            "designated key institution(s) {names_en} are not medical institutions (hospitals or clinics); key institutions"
            " are chosen among home-care support clinics and hospitals (check the designation; counted as designated)",
        ),
        "no_hub": (
            "連携を担う拠点がありません（{n}か所、必要数 {min}）",
            "no coordination hub ({n}, at least {min} needed)",
        ),
        "hub_density": (
            "拠点あたり人口が{per:,.0f}人で、目安（{limit:,}人に1か所）を超えています（人口{pop:,.0f}人・拠点{n}か所）",
            "{per:,.0f} people per hub exceeds {limit:,} (population {pop:,.0f}, hubs: {n})",
        ),
        "reach": (
            "{unit}から最寄りの積極的医療機関（{facility}）まで{km:.1f}km（目安{limit:g}km）",
            "{unit} is {km:.1f} km from the nearest key institution ({facility}); limit {limit:g} km",
        ),
        "reach_min": (
            "{unit}から最寄りの積極的医療機関（{facility}）まで車で{km:.0f}分（目安{limit:g}分）",
            "{unit} is {km:.0f} min by car from the nearest key institution ({facility}); limit {limit:g} min",
        ),
        "reach_beyond": (
            "{unit}から圏域の積極的医療機関まで車で{horizon:g}分を超えます（目安{limit:g}分）",
            "{unit} is more than {horizon:g} min by car from every key institution of its area; limit {limit:g} min",
        ),
        "unreachable": (
            "{unit}から道路・航路で圏域の積極的医療機関に行けません（道路のない島、道路から離れた地点など）",
            "no key institution of the area can be reached from {unit} by road or ferry "
            "(an island without roads, a point far from any road ...)",
        ),
        "far_from_road": (
            "道路から{km:g}kmを超える地点が{n}あり、所要時間を測っていません: {names}（road_snapping.csv）",
            "{n} points are farther than {km:g} km from any road; their travel times are not measured: {names} "
            "(road_snapping.csv)",
        ),
        "function_unknown": (
            "施設データに{function}の情報がないため、この機能は点検していません",
            "the facility data say nothing about {function_en}; not checked",
        ),
        "function_missing": (
            "{function}を担う施設がありません",
            "no facility provides {function_en}",
        ),
        "splits_reference": (
            "{layer}「{ref}」を{n}圏域（{areas}）に分けています",
            "{layer_en} '{ref}' is split across {n} areas ({areas})",
        ),
        "merges_reference": (
            "圏域「{area}」は{layer}の{n}圏域（{refs}）をまとめています",
            "area '{area}' merges {n} {layer_en}s ({refs})",
        ),
        "reference_missing": (
            "参照レイヤ（{layer}）にない市区町村があります: {names}",
            "units missing from the reference layer ({layer_en}): {names}",
        ),
        "facilities_rejected": (
            "{file}の{n}行を配置できませんでした（詳細は report.json / facilities_rejected.csv）",
            "rows of {file} that could not be placed: {n} (see report.json / facilities_rejected.csv)",
        ),
        "population_missing": (
            "人口が分からない市区町村が{n}あります: {names}",
            "units without population ({n}): {names}",
        ),
        "population_city_only": (
            "{file}には政令市（{cities}）の市全体の行しかないため、区の人口が分かりません。区ごとの行がある表（国勢調査の区別の表など）を"
            ' geo-zaitaku population import 表.csv --level ward で取り込んで --population に指定するか、計画を市単位（[plan] units = "municipality"）にしてください',
            "{file} has only the whole-city rows of {cities}, so the wards have no population; import a table with ward rows"
            " (geo-zaitaku population import TABLE --level ward) or make the plan municipality-level",
        ),
        "population_skipped": (
            "{file}の{n}行を使いませんでした（詳細は report.json）",
            "rows of {file} not used: {n} (see report.json)",
        ),
        "population_notes": (
            "{file}の{n}行は一部の値を使わずに読み込みました（日本の範囲外・読めない人口重心は使わず距離は区域の重心から、"
            "総数を超える年齢別の数は不明として。詳細は report.json）",
            "rows of {file} read without some of their values: {n} (a centroid outside Japan or unreadable, "
            "age counts above the total; see report.json)",
        ),
        "facility_notes": (
            "{file}の{n}行を補正して読み込みました（緯度経度の入替え・コードでの配置など。詳細は report.json）",
            "rows of {file} read with corrections: {n} (swapped lat/lon, placed by code ...; see report.json)",
        ),
        "facility_merged": (
            "{file}の{n}行は前の行とすべての列が同じため、同じ施設として1件にまとめました（詳細は report.json）",
            "{n} rows of {file} repeat an earlier row cell for cell and were counted once (see report.json)",
        ),
        "reference_note_columns": (
            "参照レイヤCSVの列「{columns}」は備考として読み、圏域を比べるレイヤには使いません",
            "reference CSV columns read as notes, not layers: {columns}",
        ),
        "reference_unmatched": (
            "参照レイヤCSVの{n}行のコードがどの市区町村にも一致しません（行 {lines}）",
            "rows of the reference CSV that match no unit: {n} (lines {lines})",
        ),
        "set_aside": (
            "境界データの{n}地物を除外しました（{reasons}）",
            "boundary features set aside: {n} ({reasons})",
        ),
        "other_prefectures": (
            "計画の都道府県（{kept}）の市区町村だけを点検しました。境界データにあるほかの{n_prefs}都道府県の{n:,}市区町村は使っていません（[plan] prefecture で変えられます）",
            "only the units of the plan's prefectures ({kept}) were checked; units of other prefectures left out: {n:,} (prefectures: {n_prefs}; set [plan] prefecture to change this)",
        ),
        "boundary_duplicates": (
            "境界データの{n}市区町村が{a}と{b}の両方にあります（同じ形のため1つとして扱いました）",
            "municipalities in both {a} and {b}: {n} (same shapes, each used once)",
        ),
    }
)

#: CLI and report words.
TEXT = MappingProxyType(
    {
        "cache_not_written": "境界のキャッシュを書き込めませんでした（{error}）。次回も境界を読み直します"
        "（キャッシュの場所は環境変数 GEO_ZAITAKU_CACHE_DIR で変えられます）。 / "
        "could not write the boundary cache: {error}; set GEO_ZAITAKU_CACHE_DIR to a writable folder.",
        "manifest_note": "geo_zaitaku が書き出したファイルの記録。complete が false の項目は書き出しが途中で止まった"
        "ことを示します / files written by geo_zaitaku; complete=false means the run stopped while moving files.",
        "plan_ok": "計画にエラーはありません",
        "unknown": "不明",
        "not_checked": "未確認",
        "ages_unknown_unit": "{name}（{groups}のみ）",
        "reach_beyond_unit": "{name}（{horizon:g}分超）",
        "unreachable_unit": "{name}（行けません）",
        "unreachable_short": "届きません",
        "at_least": "{value}以上",
        "quiet_count": "{rule}: {n}件（一覧は report.md）",
        "units_without_population": "人口のない市区町村 {n}",
        "not_checked_functions": "未確認: {names}",
        "plan_ok_unchecked": "計画にエラーはありません（施設データがないため、積極的医療機関・連携拠点・距離・4機能は未確認）",
        "plan_ok_roles_unchecked": "計画にエラーはありません（施設データに指定がないため、{roles}は未確認）",
        "roles_unchecked_key": "積極的医療機関・距離",
        "roles_unchecked_hub": "連携拠点",
        "error_label": "エラー / error",
        "warning_label": "注意 / warning",
        "toml_wide_punctuation": "。その行に全角の記号（＝・“”・、・［］・全角の空白など）があります。半角で書いてください",
        "toml_bare_key": '。日本語のキーは引用符で囲んでください（例: "{key}" = …）',
        "toml_at": "{line}行目・{column}列目。",
        "toml_key_twice": "。{key} が2回書かれています（同じ圏域名・同じキーは1つにまとめてください）",
        "toml_too_deep": "入れ子が深すぎます（配列や表の中の配列・表が何千段も続いています） / nested too deep",
        "xlsx_cut": "…（Excel のセルに入らないため省略。全文は CSV に）",
        "help_option": "この説明を表示して終わる / show this message and exit.",
        "version_option": "版を表示して終わる / show the version and exit.",
        "ok": "OK",
        "area_tag": "［{area}］",
        "aborted": "中断しました / aborted",
        "usage_hint": "使い方は '{command} --help' で表示します / try '{command} --help'.",
        "usage_near": "（近いもの: {names}）",
        "usage_expect_integer": "整数で指定してください",
        "usage_expect_number": "数値で指定してください",
        "usage_expect_range": "（{range}）",
        "usage_range_from": "{value} 以上",
        "usage_range_above": "{value} より大きく",
        "usage_range_to": "{value} 以下",
        "usage_range_below": "{value} 未満",
        "usage_expect_choice": "次のどれかを指定してください: {choices}",
        "usage_expect_other": "値を確かめてください",
        "whole_plan": "全域（計画なし）",
        "whole_area": "全域",
        "robustness_summary": "単一障害点 {n}施設{pairs}",
        "robustness_pairs": "、2施設の組 {n}組（{tested:,}組を点検）",
        "comparison_renamed": "名前の変わった圏域: {a} → {b}（市区町村は同じ）",
        "comparison_moved": "移動した市区町村: {name}（{code}） {a} → {b}",
        "comparison_infos": "ほかに情報の指摘 {n}件（解消・新規。一覧は comparison.md）",
        "comparison_summary": "エラー {a}件 → {b}件（解消した指摘 {resolved}件・新しい指摘 {new}件・移動した市区町村 {moved}）",
        "plan_errors": "計画にエラーが{n}件あります",
        "summary": "エラー {errors}件・警告 {warnings}件・情報 {infos}件",
        "report_title": "在宅医療圏 点検結果",
        "areas_title": "圏域の一覧",
        "findings_title": "点検結果の一覧",
        "inputs_title": "入力データ",
        "none": "なし",
        "yes": "○",
        "no": "×",
        "demo_note": "サンプル（架空の県）の計画には、点検の様子を示すため意図的な誤りが1件あります。",
        "written": "出力しました",
        "and_more": "ほか{n}市区町村",
        "no_population": "人口の行がありません / no population row",
        "population_notes": "一部の値（人口重心・年齢別の数）を使わなかった行 {n}（総数は使用。理由は population_log.csv）",
        "population_summary": (
            "{file}: {rows}行を読み、{units}/{total}市区町村の人口を書き出しました（使わなかった行 {skipped}・"
            "人口のない市区町村 {missing}。理由は population_log.csv）"
        ),
        "demo_demand": "在宅医療の推計患者数（県全体、既定の全国の率）: 2025年 {a:,.1f}人 → 2040年 {b:,.1f}人（demand.csv）",
    }
)


def message(key: str, /, **values: object) -> Message:
    """Format a finding message template.

    Parameters
    ----------
    key
        A key of :data:`MESSAGES`.
    **values
        Values for the placeholders of both templates.

    Returns
    -------
    Message
        The finding's message (:attr:`Message.ja` and :attr:`Message.en` become the
        finding's ``message`` and ``message_en``).
    """
    return Message(*MESSAGES[key]).format(**values)


def unused_columns_text(columns: Sequence[str], shown: int = 10) -> str:
    """「使っていない列 2: 連携拠点フラグ・備考」 (the first ``shown`` headers, then
    「… ほか N」); empty when every column was used."""
    if not columns:
        return ""
    names = "・".join(columns[:shown])
    if len(columns) > shown:
        names += REPORT_MD["more"].format(n=len(columns) - shown)
    return IMPORT_TEXT["unused"].format(n=len(columns), columns=names)


def kind_label(kind: str | None) -> str:
    """Japanese label of a facility kind id (the id itself when unknown)."""
    if not kind:
        return KINDS["other"][0]
    return KINDS[kind][0] if kind in KINDS else kind


#: Words of ``geo-zaitaku fetch`` (official boundary downloads and their cache).
FETCH_TEXT = MappingProxyType(
    {
        "downloading": "ダウンロード / downloading",
        "converting": "GeoParquet に変換中 / converting",
        "cache_hit": "取得済みのキャッシュを使います（取り直すには --force） / already cached (use --force to download again)",
        "resumed": "ダウンロード済みの zip から変換します / converting the zip downloaded earlier",
        "saved": "{name}（{pref}）{year}年版: 地物 {features}件・市区町村コード {codes}件",
        "list_title": "取得済みの境界データ（N03-年版_コード.parquet） / cached boundaries: {folder}",
        "list_empty": "取得済みの境界データはありません / no cached boundaries ({folder})",
        "cleared": "取得済みの境界データ {n}件を削除しました / removed {n} cached dataset(s)",
        "saved_isj": "{name}（{pref}）{year}年版 位置参照情報: 大字・町丁目 {features}件・市区町村 {codes}件",
        "list_title_isj": "取得済みの位置参照情報（ISJ-年版_コード.parquet） / cached 位置参照情報: {folder}",
        "list_empty_isj": "取得済みの位置参照情報はありません / no cached 位置参照情報 ({folder})",
        "cleared_isj": "取得済みの位置参照情報 {n}件を削除しました / removed {n} cached 位置参照情報 dataset(s)",
        "pref_code": "コード",
        "pref": "都道府県",
        "year": "年版",
        "features": "地物数",
        "size": "サイズ",
        "fetched": "取得日",
    }
)

#: Words of ``geo-zaitaku roads`` (road networks from OpenStreetMap extracts) and of the
#: reports that use one.
ROADS_TEXT = MappingProxyType(
    {
        "reading": "道路を読み込み中 / reading ways",
        "ways": "道路 {n:,}本",
        "built": "道路網 {name}: 節点 {nodes:,}・辺 {edges:,}（航路 {ferries:,}）。抽出 {extract}（{date}）",
        "sha256": "SHA-256: {sha256}",
        "covers": "この抽出が含む都道府県: {names}",
        "without_roads": "道路のない市区町村（島など。所要時間は測れません）: {names}",
        "use": "使い方: geo-zaitaku check PLAN --travel-time {name} …",
        "list_title": "作成済みの道路網 / road networks: {folder}",
        "list_empty": "作成済みの道路網はありません / no road network ({folder})",
        "cleared": "道路網 {n}件を削除しました / removed {n} road network(s)",
        "deleted": "道路網 {name} を削除しました / removed road network {name}",
        "replaced": "同じ名前の道路網 {name} を置き換えます（残すには --name で別の名前を付けてください） / replacing the network of that name",
        "name": "名前",
        "extract": "抽出ファイル",
        "date": "データの日付",
        "prefectures": "都道府県",
        "nodes": "節点",
        "size": "サイズ",
        "network": "道路網: {name}（{extract}、{date}、SHA-256 {sha256}）・道路から {km:g} km を超える地点は所要時間を測りません",
        "far_title": "道路から {km:g} km を超える地点（所要時間を測っていません）",
        "far_unit": "市区町村",
        "far_facility": "施設",
        "reach_setting": "積極的医療機関までの所要時間（車・航路）: {limit:g} 分以内（{horizon:g} 分まで測定）",
        "reach_setting_km": "積極的医療機関までの距離: {limit:g} km 以内",
    }
)

#: Column headers of ``road_snapping.csv`` (points farther than the snapping distance from a road).
ROADS_COLUMNS = MappingProxyType(
    {
        "kind": "種類",
        "id": "コード・施設ID",
        "name": "名称",
        "km": "最寄りの道路まで(km)",
        "lon": "経度",
        "lat": "緯度",
    }
)

#: Words and column headers of the demand estimate (``geo-zaitaku demand``, demand.csv).
DEMAND = MappingProxyType(
    {
        "title": "在宅医療の需要推計",
        "area": "圏域",
        "n_units": "市区町村数",
        "code": "市区町村コード",
        "name": "市区町村",
        "period": "時点",
        "population": "人口",
        "pop_65over": "65歳以上人口",
        "pop_75over": "75歳以上人口",
        "pop_85over": "85歳以上人口",
        "patients": "在宅医療の推計患者数",
        "change": "推計患者数の増減",
        "change_pct": "推計患者数の増減率(%)",
        "total": "合計",
        "change_row": "増減",
        "change_caption": "増減: {a}→{b}（括弧内は増減率）",
        "measure": "推計患者数の単位",
        "rates": "率",
        "source": "出典",
        "default_rates": "既定の率（全国値・2区分の目安）を使っています。計画には都道府県の率に置き換えてください（--rates FILE）。",
        "missing": "{period}: 人口か年齢別の人口が分からず推計患者数を求められない市区町村が{n}あり、患者数の合計に含まれていません（{names}）",
        "skipped": "{file}の{n}行を使いませんでした（{reasons}）",
    }
)

#: Short column headers of the demand table on the console.
DEMAND_SHORT = MappingProxyType(
    {
        "area": "圏域",
        "period": "時点",
        "population": "人口",
        "pop_65over": "65歳以上",
        "pop_75over": "75歳以上",
        "pop_85over": "85歳以上",
        "patients": "在宅医療 推計患者数",
    }
)

#: Why a population or projection row was not used (reason key -> short Japanese label).
POPULATION_SKIPPED = MappingProxyType(
    {
        "bad_code": "コードのない・読めない行",
        "duplicate_code": "コードの重複",
        "duplicate_row": "重複した行",
        "city_total": "政令市全体の行（区の行を使用）",
        "ward_row": "区の行（市全体の行を使用）",
        "city_without_wards": "区ごとの行のない政令市全体の行",
        "sex_row": "男女別の行（総数の行を使用）",
        "unknown_code": "どの市区町村にも一致しないコード",
        "bad_year": "年を読めない行",
        "relisted": "再掲の行",
        "bad_number": "数値として使えない値のある行（文字・inf・nan・負の数など）",
    }
)

#: Population rows used with a note (reason key -> short Japanese label).
POPULATION_NOTES = MappingProxyType(
    {
        "bad_centroid": "人口重心を使わなかった行（日本の範囲外・読めない・片方だけ。距離は区域の重心から）",
    }
)


#: Words of ``geo-zaitaku facilities import`` (console summary and import log).
IMPORT_TEXT = MappingProxyType(
    {
        "title": "施設データの取り込み記録",
        "summary_title": "施設データの取り込み / facility import",
        "file": "ファイル",
        "preset": "形式",
        "detected": "自動判別",
        "given": "指定",
        "encoding": "文字コード",
        "rows": "行数",
        "point": "緯度経度",
        "swapped": "入替え",
        "code": "コード",
        "prefecture": "都道府県＋名称",
        "county": "郡＋町村",
        "postcode": "郵便番号",
        "address": "住所",
        "rejected": "不採用",
        "merged": "重複",
        "corrected": "補正",
        "total": "合計: 読み込み {rows:,}行 → 配置 {placed:,}行（{methods}）・不採用 {rejected:,}行{merged}",
        "total_merged": "・重複して1件にまとめた行 {merged:,}",
        "towns": (
            "町丁目の位置（位置参照情報）: 座標のない配置済みの行 {n:,}行のうち {town:,}行に町丁目の代表点を付けました"
            "（町丁目が見つからない {unmatched:,}・代表点が市区町村の外 {outside:,}）"
        ),
        "town_column": "町丁目の位置",
        "list": "{what}（{file}）: {n}件 → 一致 {matched}・候補が複数 {ambiguous}・一致なし {unmatched}",
        "hub_not_listed": "  一致しない連携拠点（医師会・市役所・地域包括支援センターなど、医療機関の一覧にない施設）は、施設CSVにその行"
        "（name・kind〔medical_association・municipality など〕・住所か緯度経度・hub=1）を書いて --facilities に加えてください",
        "other_notifications": "  届出受理医療機関名簿の、在宅療養支援診療所・病院でない届出の行 {n} は積極的医療機関の指定に使いませんでした（受理届出名称で判断）",
        "line": "行",
        "name": "名称",
        "reason": "理由",
        "result": "結果",
        "detail": "内容",
        "boundaries": "境界データ",
        "outputs": "書き出したファイル",
        "credits": "出典",
        "by_reason": "理由の内訳",
        "more": "… ほか {n}行（{file} を参照）",
        "methods": "一致の方法",
        "units_count": "（{n}単位・{level}）",
        "facility_count": "（施設 {n:,}件）",
        "preset_overrides": "{name}（列指定: {overrides}）",
        "unused": "使っていない列 {n}: {columns}",
        "roles": "指定: 積極的医療機関 {key}・連携拠点 {hub}",
        "role_unknown": "未指定（列がないか、すべて空欄。--key-institutions・--hubs で一覧から指定できます）",
    }
)

#: Encodings of users' files, as shown to them.
ENCODING_NAMES = MappingProxyType(
    {
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8（BOM付き）",
        "cp932": "Shift_JIS（cp932）",
        "xlsx": "Excel（.xlsx）",
    }
)

#: Corrections noted on rows kept (note key -> short Japanese label); other note keys
#: are :data:`REASONS` keys.
NOTES = MappingProxyType(
    {
        "swapped": "緯度と経度の入替え",
        "duplicate_id": "IDの重複（番号を付けて区別）",
        "repeated": "すべての列が同じ行（1件にまとめた）",
    }
)


#: Units of costs.
MEASURES = MappingProxyType({"km": "km", "min": "分"})

#: Names of the facility flags (roles, 24-hour, functions) in tables and messages.
FLAG_NAMES = MappingProxyType(
    {
        "key_institution": "積極的役割を担う医療機関",
        "hub": "連携を担う拠点",
        "is_24h": "24時間対応",
        "discharge": "退院支援",
        "daily": "日常の療養支援",
        "emergency": "急変時の対応",
        "end_of_life": "看取り",
    }
)

#: Analyses that need to know which facilities are key institutions and hubs: what the
#: ``roles_unknown`` error says cannot be done (:meth:`geo_zaitaku.pipeline.CheckRun.require_roles`).
ROLE_ANALYSES = MappingProxyType(
    {
        "robustness": "施設の閉鎖に対する頑健性を調べられません",
        "design_areas": "圏域を設計できません",
    }
)

#: Words of comparisons (``comparison.md``: scenarios and ``geo-zaitaku diff``).
COMPARE = MappingProxyType(
    {
        "title": "比較",
        "no_hub": "拠点なし",
        "errors": "エラー: {a}件 → {b}件",
        "changes": "変更の内容",
        "closed": "閉鎖",
        "designated": "指定の変更",
        "added": "追加",
        "moved": "移動",
        "checks": "点検の設定",
        "areas": "圏域ごとの比較（前 → 後）",
        "area": "圏域",
        "units": "市区町村数",
        "population": "人口",
        "key": "積極的医療機関",
        "hubs": "連携拠点",
        "per_hub": "拠点あたり人口",
        "beyond": "目安を超える人口の割合",
        "area_errors": "エラー",
        "areas_added": "新しい圏域",
        "areas_removed": "なくなった圏域",
        "areas_renamed": "名称の変わった圏域",
        "units_moved": "圏域の変わった市区町村",
        "reach_changed": "最寄りの積極的医療機関までの距離が変わった市区町村（{unit}）",
        "resolved": "解消した指摘",
        "resolved_short": "解消",
        "new": "新しい指摘",
        "moved_layer": "圏域の変わった市区町村",
        "moved_tip": "移動: {a} → {b}",
    }
)

#: Words of robustness results (``robustness.csv`` / ``.md``, the map).
ROBUSTNESS = MappingProxyType(
    {
        "title": "施設の閉鎖に対する頑健性",
        "area": "圏域",
        "baseline": "すべて開いていても満たさない項目",
        "critical": "単一障害点の数",
        "critical_ids": "単一障害点（施設ID）",
        "p_fail": "いずれかの項目を満たさない確率",
        "p_key": "積極的医療機関が不足する確率",
        "p_hub": "連携拠点が不足する確率",
        "p_reach": "距離・所要時間の目安を超える市区町村が出る確率",
        "stderr": "標準誤差",
        "exact_key": "積極的医療機関が不足する確率（厳密値）",
        "exact_hub": "連携拠点が不足する確率（厳密値）",
        "exact_minimum": "最低数を満たさない確率（厳密値）",
        "pop_beyond": "目安を超える人口の期待値",
        "settings": "無作為の閉鎖: {how}、試行 {samples:,}回（seed {seed}）",
        "how_p": "各施設が確率 {p} で閉鎖（種別ごと: {kinds}）",
        "how_closures": "全施設からちょうど {k} 施設が閉鎖",
        "spof": "単一障害点（1施設の閉鎖だけで圏域が目安を満たさなくなる施設）",
        "pairs": "2施設の同時閉鎖で初めて目安を満たさなくなる組（同じ圏域の {n:,} 組を点検）",
        "beyond": "（目安を超える市区町村 {n}、人口 {pop:,.0f}人）",
        "note": "施設は自分の圏域の点検にだけ関わるため、組は同じ圏域の施設どうしだけを点検します。"
        "すべて開いていても満たさない項目は、どの施設の閉鎖のせいにもしません。",
        "map_title": "閉鎖に対する頑健性",
        "spof_layer": "単一障害点",
        "spof_tip": "閉鎖すると {area}: {rules}",
        "p_fail_legend": "いずれかの項目を満たさない確率",
    }
)

#: Words of accessibility results (``access.csv``, ``access_areas.csv``, the map).
ACCESS = MappingProxyType(
    {
        "code": "市区町村コード",
        "name": "市区町村",
        "area": "圏域",
        "demand": "需要",
        "score": "アクセス指標（需要1万あたりの供給）",
        "supply_in_reach": "圏内の供給施設数",
        "min_score": "最も低い市区町村の指標",
        "units_without": "圏内に供給のない市区町村数",
        "score_before": "変更前の指標",
        "score_change": "指標の変化",
        "map_title": "在宅医療へのアクセス",
        "summary": "供給 {supplies}施設（{supply}）・需要 {demand}・圏 {catchment:g}{measure}（{method}）: 圏内に供給のない市区町村 {without}",
        "unknown_demand": "{demand}の分からない市区町村 {n}（{names}）は指標を空欄にし、需要 0 として計算しました"
        "（圏域の需要・平均はそれを除いた値です。人口のファイルを確かめてください） / units of unknown demand: no score, counted as none",
        "unused_steps": "距離の段階 {steps}{measure} は圏（{catchment:g}{measure}）の外のため使われません（圏の大きさか --steps を見直してください）"
        " / steps beyond the catchment are not used",
        "supply_key": "積極的医療機関",
        "supply_hub": "連携拠点",
        "methods": MappingProxyType(
            {"2sfca": "2SFCA", "e2sfca": "E2SFCA（距離の段階で重み付け）", "gaussian": "ガウス型の重み付け"}
        ),
    }
)

#: Lines of the inputs and settings sections of ``report.md`` (values filled in there).
REPORT_MD = MappingProxyType(
    {
        "units": "- 境界: {sources}（{count}単位・{level}）",
        "set_aside": "  - 除外: {file} 地物 {feature} {name}: {reason}",
        "more": " … ほか {n}",
        "duplicates": "  - 重複（同じ形のため1つとして使用）: {kept} と {dropped} の {n} 市区町村: {shown}",
        "facilities": "- 施設: {source}（{encoding}）{rows}行 → 配置 {placed}・不採用 {rejected}",
        "row": "  - 行 {line} {name}: {message}",
        "population_row": "  - 行 {line}: {message}",
        "more_rows": "  - … ほか {n} 行（{file}）",
        "more_points": "  - … ほか {n}（{file}）",
        "population": "- 人口: {source} {rows}行（使用 {used}・不使用 {skipped}{centroids}）",
        "centroids": "・人口重心を除いて使用 {n}",
        "reference": "- 参照レイヤ: {reference}",
        "settings": "点検の設定",
        "key": "- 積極的医療機関: 各圏域 {n} か所以上",
        "hubs": "- 連携拠点: 各圏域 {n} か所以上、拠点あたり人口 {people:,} 人以下",
    }
)

#: Words of area and hub designs (``design.md``, ``plan.toml``'s header, the console).
DESIGN = MappingProxyType(
    {
        "title": "圏域の設計",
        "header": "geo_zaitaku が提案した計画です。編集して geo-zaitaku check で点検できます。",
        "mode": "方法",
        "modes": MappingProxyType(
            {"repair": "修正案（移す市区町村が最少）", "count": "圏域数を指定", "max": "最も細かい分け方"}
        ),
        "statuses": MappingProxyType(
            {
                "optimal": "最適（証明済み）",
                "feasible": "実行可能（制限時間で打ち切り）",
                "infeasible": "条件を満たす案なし",
                "time_limit": "制限時間内に案なし",
                "error": "求解エラー",
                "not_solved": "未求解",
            }
        ),
        "mode_names": MappingProxyType(
            {"repair": "修正案", "count": "圏域数指定の案", "max": "最も細かい案"}
        ),
        "status_line": "状態: {status}・目的関数 {objective}・下限 {bound}・ギャップ {gap}・{seconds:.1f}秒",
        "reasons": "案がない理由",
        "areas": "提案する圏域",
        "area": "圏域",
        "units": "市区町村",
        "population": "人口",
        "key": "積極的医療機関",
        "hubs": "連携拠点",
        "note": "備考",
        "moved": "移す市区町村（元 → 先）",
        "check": "提案した計画の点検",
        "summary": "{status}: {areas}圏域{moved}",
        "summary_moved": "、移す市区町村 {n}（{people:,.0f}人）",
        "summary_distance": "（人口で重み付けた最寄りの積極的医療機関までの平均 {value:.2f} {unit}）",
        "moved_layer": "移す市区町村",
        "moved_tip": "移す: {a} → {b}",
        "map_title": "圏域の提案",
        "batch_columns": MappingProxyType(
            {
                "code": "都道府県コード",
                "prefecture": "都道府県",
                "status": "状態",
                "areas": "圏域数",
                "objective": "目的関数",
                "bound": "下限",
                "gap": "ギャップ",
                "seconds": "秒",
                "errors": "提案の点検エラー",
                "reasons": "案がない理由",
            }
        ),
        "note_kept": "元の圏域「{name}」のまま（{n}市区町村）",
        "note_grown": "元の圏域「{name}」の{stayed}市区町村に{came}市区町村を加えた圏域",
        "note_centre": "中心: {centre}（積極的医療機関のある市区町村）・{n}市区町村",
        "names_more": "{names} ほか{n}",
        "part": "（島など、他とつながらない部分）",
        "part_link": "[[links]] で橋・航路を結ぶか、",
    }
)

#: Words of hub and key-institution siting (``design hubs``).
DESIGN_HUBS = MappingProxyType(
    {
        "why_hub": "圏域の拠点 {existing}か所 → 必要数 {need}か所（最小数と、人口あたりの目安から）",
        "why_key": "目安の距離の外にある市区町村 {n}を同じ圏域の積極的医療機関の範囲に入れる",
        "scenario_header": "geo-zaitaku design hubs の提案を当てるシナリオ（geo-zaitaku scenario PLAN このファイル で確かめられます）",
        "scenario_name": MappingProxyType(
            {"hub": "連携拠点の指定（提案）", "key": "積極的医療機関の指定（提案）"}
        ),
        "id": "施設ID",
        "name": "名称",
        "kind": "種別",
        "area": "圏域",
        "why": "理由",
        "need": "必要数",
        "existing": "既存",
        "new": "新規",
        "summary": "{status}: 新たに指定 {n}施設（{role}）。目安 {km:g}{unit} 以内の人口 {before:,.0f}人 → {after:,.0f}人",
        "summary_none": "{status}: 新たに指定 {n}施設（{role}）",
        "candidates_not_found": "候補の施設ID {n}件は施設データにないため除きました（取り込みで除いた行か、IDの誤り）: {ids}",
        "existing_unknown": (
            "施設データに{role}の指定がないため（列がないか、すべて空欄）、指定済みの{role}を0か所として提案します"
            "（指定済みの施設があれば、その列を加えるか geo-zaitaku facilities import の一覧で指定してください）"
        ),
        "summary_units": (
            "{status}: 新たに指定 {n}施設（{role}）。目安 {km:g}{unit} 以内の市区町村 {before}/{total} → {after}/{total}"
            "（人口が分からないため市区町村の数で数えました。--population で人口を指定できます）"
        ),
        "covered_what": MappingProxyType({True: ("人口", "people"), False: ("市区町村の数", "units")}),
        "roles": MappingProxyType({"hub": "連携拠点", "key": "積極的医療機関"}),
        "uncovered": "候補のどれからも目安の距離に入らない市区町村: {names}",
        "layer": "新たに指定する施設",
        "tip": "新たに指定: {why}",
        "map_title": "拠点の指定の提案",
    }
)
#: Why no design (areas or hub designations) exists: id -> message (``design.md``,
#: ``design.json``, the console), carried by :class:`geo_zaitaku.design.feasibility.Reason`.
#: ``{names}`` lists units (:data:`DESIGN` ``names_more`` past six), ``{part}`` and
#: ``{link}`` are :data:`DESIGN` ``part`` / ``part_link`` when the units are cut into
#: separate parts, else empty.
DESIGN_REASONS: Mapping[str, Message] = MappingProxyType(
    {
        # design/feasibility.py
        "reach_hard": Message(
            "{names}から{limit:g}{measure}以内に積極的医療機関がないため、--reach hard では"
            "どの圏域にも入れられません（--reach soft にするか、施設を確かめてください）",
            "no key institution within {limit:g} {measure} of {n} units; --reach hard cannot hold",
        ),
        "part_no_key": Message(
            "{names}{part}はリンクがなく、積極的医療機関もないため、どの圏域にも入れられません"
            "（{link}施設データを確かめてください）",
            "{n} unit(s) ({codes}) reach no key institution: no area can hold them",
        ),
        "too_few_key": Message(
            "積極的医療機関が{have}か所しかなく、必要数 {need} に足りません",
            "{n} unit(s) ({codes}) reach no key institution: no area can hold them",
        ),
        "part_few_hubs": Message(
            "{names}{part}には連携を担う拠点が{have}か所しかなく（必要数 {need}）、"
            "どの圏域にも入れられません（{link}拠点を指定してください。geo-zaitaku design hubs が候補を示します）",
            "{n} unit(s) have too few coordination hubs ({have} < {need})",
        ),
        "part_below_min_pop": Message(
            "{names}{part}の人口は{pop:,.0f}人で、--min-pop {min_pop:,.0f} に届かないため1つの圏域にできません",
            "a separate part of {pop:,.0f} people is below --min-pop {min_pop:,.0f}",
        ),
        "count_few_centres": Message(
            "{k}圏域には、積極的医療機関のある市区町村が{k}必要ですが、{have}しかありません",
            "K = {k} areas need {k} key institutions in separate municipalities; there are {have}",
        ),
        "count_many_parts": Message(
            "市区町村は互いにつながらない{parts}つの部分に分かれているため（島・--nest の境界）、圏域は{parts}以上"
            "必要です（--areas {k}）",
            "the units form {parts} separate parts: at least {parts} areas are needed, not {k}",
        ),
        "count_few_hubs": Message(
            "{k}圏域には連携を担う拠点が{need}必要ですが、{have}しかありません",
            "K = {k} areas need {need} hubs; there are {have}",
        ),
        "count_min_pop": Message(
            "{k}圏域 × --min-pop {min_pop:,.0f}人が人口の合計 {total:,.0f}人を超えています",
            "{k} × --min-pop exceeds the total population",
        ),
        "count_max_pop": Message(
            "{k}圏域 × --max-pop {max_pop:,.0f}人では人口の合計 {total:,.0f}人に足りません",
            "{k} × --max-pop is below the total population",
        ),
        # design/areas.py
        "no_grouping": Message(
            "条件をすべて満たす圏域の組み方はありません（連続性・最小数・人口・--nest・--reach を同時に満たせません）。"
            "条件を緩めるか、施設の指定を見直してください（拠点の足りない圏域には geo-zaitaku design hubs が"
            "指定する候補を示します）",
            "no grouping satisfies every constraint at once; relax --min-pop/--max-pop, --nest or --reach",
        ),
        "time_limit": Message(
            "制限時間（{seconds:g}秒）内に条件を満たす案が見つかりませんでした。--time-limit を"
            "長くするか、条件を減らしてください",
            "no feasible design found within the time limit; give a longer --time-limit or fewer constraints",
        ),
        # design/hubs.py
        "hubs_short": Message(
            "圏域「{area}」には{need}か所必要ですが、既存 {existing}か所と候補 {n}か所しかありません（--candidates で候補を広げてください）",
            "area {area} needs {need}, has {existing} and {n} candidates",
        ),
        "hubs_none": Message(
            "すべての圏域の必要数を満たす指定の組み合わせがありません",
            "no set of designations meets every need",
        ),
        "hubs_none_budget": Message(
            "新たに指定できる上限 {max_new}施設では、すべての市区町村を目安の距離に入れられません（--max-new を増やすか、--candidates で候補を広げてください）",
            "{max_new} new designations cannot bring every unit within reach",
        ),
        "hubs_budget_short": Message(
            "新たに指定できる上限 {max_new}施設では、必要数にあと {n}施設足りません（{areas}）。上限の中で不足が最も少なく、目安の距離以内の{what}が最も多い選び方です",
            "{max_new} new hubs leave the needs {n} short ({areas}); the least shortfall, then the most {what_en} covered",
        ),
    }
)

#: What a user's file is, as messages name it (the ``what`` of the readers).
FILES = MappingProxyType(
    {
        "file": "ファイル",
        "facilities": "施設CSV",
        "population": "人口CSV",
        "projection": "将来推計人口CSV",
        "rates": "需要率CSV",
        "reference": "参照レイヤCSV",
        "plan": "計画ファイル",
        "preset": "プリセットファイル",
        "boundaries": "境界ファイル",
        "shapefile_part": "Shapefile の構成ファイル",
        "n03_zip": "N03 の zip",
        "scenario": "シナリオファイル",
        "candidates": "候補の施設CSV",
        "osm": "OpenStreetMap の抽出ファイル",
        "speeds": "速度の表",
        "isj": "位置参照情報",
    }
)

#: Places inside a file that messages name (the ``where`` of an error).
PLACES = MappingProxyType(
    {
        "line": "行 {line}",
        "first_line": "1行目",
        "column": "列 {column}",
        "link": "[[links]] {n}番目",
        "entry": "[[{table}]] {n}番目",
    }
)


def at_line(line: object) -> str:
    """The place of a line (or sheet row) in a file: ``行 12``."""
    return PLACES["line"].format(line=line)


#: Kinds of files that are not regular files (refused as inputs).
SPECIAL_FILES: Mapping[str, Message] = MappingProxyType(
    {
        "fifo": Message("名前付きパイプ（FIFO）", "a named pipe (FIFO)"),
        "socket": Message("ソケット", "a socket"),
        "device": Message("デバイス", "a device"),
        "other": Message("特殊なファイル", "a special file"),
    }
)

#: Why an entry of a zip archive is refused (the whole message goes into the Japanese half
#: of :data:`ERRORS` ``zip_unsafe_entry``).
ZIP_ENTRY_PROBLEMS: Mapping[str, Message] = MappingProxyType(
    {
        "nul": Message("名前に NUL 文字があります", "NUL in the name"),
        "absolute": Message("絶対パスです", "absolute path"),
        "parent": Message("「..」（上のフォルダ）を含みます", "'..' component"),
        "colon": Message("名前にコロン（:）があります", "colon in the name"),
        "symlink": Message("シンボリックリンクです", "symbolic link"),
        "special": Message("通常のファイルではありません", "special file"),
        "encrypted": Message("暗号化されています", "encrypted"),
    }
)

#: Allowed ranges of settings, as messages state them (:meth:`geo_zaitaku.config.Limit.describe`).
RANGES: Mapping[str, Message] = MappingProxyType(
    {
        "integer": Message("{low}以上{high}以下の整数{unit}", "a whole number from {low} to {high}"),
        "above": Message(
            "{low}より大きく{high}以下の有限の数値{unit}", "a finite number > {low} and <= {high}"
        ),
        "between": Message("{low}以上{high}以下の有限の数値{unit}", "a finite number from {low} to {high}"),
    }
)

#: Ages and age groups in Japanese (``85歳以上``, ``0〜4歳``).
AGE_TEXT = MappingProxyType({"age": "{age}歳", "open": "{lo}歳以上", "range": "{lo}〜{hi}歳"})

#: Pieces of error messages that depend on the case (put into :data:`ERRORS` placeholders).
ERROR_PARTS = MappingProxyType(
    {
        "link_several": "（この名前は {names} の複数の単位です。連結は2つの単位を結ぶので、そのうちの1つを書いてください）",
        "wards_split": '（区ごとに別の圏域にするなら、計画を区単位に: [plan] units = "ward"）',
        "code_check_digit": "（6桁の検査数字が合いません。{right} か、5桁で書いてください）",
        "code_other_pref": "（{pref}のコードです。境界データ・計画の都道府県は {held}）",
        "code_not_held": "（境界データにこのコードの市区町村はありません。合併などで今はないコードか、書き誤りです）",
        "pref_code": "都道府県コード {code} ",
        "did_you_mean": "「{name}」のことですか？ ",
        "range_unit": "（{unit}）",
        "top_level": "最上位 / top level",
        "none": "なし / none",
        "address_only_hint": "住所の列「{column}」だけで配置するには --address-col {column} を指定してください。",
        "ages_overlap": "重なっています",
        "ages_gap": "連続していません（間が抜けています）",
        "more_conflicts": "（ほかに {n} 件）",
        "html_page": "（HTML のページが返されました。URL を確認してください）",
        "announced": "（予告 {total:,} バイトのうち {received:,} バイト）",
        "above_limit": "{limit} 超",
        "no_reference_layer": "（参照レイヤがありません: --reference か計画の [plan] reference） / no reference layer",
        "candidates": "（候補: {names}）",
        "candidates_en": " (did you mean: {names})",
        "unused_columns": "（施設データの{text}）",
        "unused_columns_en": " (columns of the facility data not used: {columns})",
        "bytes": "{n:,} バイト",
        "http_404": "ファイルがありません。都道府県コード・年版・URL を確認してください（その年版がまだ公開されていない場合もあります）",
        "http_403": "アクセスが拒否されました。プロキシや URL を確認してください",
        "http_407": "プロキシの認証が必要です。環境変数 HTTPS_PROXY に認証情報を含めて指定してください",
        "http_server": "サーバーが一時的に応答できない可能性があります。時間をおいて再実行してください",
        "http_other": "URL を確認してください",
    }
)

#: Why an input cannot be used: id -> message template, raised as
#: :class:`~geo_zaitaku.InputError` (and its subclasses). Made with :func:`error`.
ERRORS: Mapping[str, Message] = MappingProxyType(
    {
        # _io.py
        "path_nul": Message(
            "{what}のパスに NUL 文字（\\x00）が含まれています。パスを書き直してください。",
            "the path contains a NUL byte; correct the path.",
        ),
        "path_too_long": Message(
            "{what}のパスが長すぎます（ファイル名は255バイト、日本語なら約85文字まで）。ファイル名を短くしてください。",
            "the file name is too long; rename the file.",
        ),
        "file_not_found": Message(
            "{what}が見つかりません。パスを確認してください。",
            "file not found; check the path.",
        ),
        "file_inaccessible": Message(
            "{what}を開けません（{strerror}）。ファイルの場所と読み取りの権限を確認してください。",
            "cannot access the file; check its location and permissions.",
        ),
        "file_is_folder": Message(
            "{what}にフォルダが指定されました。ファイルを指定してください。",
            "is a directory; give a file.",
        ),
        "file_not_regular": Message(
            "{what}が通常のファイルではありません（{kind}）。通常のファイルを指定してください。",
            "not a regular file ({kind_en}); give a regular file.",
        ),
        "file_unreadable": Message(
            "{what}を読めません（{strerror}）。読み取りの権限を確認してください。",
            "cannot read the file; check its permissions.",
        ),
        "file_empty": Message(
            "{what}が空です。",
            "the file is empty.",
        ),
        "file_encoding": Message(
            "{what}の文字コードを判別できません（UTF-8・Shift_JIS のどちらでもありません）。UTF-8 で保存し直してください。",
            "encoding is neither UTF-8 nor Shift_JIS (cp932); save the file as UTF-8.",
        ),
        "file_euc_jp": Message(
            "{what}は EUC-JP で書かれているようです（このまま Shift_JIS として読むと文字化けします）。"
            "UTF-8 か Shift_JIS で保存し直してください（例: iconv -f EUC-JP -t UTF-8 元.csv > 新.csv）。",
            "the file looks like EUC-JP, which would be misread as Shift_JIS; save it as UTF-8 or Shift_JIS.",
        ),
        "table_no_rows": Message(
            "{what}にデータがありません。",
            "no rows.",
        ),
        "table_header_only": Message(
            "{what}に見出し行しかなく、データがありません。",
            "header only, no rows.",
        ),
        "csv_unreadable": Message(
            'CSVとして読めません（{error}）。セルが長すぎないか（13万字まで）、引用符 " の閉じ忘れがないか確かめてください。',
            "not a readable CSV ({error}): a cell too long (131,072 characters at most) or an unclosed quote.",
        ),
        # batch.py
        "dask_missing": Message(
            '--workers・--scheduler には Dask が必要です。pip install ".[dask]" でインストールしてください。',
            'Dask is not installed: pip install ".[dask]".',
        ),
        "dask_unreachable": Message(
            "Dask のスケジューラ {scheduler} に接続できません（{error_type}）。アドレスと、スケジューラが起動していることを確かめてください。",
            "cannot reach the Dask scheduler.",
        ),
        "workers_and_scheduler": Message(
            "--workers と --scheduler は同時に指定できません。",
            "give --workers or --scheduler, not both.",
        ),
        "workers_below_one": Message(
            "--workers は 1 以上にしてください（指定値: {workers}）。",
            "--workers must be >= 1.",
        ),
        "scheduler_bad_address": Message(
            "--scheduler は tcp://ホスト:ポート の形で書いてください（指定値: {scheduler!r}）。",
            "use tcp://host:port.",
        ),
        # cache.py
        "cache_unwritable": Message(
            "キャッシュフォルダに書き込めません（{error}）。空き容量と権限を確認するか、環境変数 GEO_ZAITAKU_CACHE_DIR で別のフォルダを指定してください。",
            "cannot write the cache folder; check free space and permissions, or set GEO_ZAITAKU_CACHE_DIR.",
        ),
        # cli/_options.py
        "option_path_empty": Message(
            "パスが空です。ファイルかフォルダの名前を指定してください（今のフォルダなら . と書きます）。",
            "the path is empty; name a file or folder (. for the current one).",
        ),
        "option_path_nul": Message(
            "パスに NUL 文字（\\x00）が含まれています。パスを書き直してください。",
            "the path contains a NUL byte; correct it.",
        ),
        # cli/access.py, design/hubs.py
        "option_not_positive": Message(
            "{option} は正の有限の数にしてください。",
            "must be > 0.",
        ),
        # cli/design.py
        "repair_needs_plan": Message(
            "--mode repair には --plan で出発点の計画を指定してください。",
            "--mode repair needs --plan.",
        ),
        # cli/fetch.py
        "fetch_one_action": Message(
            "n03・isj・--list・--clear のどれか1つを指定してください（例: geo-zaitaku fetch n03 --pref 43）。",
            "give exactly one of: n03, isj, --list, --clear.",
        ),
        "fetch_extra_options": Message(
            "{action} には {options} を指定できません。",
            "{action} takes no other option.",
        ),
        "fetch_no_pref": Message(
            "--pref で都道府県を指定してください（例: --pref 43 または --pref 熊本県）。",
            "give --pref.",
        ),
        # codes.py
        "unknown_prefecture": Message(
            "都道府県の指定 {pref!r} が分かりません。2桁のコード（01〜47、例: 43）か名称（例: 熊本県）を指定してください。",
            "unknown prefecture: give a code 01-47 (e.g. 43) or a name (e.g. 熊本県).",
        ),
        # config.py
        "setting_out_of_range": Message(
            "{range}を指定してください（指定値: {shown}）。",
            "must be {range_en} (given: {shown}).",
        ),
        "setting_unknown": Message(
            "未知の設定です。使える設定: {known}",
            "unknown setting.",
        ),
        "setting_not_bool": Message(
            "true か false を指定してください。",
            "must be true or false.",
        ),
        "setting_not_severity": Message(
            "error・warning・info のいずれかを指定してください（指定値: {value!r}）。",
            "must be error, warning or info.",
        ),
        # demand.py
        "rates_no_columns": Message(
            "年齢階級の列（{age_columns}）と率の列（{rate_columns}）が必要です。見つかった列: {found}",
            "a rate table needs an age_group column and a rate column.",
        ),
        "rates_bad_age_group": Message(
            "年齢階級「{cell}」を読めません。「0-74」「75+」「85歳以上」のように書いてください。",
            "unknown age group {cell!r}.",
        ),
        "rates_bad_rate": Message(
            "列「{rate_col}」の値 {value!r} を0以上の有限の数値として読めません。率は0以上の有限の数値で書いてください（inf・nan は使えません）。",
            "column {rate_col!r}: not a finite non-negative number.",
        ),
        "rates_too_large": Message(
            "列「{rate_col}」の値 {value} は1人あたり {limit:,g} を超えます。率の単位（列の見出し）と値を確かめてください。",
            "column {rate_col!r}: {value} is more than {limit:,g} per person; check the unit and the value.",
        ),
        "rates_above_one": Message(
            "列「{rate_col}」の値 {value} は1人あたり {per_person:,g} 人で、1を超えます。列の見出しで率の単位を示してください:"
            " rate（1人あたり）・rate_per_1000（人口千対）・rate_per_100000（人口10万対・受療率）。"
            "患者数でなく訪問回数など1人あたり1を超える量なら、ファイルの先頭に「# measure: 訪問回数（年間）」のようにその単位を書いてください。",
            "column {rate_col!r}: {value} is more than one per person; name the unit in the header (rate, rate_per_1000, rate_per_100000).",
        ),
        "rates_no_rows": Message(
            "率の行がありません。",
            "no rate rows.",
        ),
        "rates_overlap": Message(
            "年齢階級「{a}」（行 {a_line}）と「{b}」（行 {b_line}）が重なっています。",
            "bands {a_label} and {b_label} overlap.",
        ),
        "rates_no_band": Message(
            "人口の年齢階級「{group}」を含む率の年齢階級がありません（率の年齢階級: {have}）。人口の各年齢階級がどれか1つの率の年齢階級に収まるように、0歳から最上位まで率を書いてください。",
            "no rate band covers the population age group {group_label}.",
        ),
        "rates_gap": Message(
            "{expected}歳から{last}歳の率がありません。0歳から最上位（「75歳以上」など）まで続けて書いてください。",
            "no rate for ages {expected}-{last}.",
        ),
        "rates_no_top": Message(
            "{expected}歳以上の率がありません。最後の年齢階級は「{expected}歳以上」のように上限なしにしてください。",
            "no rate for ages {expected}+.",
        ),
        "rates_band_from_totals": Message(
            "率の年齢階級「{band}」は、人口データの区分（{limits}以上の人口）から計算できません。5歳階級の人口CSVを使うか、率の年齢階級の境目を 65・75・85 歳にしてください。",
            "band {label} cannot be computed from totals and 65+/75+/85+ (use 5-year age groups).",
        ),
        "demand_year_needs_projection": Message(
            "推計の年（--target-year）を指定するには将来推計人口のCSV（--projection）が必要です。",
            "--target-year needs --projection.",
        ),
        "demand_no_population": Message(
            "人口データがありません。--population（国勢調査）か --projection（将来推計人口）を指定してください。",
            "no population: pass --population or --projection.",
        ),
        "in_default_rates": Message("既定の率（{source}）: {ja}", "{en}"),
        # design/hubs.py
        "siting_bad_role": Message(
            "--role は hub か key です。",
            "--role must be hub or key.",
        ),
        "siting_max_new_negative": Message(
            "--max-new は 0 以上の整数にしてください。",
            "must be a whole number >= 0.",
        ),
        "candidates_no_id_column": Message(
            "候補の施設CSVに id の列がありません。施設IDを id の列に書いてください。",
            "no id column.",
        ),
        "candidates_no_ids": Message(
            "候補の施設CSVに施設IDがありません。",
            "no id in the file.",
        ),
        "candidates_unknown_ids": Message(
            "候補の施設ID {ids} は施設データにありません。",
            "unknown candidate ids.",
        ),
        # design/problem.py (time_limit_not_positive also design/hubs.py)
        "design_bad_mode": Message(
            "--mode は {modes} のいずれかです。",
            "unknown mode.",
        ),
        "design_no_proposal": Message(
            "この設計には提案がありません（状態: {status}）。solve() が案を見つけたとき（status が optimal か feasible）に使ってください。",
            "the design has no proposal (status {status}); call it after solve() found one.",
        ),
        "design_count_needs_areas": Message(
            "--mode count には 1 以上の整数の --areas が必要です（指定値: {areas}）。",
            "--areas must be a whole number >= 1.",
        ),
        "design_bad_population_bound": Message(
            "{option} は 0 以上の有限の数にしてください（指定値: {value}）。",
            "must be >= 0.",
        ),
        "design_min_above_max": Message(
            "--min-pop（{min_pop:,.0f}）が --max-pop（{max_pop:,.0f}）より大きくなっています。",
            "--min-pop exceeds --max-pop.",
        ),
        "design_bad_reach": Message(
            "--reach は {choices} のいずれかです。",
            "unknown --reach.",
        ),
        "design_bad_keep_weight": Message(
            "--keep-weight は 0 以上の有限の数にしてください。",
            "must be >= 0.",
        ),
        "time_limit_not_positive": Message(
            "--time-limit は正の秒数にしてください。",
            "must be > 0.",
        ),
        "roles_unknown": Message(
            "施設データに{roles}の指定がないため（--facilities がないか、key_institution・hub の列がない・すべて空欄）、{what}。"
            "列の見出しを key_institution・hub にするか、geo-zaitaku facilities import の --key-institutions・"
            "--hubs で一覧から指定した施設CSVを --facilities に指定してください。",
            "the facility data do not say which facilities are key institutions or hubs: nothing to analyse.",
        ),
        "hubs_no_facilities": Message(
            "施設データがないため（--facilities がないか、配置できた施設がありません）、指定する候補がありません。"
            "施設CSVを --facilities に指定してください。",
            "no facilities: no candidates to designate (use --facilities).",
        ),
        "design_no_key_institution": Message(
            "積極的役割を担う医療機関が1つもないため、圏域を設計できません。施設データの key_institution 列（または --key-institutions のリスト）を確かめてください。",
            "no key institution anywhere: cannot design areas.",
        ),
        "design_unknown_reference_column": Message(
            "参照レイヤに列 {column!r} がありません。使える列: {shown}",
            "unknown reference column.",
        ),
        "design_reference_missing_values": Message(
            "参照レイヤの列 {column!r} に値のない市区町村があります: {names}",
            "units without a value.",
        ),
        # outputs.py
        "output_is_input_folder": Message(
            "出力 {target} は入力ファイル {clash} と同じファイルです。入力を上書きしないよう、--out に別のフォルダ（またはファイル名）を指定してください。",
            "the output would replace an input file; choose another --out.",
        ),
        "output_is_file": Message(
            "出力先にファイルが指定されました。フォルダを指定してください。",
            "the output path is a file, not a folder.",
        ),
        "sample_edited": Message(
            "{files} は書き出したサンプルから変わっています（編集したファイル）。上書きしませんでした。"
            "別のフォルダを指定するか、書き直してよければ --force を付けてください。",
            "{files} differ from the sample (edited); nothing was overwritten. Choose another folder or add --force.",
        ),
        "output_suffix": Message(
            "出力 {target} の拡張子が {suffixes} ではありません。--out には {suffixes} で終わるファイル名（例: map{suffix}）か、"
            "フォルダ（既にあるフォルダか、末尾に / を付けた名前。その中に既定の名前で書きます）を指定してください。",
            "the output file name must end in {suffixes_en}, or name a folder (an existing one, or end it in /); choose another --out.",
        ),
        "output_unwritable": Message(
            "出力フォルダを作れません（{error}）。--out に書き込めるフォルダを指定してください（途中にファイルがない・"
            "名前が長すぎない・書き込みの権限がある場所）。",
            "cannot create the output folder ({error}); choose another --out.",
        ),
        "output_not_written": Message(
            "出力を書けませんでした（{error}）。何も置き換えていません。--out の名前（長すぎないか）と空き容量を確かめてください。",
            "an output could not be written ({error}); nothing was replaced. Check the --out name and the free space.",
        ),
        "output_target_folder": Message(
            "出力 {target} の場所にフォルダ（またはファイル）があり、置き換えられません。何も書き換えずに止めました。"
            "それを移すか、--out に別のフォルダを指定してください。",
            "an output would replace a folder; nothing was replaced. Move it or choose another --out.",
        ),
        "output_in_input_folder": Message(
            "出力フォルダ {target} は入力のフォルダ {folder} です。次の実行で出力が入力として読まれてしまうため、"
            "--out に別のフォルダ（その中のフォルダでも構いません）を指定してください。",
            "the output folder is an input folder, whose files would be read as inputs next time; choose another --out.",
        ),
        "output_foreign_manifest": Message(
            "出力フォルダの {target} は geo_zaitaku が書いた記録ではありません（同じ名前の別のファイル）。"
            "上書きしないよう止めました。--out に別のフォルダを指定してください。",
            "run.json in the output folder was not written by geo_zaitaku; it was left alone. Choose another --out.",
        ),
        "output_is_input": Message(
            "出力 {target} は入力ファイル {clash} と同じファイルです。--out に別のファイル名を指定してください。",
            "the output would replace an input file; choose another --out.",
        ),
        # pipeline.py
        "pref_not_in_units": Message(
            "境界データに{name}（コード {code}）の市区町村がありません。--pref を見直すか、その都道府県を含む境界ファイルを --units に指定してください。",
            "the boundaries hold no municipality of prefecture {code}.",
        ),
        "design_batch_plan": Message(
            "--pref に複数の都道府県を指定したときは --plan を指定できません（都道府県ごとに全域から設計します）。計画の修正は計画ごとに実行してください。",
            "several prefectures take no --plan (each is designed from scratch); repair one plan at a time.",
        ),
        "units_and_pref": Message(
            "--units と --pref は同時に指定できません。手元の境界ファイルなら --units、取得済みの公式データなら --pref（と --year）の一方だけを指定してください。",
            "give either --units or --pref, not both.",
        ),
        "year_needs_pref": Message(
            "--year は --pref と一緒に指定してください（例: --pref 43 --year 2024）。",
            "--year needs --pref.",
        ),
        "no_boundaries": Message(
            '境界データが指定されていません。--units に N03 のファイル（zip・shp・geojson 等）を指定するか、--pref で取得済みの都道府県を指定するか、計画ファイルの [plan] に boundaries = "..." を書いてください。',
            "no boundaries: pass --units or --pref.",
        ),
        # plan.py
        "plan_not_utf8": Message(
            "計画ファイルは UTF-8 で保存してください。",
            "save the plan file as UTF-8.",
        ),
        "plan_empty": Message(
            "計画ファイルが空です。[plan] と [areas] を書いてください。",
            "the plan file is empty.",
        ),
        "plan_bad_toml": Message(
            "TOML の書き方に誤りがあります: {error}。引用符・括弧・カンマを確認してください。",
            "malformed TOML: {error_en}.",
        ),
        "plan_unknown_tables": Message(
            "未知の表 {tables} があります。使える表: [plan] [areas] [[links]] [checks]",
            "unknown tables.",
        ),
        "plan_unknown_key": Message(
            "未知のキーです。使えるキー: {known}",
            "unknown key.",
        ),
        "plan_bad_level": Message(
            'units は "municipality"（市町村）か "ward"（行政区）です（指定値: {level!r}）。',
            "units must be municipality or ward.",
        ),
        "plan_no_areas": Message(
            "[areas] 表がありません。圏域名 = [市区町村コードまたは名称, ...] の形で書いてください。",
            "no [areas] table.",
        ),
        "plan_areas_empty": Message(
            "[areas] に圏域がありません。",
            "[areas] is empty.",
        ),
        "plan_links_not_list": Message(
            "links は [[links]] の形（表の配列）で書いてください。",
            "links must be an array of tables.",
        ),
        "plan_bad_paths": Message(
            "パス（文字列）か、その配列を指定してください。",
            "must be a path or a list of paths.",
        ),
        "plan_bad_reference": Message(
            "reference にはCSVのパスを文字列で指定してください。",
            "reference must be a path.",
        ),
        "plan_not_text": Message(
            '{key} は文字列で書いてください（例: {key} = "…"）。',
            "{key} must be a string.",
        ),
        "plan_one_path": Message(
            "ここにはファイルを1つだけ書いてください（{n}個書かれています）。複数の表は1つにまとめてください。",
            "give one file here ({n} given).",
        ),
        "plan_area_name_bad": Message(
            "圏域名 {name!r} が空か、制御文字を含んでいます。表に出せる名前を書いてください。",
            "an area name is empty or holds control characters.",
        ),
        "plan_area_names_alike": Message(
            "圏域名 {a!r} と {b!r} は空白や全角半角の違いだけで、表や地図では同じ名前に見えます。どちらかに"
            "まとめるか、別の名前にしてください。",
            "two area names differ only in spaces or character width.",
        ),
        "plan_entry_twice": Message(
            "{entry!r} が{first}番目と{i}番目の2回書かれています。別の市区町村のコードの書き誤りでないか確かめ、1つにしてください。",
            "{entry!r} is listed twice (entries {first} and {i}).",
        ),
        "plan_link_self": Message(
            "連結の a と b が同じ市区町村（{a}）です。連結は2つの市区町村を結びます。",
            "a link from a municipality to itself ({a}).",
        ),
        "plan_prefecture_absent": Message(
            "計画の都道府県（{missing}）が境界データにありません（境界データの都道府県: {present}）。"
            "[plan] prefecture か --units・--pref の境界データを確かめてください。",
            "the plan's prefecture is not in the boundaries; check [plan] prefecture or the boundaries.",
        ),
        "plan_path_unusable": Message(
            "パス {value!r} をたどれません（{error}）。シンボリックリンクの輪などがないか確かめてください。",
            "the path cannot be followed (a loop of symbolic links?).",
        ),
        "plan_path_nul": Message(
            "パスに NUL 文字（\\x00）が含まれています（{value!r}）。パスを書き直してください。",
            "the path contains a NUL byte; correct it.",
        ),
        "plan_not_table": Message(
            "{where} は表（key = value の並び）で書いてください。",
            "must be a table.",
        ),
        "plan_unknown_keys": Message(
            "未知のキー {keys} です。使えるキー: {known}",
            "unknown key.",
        ),
        "plan_area_not_list": Message(
            '圏域には市区町村コードまたは名称の配列を指定してください（例: ["43204", "玉名市"]）。',
            "an area must be a list of codes or names.",
        ),
        "plan_entry_not_text": Message(
            "{i}番目の要素はコードか名称（文字列）にしてください（値: {item!r}）。",
            "entries must be strings.",
        ),
        "plan_entry_empty": Message(
            "{i}番目の要素が空です。",
            "empty entry.",
        ),
        "plan_link_not_table": Message(
            "連結は表で書いてください。",
            "a link must be a table.",
        ),
        "plan_link_no_end": Message(
            "{key} に市区町村コードか名称を指定してください。",
            "missing '{key}'.",
        ),
        "plan_link_bad_kind": Message(
            "kind は {kinds} のいずれかです（指定値: {kind!r}）。",
            "unknown link kind.",
        ),
        "plan_level_mismatch": Message(
            '計画は units = "{level}" ですが、境界は {loaded} 単位で読み込まれています。'
            "比べる計画（diff の PLAN_B など）の [plan] units をそろえるか、それぞれを check してください。",
            "the plan's unit level differs from the loaded units.",
        ),
        "move_unknown_units": Message(
            "市区町村コード {codes} は境界データにありません。",
            "not a unit: {codes}.",
        ),
        "move_empty_area": Message(
            "移す先の圏域名が空です（{codes}）。",
            "empty area name for {codes}.",
        ),
        # scenarios/access.py
        "access_bad_method": Message(
            "--method は {methods} のいずれかです。",
            "unknown method.",
        ),
        "access_bad_steps": Message(
            "--steps は 距離:重み をカンマで並べて書いてください（例: 10:1,20:0.68,30:0.22。指定値: {steps!r}）。",
            "write --steps as bound:weight pairs.",
        ),
        "usage_no_option": Message(
            "オプション {option} はありません{near}。--help で使えるオプションを確かめてください。",
            "no such option {option}.",
        ),
        "usage_missing": Message(
            "{param} を指定してください。",
            "{param} is missing.",
        ),
        "usage_bad_value": Message(
            "{param} の値が正しくありません: {ja}",
            "Invalid value for {param}: {en}",
        ),
        "usage_no_command": Message(
            "コマンド {command} はありません{near}。geo-zaitaku --help でコマンドの一覧を確かめてください。",
            "no such command {command}.",
        ),
        "usage_other": Message(
            "コマンドの書き方に誤りがあります（{message}）。",
            "{message}",
        ),
        "design_level_plan": Message(
            "--plan の計画は単位 {planned} で書かれているため、--level {level} では設計できません。"
            "--level を外すか、単位 {level} の計画を --plan に指定してください。",
            "the --plan is at level {planned}; drop --level {level} or give a plan at that level.",
        ),
        "design_option_for": Message(
            "{option} は --mode {mode} のときだけ使います（ほかのモードでは使われません）。--mode {mode} にするか、{option} を外してください。",
            "{option} applies to --mode {mode} only.",
        ),
        "access_bad_catchment": Message(
            "{option} は 0 より大きく {limit} 以下にしてください（計画の reach_km・reach_min と同じ範囲）。",
            "{option} must be above 0 and at most {limit}.",
        ),
        "access_option_for": Message(
            "{option} は --method {method} のときだけ使います（ほかの方法では使われません）。--method {method} を付けるか、{option} を外してください。",
            "{option} applies to --method {method} only.",
        ),
        "access_rising_steps": Message(
            "--steps {steps}: 重みが距離とともに増えています。距離の近い段階ほど大きい重みにしてください（例: 10:1,20:0.68,30:0.22）。",
            "step weights must not rise with distance.",
        ),
        "access_steps_beyond": Message(
            "--steps {steps}: どの段階も圏（{catchment}）の外です。圏の内側の距離にするか、--catchment-km を広げてください。",
            "every step lies beyond the catchment.",
        ),
        "access_bad_step_values": Message(
            "--steps の距離は正、重みは 0 以上の有限の数にしてください。",
            "bad steps.",
        ),
        "access_bad_sigma": Message(
            "--sigma は正の有限の数にしてください（指定値: {sigma}）。",
            "sigma must be > 0.",
        ),
        "unknown_kind": Message(
            "種別 {kind!r} はありません（綴りを確かめてください）。使える種別: {known}",
            "no kind {kind!r}; check the spelling (the kinds are listed above).",
        ),
        "access_no_supply": Message(
            "--supply {supply!r} に当てはまる施設がありません。使える値: key, hub, または種別（{present}）",
            "no facility of that kind.",
        ),
        "access_no_role_supply": Message(
            "施設データに{what}の指定がないため（--facilities がないか、key_institution・hub の列がない・すべて空欄）、"
            "供給が分かりません。施設CSVを --facilities に指定するか、--supply に種別（例: visiting_nursing）を指定してください。",
            "the facility data do not say which facilities supply: give --facilities or kinds in --supply.",
        ),
        "access_no_demand": Message(
            "需要 {demand!r} の値がありません（人口CSVを --population で指定してください）。",
            "no demand values.",
        ),
        "access_capacity_missing": Message(
            "供給する施設のうち {n}施設に容量の値がありません: {ids}（--capacity-col の列が空か、その列のないファイル・シナリオで追加した施設です）。値を入れるか、--supply で対象を絞ってください。",
            "{n} supplying facilities have no capacity: {ids}.",
        ),
        "access_capacity_cell": Message(
            "--capacity-col の列 {column!r} の値 {value!r} は 0 以上の数ではありません。病床数・職員数などの数を入れてください。",
            "capacity {value!r} in column {column!r} is not a number >= 0.",
        ),
        "access_capacity_same_name": Message(
            "施設ファイルに同じ名前 {name!r} のファイルが複数あり、--capacity-col の値をどちらから読むか決められません。ファイル名を変えてください。",
            "two facility files are named {name!r}; rename one to use --capacity-col.",
        ),
        "access_capacity_no_column": Message(
            "施設データのどのファイルにも列 {column!r} がありません。施設CSVの見出しの名前を --capacity-col に指定してください。",
            "no facility file has the column {column!r}.",
        ),
        "access_bad_capacity": Message(
            "供給量は 0 以上の有限の数にしてください。",
            "capacities must be finite and >= 0.",
        ),
        # scenarios/changes.py (unknown keys: plan_unknown_keys)
        "scenario_not_utf8": Message(
            "シナリオファイルは UTF-8 で保存してください。",
            "save the scenario as UTF-8.",
        ),
        "scenario_bad_toml": Message(
            "TOML の書き方に誤りがあります: {error}",
            "malformed TOML: {error_en}.",
        ),
        "scenario_unknown_tables": Message(
            "未知の表 {tables} があります。使える表: [scenario] [[close]] [[designate]] [[add]] [move] [checks]",
            "unknown tables.",
        ),
        "scenario_move_target_not_text": Message(
            "移す先の圏域名を文字列で書いてください。",
            "the target area must be a name.",
        ),
        "scenario_not_table": Message(
            "{table} は表で書いてください。",
            "must be a table.",
        ),
        "scenario_move_ward": Message(
            "{entry!r} は区ですが、この計画は市区町村単位なので、移すと{city}全体が移ります。全体を移すなら"
            ' {city!r} と書き、区ごとに分けるなら区単位の計画（[plan] units = "ward"）にしてください。',
            "{entry!r} is a ward; the plan is by municipality, so all of {city} would move. Write {city!r}, or use a ward plan.",
        ),
        "scenario_move_twice": Message(
            "[move] の {entry!r} と {other!r} は同じ市区町村（{unit}）です。移す先を1つにしてください。",
            "two [move] entries name the same municipality ({unit}).",
        ),
        "scenario_move_array": Message(
            "移動は [[move]] ではなく、1つの表 [move] に「市区町村 = 移す先の圏域」の形で書いてください"
            '（例: [move] の下に "美里町" = "上益城"。1行に1市区町村）。',
            'write moves as one table: [move] then "unit" = "area" lines, not [[move]].',
        ),
        "scenario_not_array": Message(
            "{key} は [[{key}]] の形（表の配列）で書いてください。",
            "[[{key}]] must be an array of tables.",
        ),
        "scenario_not_text": Message(
            "文字列で書いてください（値: {value!r}）。",
            "must be text.",
        ),
        "scenario_empty_value": Message(
            "値が空です。",
            "empty value.",
        ),
        "scenario_no_selector": Message(
            "施設を選ぶキー（{keys}）を1つ以上書いてください。",
            "give at least one selector key.",
        ),
        "scenario_not_bool": Message(
            "true か false を書いてください。",
            "must be true or false.",
        ),
        "scenario_nothing_to_change": Message(
            "変える項目（{fields}）を1つ以上書いてください。",
            "nothing to change.",
        ),
        "scenario_add_no_name": Message(
            "name（施設名）を書いてください。",
            "name is required.",
        ),
        "scenario_add_no_location": Message(
            "lat・lon（緯度経度）か municipality_code（市区町村コード）を書いてください。",
            "give lat/lon or municipality_code.",
        ),
        "scenario_not_number": Message(
            "数値で書いてください。",
            "must be a number.",
        ),
        "scenario_unknown_municipality": Message(
            "市区町村「{value}」が見つかりません。",
            "unknown municipality.",
        ),
        "scenario_no_facility_matches": Message(
            "条件（{shown}）に当てはまる施設がありません。ID・名称・種別・圏域名を確かめてください。",
            "no facility matches.",
        ),
        "scenario_empty": Message(
            "シナリオに変更がありません。[[close]]・[[designate]]・[[add]]・[move]・[checks] のどれかを書いてください"
            "（書式は geo-zaitaku sample の scenario.toml が見本です）。",
            "the scenario changes nothing; write [[close]], [[designate]], [[add]], [move] or [checks].",
        ),
        "scenario_closed_twice": Message(
            "この [[close]] の施設はすべて {entry} で閉じています（同じ施設を2度閉じています）。どちらかを消してください。",
            "every facility this entry names is closed by {entry} already.",
        ),
        "edges_columns": Message(
            "隣接の表に列 {missing} がありません（a・b に隣り合う市区町村のコード。adjacency() と同じ形です）。",
            "the adjacency table lacks {missing} (a and b: unit codes).",
        ),
        "edges_unknown_units": Message(
            "隣接の表のコード {n}件が市区町村にありません: {codes}（コードは '43201' のような文字列です）。",
            "{n} codes of the adjacency table are not units (codes are text such as '43201').",
        ),
        "edges_bad_kind": Message(
            "隣接の表の kind {kinds} は使えません（使えるもの: {known}）。",
            "unknown edge kinds {kinds}.",
        ),
        "facility_frame_columns": Message(
            "施設の表に列 {missing} がありません（id・name・unit〔市区町村コード〕が必要です。施設CSVなら load_facilities で読み込んでください）。",
            "the facility table lacks {missing} (id, name and unit are required).",
        ),
        "facility_frame_units": Message(
            "施設の表の unit {n}件が計画の市区町村にありません: {units}",
            "{n} units of the facility table are not among the plan's units.",
        ),
        "facility_frame_flag": Message(
            "施設の表の列 {column} の {row} 行目 {value!r} を はい/いいえ として読めません（1/0・true/false・yes/no・○/×）。",
            "cannot read {value!r} in column {column} (row {row}) as yes/no.",
        ),
        "frame_not_geo": Message(
            "{what} に GeoDataFrame でない表が渡されました。境界のファイルか、geometry 列のある GeoDataFrame（N03 の列か load_units の結果）を渡してください。",
            "a plain DataFrame; pass boundary files or a GeoDataFrame (N03 columns or load_units' result).",
        ),
        "frame_not_paths": Message(
            "{what} には表ではなくファイル（パス1つかパスのリスト）を渡してください。",
            "pass a file path or a list of paths, not a table.",
        ),
        "scenario_selects_rejected": Message(
            "この施設（{shown}）は施設データの {file} {line}行目にありますが、取り込めなかったため使われていません（{reason}）。"
            "施設データのその行を直してください（不採用の行は facilities_rejected.csv）。",
            "this facility is on line {line} of {file} but that row was set aside on import ({reason_en}); fix the row.",
        ),
        "scenario_designate_closed": Message(
            "この施設は {entry} で閉じています。閉じた施設は指定できません（[[close]] か [[designate]] のどちらかを直してください）。",
            "this facility is closed by {entry}; a closed facility cannot be designated.",
        ),
        "scenario_id_taken": Message(
            "ID {fid!r} はすでに使われています。別の id を書いてください。",
            "the id is taken.",
        ),
        "scenario_add_unplaced": Message(
            "追加する施設「{name}」を配置できません: {reason}",
            "{reason_en}",
        ),
        "scenario_move_unknown_unit": Message(
            "市区町村「{entry}」が見つかりません{hint}。コードか名称を確かめてください。",
            "unknown municipality.",
        ),
        # scenarios/robustness.py
        "robustness_closures_and_p": Message(
            "--closures と --p（--p-kind）は同時に指定できません。",
            "give either --closures or --p, not both.",
        ),
        "robustness_bad_p_kind": Message(
            "--p-kind は 種別=確率 の形で書いてください（例: hospital=0.05。指定値: {item!r}）。",
            "use kind=p.",
        ),
        "robustness_bad_closures": Message(
            "--closures は 0 以上、施設の数（{total}）以下にしてください（指定値: {closures}）。",
            "--closures must be between 0 and {total}.",
        ),
        "robustness_bad_probability": Message(
            "確率は 0 以上 1 以下で指定してください（指定値: {value}）。",
            "a probability must be in [0, 1].",
        ),
        "robustness_bad_seed": Message(
            "--seed は 0 以上の整数にしてください（指定値: {seed}）。",
            "the seed must be a whole number of 0 or more.",
        ),
        "robustness_bad_samples": Message(
            "--samples は 1 以上 {max_samples:,} 以下にしてください（指定値: {samples}）。",
            "samples out of range.",
        ),
        # sources/_archive.py
        "zip_too_many_entries": Message(
            "zip の項目数が {n:,} 個で、上限 {max_entries:,} 個を超えています。N03 の zip か確認してください。",
            "the archive holds {n:,} entries (limit {max_entries:,}).",
        ),
        "zip_unsafe_entry": Message(
            "zip に安全でない項目 {filename!r} があるため、展開せずに中止しました（{reason}）。正規の N03 の zip か確認してください。",
            "unsafe archive entry refused; nothing was unpacked.",
        ),
        "table_zip_unsafe_entry": Message(
            "zip に安全でない項目 {filename!r} があるため、読まずに中止しました（{reason}）。CSV を1つだけ入れた zip にしてください。",
            "unsafe archive entry refused; nothing was read. Give a zip holding one CSV.",
        ),
        "zip_bomb": Message(
            "zip の項目 {filename!r} は {packed} から {size} に広がります（圧縮率が異常に高い、いわゆる zip 爆弾）。展開せずに中止しました。",
            "archive entry unpacks far beyond its packed size (a zip bomb); nothing was unpacked.",
        ),
        "zip_too_large": Message(
            "zip を展開すると {size} になり、上限 {limit} を超えるため中止しました。",
            "the archive would unpack to {size} (limit {limit}).",
        ),
        "zip_missing_members": Message(
            "zip に {members} がありません。",
            "member(s) not in the archive.",
        ),
        "zip_entry_outside": Message(
            "zip の項目 {filename!r} が展開先の外を指しています。",
            "entry points outside the target.",
        ),
        "zip_unpacked_too_large": Message(
            "zip の展開サイズが上限 {limit} を超えたため中止しました。",
            "unpacked size exceeds {limit}.",
        ),
        "zip_target_exists": Message(
            "展開先に同じ名前のファイルがあります（{filename}）。",
            "a file of that name already exists.",
        ),
        "zip_truncated": Message(
            "zip が途中で切れているか壊れています（{error}）。--force を付けてもう一度取得してください。",
            "the zip is truncated or corrupt; fetch again with --force.",
        ),
        "zip_not_zip": Message(
            "zip ファイルではありません{hint}。先頭: {head!r}。",
            "not a zip file (check the URL; a proxy or login page may have answered).",
        ),
        # sources/_http.py
        "url_scheme": Message(
            "URL は http:// か https:// で始まるものを指定してください。手元にある zip は取得せずにそのまま使えます"
            "（境界は `check PLAN --units N03-....zip`、位置参照情報は `facilities import … --towns 43000-18.0b.zip`）。",
            "only http(s) URLs can be fetched; use a local zip directly (boundaries: --units; town positions: --towns).",
        ),
        "http_status": Message(
            "ダウンロードできませんでした: HTTP {status} {reason}。{hint}。",
            "HTTP error {status} {reason}.",
        ),
        "download_truncated": Message(
            "ダウンロードが途中で切れました{expected}。保存せずに破棄したので、もう一度実行してください。",
            "the download was cut short ({received:,} of {total} bytes); nothing was kept.",
        ),
        "download_too_large": Message(
            "ファイルが大きすぎます（{size}、上限 {limit}）。正しい URL なら --max-mb で上限を上げてください。",
            "the file is larger than the limit ({limit}); raise it with --max-mb if the URL is right.",
        ),
        "connect_dns": Message(
            "サーバー {host} に接続できません（名前解決に失敗）。インターネットに接続されているか確認してください。"
            "オフラインのときは、別の端末でダウンロードした zip をそのまま使えます（境界は --units、位置参照情報は facilities import の --towns）。",
            "cannot resolve the host name: offline or DNS failure.",
        ),
        "connect_timeout": Message(
            "サーバー {host} から {timeout:g} 秒間応答がないため中止しました。時間をおいて再実行するか、"
            "--timeout を長くしてください。",
            "timed out.",
        ),
        "download_timeout": Message(
            "ダウンロードの途中でサーバー {host} から {timeout:g} 秒間応答がないため中止しました。時間をおいて再実行するか、"
            "--timeout を長くしてください。",
            "timed out during the download.",
        ),
        "connect_refused": Message(
            "サーバー {host} に接続を拒否されました。URL とプロキシの設定を確認してください。",
            "connection refused.",
        ),
        "connect_tls": Message(
            "サーバー {host} との暗号化通信（TLS）を確立できません（{reason}）。社内プロキシが証明書を差し替えている"
            "場合は、その証明書を環境変数 SSL_CERT_FILE で指定してください。",
            "TLS failure.",
        ),
        "download_lost": Message(
            "ダウンロードの途中で接続が切れました（{reason}）。もう一度実行してください。",
            "connection lost during the download.",
        ),
        "connect_failed": Message(
            "サーバー {host} に接続できません（{reason}）。インターネット接続とプロキシの設定を確認してください。",
            "cannot connect (offline?).",
        ),
        # sources/facilities.py
        "facility_column_missing": Message(
            "指定された列「{header}」（{field}）がありません。見つかった列: {found}",
            "column {header!r} not found.",
        ),
        "facility_no_name_column": Message(
            "名称の列（{names}）がありません。見つかった列: {found}。列名が違うときは --name-col で指定してください。",
            "no name column (use --name-col).",
        ),
        "facility_no_location_columns": Message(
            "位置を表す列がありません。緯度・経度の列（lat, lon / 緯度, 経度）か市区町村コードの列（municipality_code / 市区町村コード）が必要です（列名が違うときは --lat-col・--lon-col・--code-col）。{hint}見つかった列: {found}",
            "no usable coordinate columns (lat/lon) and no municipality_code column.",
        ),
        # sources/fetch.py
        "fetch_bad_year": Message(
            "年版 {year!r} が正しくありません。西暦4桁で指定してください（例: 2024）。",
            "the year must be four digits (e.g. 2024).",
        ),
        "fetch_no_url": Message(
            "{y}年版の N03 のURLは分かりません（{first}年版以降に対応）。国土数値情報の N03 のページでzip のURLを調べ、--url で指定してください。",
            "no known URL for editions before {first}; pass the zip's URL with --url.",
        ),
        "fetch_not_cached": Message(
            "{name}（{code}）{y}年版の境界データがまだ取得されていません。先に `geo-zaitaku fetch n03 --pref {code} --year {y}` を実行するか、--units で境界ファイルを指定してください。",
            "boundaries for {code} ({y}) are not cached: run `geo-zaitaku fetch n03 --pref {code} --year {y}` first, or pass --units.",
        ),
        "n03_zip_no_boundaries": Message(
            "zip の中に境界ファイル（.geojson または .shp）がありません。N03（行政区域）の zip か確認してください。",
            "no .geojson or .shp inside the zip.",
        ),
        # sources/isj.py
        "isj_no_url": Message(
            "{y}年版の位置参照情報のURLは分かりません（{first}年版以降に対応）。位置参照情報ダウンロードサービスで大字・町丁目レベルの zip のURLを調べ、--url で指定してください。",
            "no known URL for editions before {first}; pass the zip's URL with --url.",
        ),
        "isj_not_cached": Message(
            "{name}（{code}）{y}年版の位置参照情報（大字・町丁目レベル）がまだ取得されていません。先に `geo-zaitaku fetch isj --pref {code} --year {y}` を実行するか、ダウンロードした zip・CSV を --towns で指定してください。",
            "town data (位置参照情報) for {code} ({y}) are not cached: run `geo-zaitaku fetch isj --pref {code} --year {y}` first, or pass the zip or CSV to --towns.",
        ),
        "isj_columns_missing": Message(
            "位置参照情報（大字・町丁目レベル）の列 {missing} がありません（見つかった列: {found}）。位置参照情報ダウンロードサービスの「大字・町丁目レベル」（版番号が b で終わるもの。街区レベルではありません）の zip か CSV を指定してください。",
            "not a 大字・町丁目レベル table of 位置参照情報 (missing {missing}); give the town-level zip or CSV.",
        ),
        "isj_zip_no_csv": Message(
            "zip の中に CSV がありません。位置参照情報（大字・町丁目レベル）の zip か確認してください。",
            "no CSV inside the zip.",
        ),
        "isj_empty": Message(
            "位置参照情報に、市区町村コード・大字町丁目名・緯度経度の読める行が1つもありません。ファイルを確認してください。",
            "no row with a code, a town name and a readable point.",
        ),
        "isj_unreadable": Message(
            "キャッシュの位置参照情報を読めません（{error}）。geo-zaitaku fetch isj --force で取り直してください。",
            "the cached town data cannot be read ({error}); fetch again with --force.",
        ),
        "towns_source_unknown": Message(
            "--towns の「{value}」はファイルでも都道府県でもありません。位置参照情報の zip・CSV（geo-zaitaku fetch isj が保存した .parquet も可）のパスか、取得済みの都道府県のコード（例: 43）を指定してください。",
            "{value!r} is neither a file nor a prefecture; give a 位置参照情報 zip or CSV, or the code of a fetched prefecture.",
        ),
        # sources/keyinst.py
        "list_no_columns": Message(
            "{what}に名称の列（{names} など）も医療機関コードの列もありません。見つかった列: {found}",
            "the list has neither a name nor a code column.",
        ),
        "list_unknown_field": Message(
            "field は {fields} のいずれかです。",
            "unknown field {field!r}.",
        ),
        # sources/population.py
        "ages_not_from_zero": Message(
            "年齢階級が0歳から始まっていません（最初の列: {first}）。0歳からのすべての年齢階級を含めてください。",
            "age groups must start at age 0.",
        ),
        "ages_not_contiguous": Message(
            "年齢階級「{a}」と「{b}」が{problem}。",
            "age groups {a_label} and {b_label} overlap or leave a gap.",
        ),
        "ages_no_top": Message(
            "最上位の年齢階級（{end}歳以上）がありません。「{end}歳以上」の列を加えてください。",
            "the open top age group ({end}+) is missing.",
        ),
        "ages_several_tops": Message(
            "「{end}歳以上」の列が複数あります（{columns}）。",
            "duplicate top age group.",
        ),
        "population_no_code_column": Message(
            "コード列（{names}）がありません。見つかった列: {found}",
            "no code column.",
        ),
        "population_no_year_column": Message(
            "年の列（{names}）がありません。将来推計人口のCSVには年の列が必要です。見つかった列: {found}",
            "no year column.",
        ),
        "population_no_sex_total": Message(
            "男女の列「{col}」に総数の行がありません（値: {values}）。男女計（総数）の行を含む表をダウンロードしてください。",
            "the sex column has no total rows; download the table with both sexes (総数).",
        ),
        "population_differing_rows": Message(
            "コード {code} の行が2つあり、人数が違います（{first}行目とこの行）。男女・国籍などの内訳が行に分かれた表のようです。"
            "総数の行だけにした表を使ってください（内訳の一部を合計として使うことはしません）。",
            "two rows of code {code} give different counts (a breakdown in rows, such as sex); keep only the total rows.",
        ),
        "population_several_years": Message(
            "年の列「{year_col}」に複数の年（{years} …）があります。将来推計人口のCSVは--projection（population import では --target-year）で読んでください。",
            "several years: this is a projection; read it with --projection (or --target-year).",
        ),
        "population_bad_age_header": Message(
            "列「{col}」を年齢階級として読めません。「0〜4歳」「85歳以上」「100歳以上」のように書いてください。",
            "unknown age-group header {col!r}.",
        ),
        "population_no_count_columns": Message(
            "人口の列（{names}）も年齢階級の列（0〜4歳 …）もありません。見つかった列: {found}",
            "no population column.",
        ),
        "population_no_value_column": Message(
            "人口の値の列（{names}）がありません。見つかった列: {found}",
            "no population value column.",
        ),
        "population_bad_age_group": Message(
            "年齢階級「{text}」を読めません。「0〜4歳」「85歳以上」「総数」のように書いてください。",
            "column {age_col!r}: unknown age group {text!r}.",
        ),
        "population_no_age_groups": Message(
            "列「{age_col}」に年齢階級（0〜4歳 …）がありません。",
            "no age groups in column {age_col!r}.",
        ),
        "projection_no_year": Message(
            "年を読める行がありません。年の列に 2025 のような西暦を書いてください。",
            "no row with a readable year.",
        ),
        "projection_year_missing": Message(
            "{year}年の推計がありません（ある年: {years}）。",
            "year {year} is not in the projection file.",
        ),
        # sources/presets.py
        "preset_no_name": Message(
            'プリセットの名前がありません。[preset] に name = "..." を書いてください。',
            "[preset] name is missing.",
        ),
        "preset_no_name_column": Message(
            '施設名の列が指定されていません。[columns] に name = "見出し" を書いてください。',
            'no column mapped to name: add name = "header" to [columns].',
        ),
        "preset_lat_without_lon": Message(
            "lat と lon は両方指定してください。",
            "map both lat and lon (or neither).",
        ),
        "preset_no_location": Message(
            "位置を表す列（lat と lon、point、municipality_code、address のいずれか）が指定されていません。",
            "no location column mapped (lat+lon, point, municipality_code or address).",
        ),
        "preset_values_not_table": Message(
            "[values.{field}] は「元の値 = 変換後の値」の表にしてください。",
            "[values.{field}] must be a table.",
        ),
        "preset_crs_not_text": Message(
            '[coordinates] crs は文字列（例: "EPSG:6670"）で書いてください。',
            "crs must be a string.",
        ),
        "preset_not_bool": Message(
            "{setting} は true か false です。",
            "must be true or false.",
        ),
        "preset_bad_order": Message(
            '[coordinates] order は "latlon" か "lonlat" です（指定値: {order!r}）。',
            "order must be latlon or lonlat.",
        ),
        "preset_file_not_found": Message(
            "プリセットファイルが見つかりません。パスか組み込みプリセットの名前を確認してください（組み込み: {builtin}）。",
            "preset file not found.",
        ),
        "preset_not_utf8": Message(
            "プリセットファイルは UTF-8 で保存してください。",
            "save the preset as UTF-8.",
        ),
        "preset_bad_toml": Message(
            "TOML として読めません: {error}",
            "invalid TOML: {error_en}.",
        ),
        "preset_unknown": Message(
            "プリセット「{name}」はありません。{hint}組み込み: {builtin}。自作のプリセットは .toml ファイルのパスで指定します。",
            "unknown preset; give a built-in name or a .toml file.",
        ),
        "preset_not_table": Message(
            "[{key}] は表にしてください。",
            "[{key}] must be a table.",
        ),
        "preset_unknown_key": Message(
            "{place} に知らないキー「{key}」があります。{hint}使えるキー: {known}",
            "unknown key {key!r}.",
        ),
        "preset_not_strings": Message(
            '{where} は見出しの文字列か、その配列（例: ["所在地", "住所"]）で書いてください。',
            "must be a string or a list of strings.",
        ),
        "preset_not_scalar": Message(
            "{where} は文字列・数・true/false のいずれかで書いてください。",
            "must be a string, number or boolean.",
        ),
        "preset_not_text": Message(
            "[preset] {key} は文字列で書いてください。",
            "must be a string.",
        ),
        "unknown_crs": Message(
            "座標参照系「{crs}」が分かりません（例: EPSG:6668、EPSG:6670）。",
            "unknown CRS.",
        ),
        # sources/reference.py
        "reference_no_code_column": Message(
            "コード列（{names} のいずれか）がありません。",
            "no code column.",
        ),
        "reference_no_layers": Message(
            "レイヤの列（例: secondary_medical_area, health_center）がありません。",
            "no layer column.",
        ),
        "reference_code_twice": Message(
            "コード {code} の行が行 {line} にもあり、値が違います。どちらが正しいか確かめて1行にしてください。",
            "code {code} is on line {line} too, with other values; keep one row.",
        ),
        "reference_empty_code": Message(
            "{column} の列が空です。市区町村コードを書くか、その行を消してください。",
            "the code cell is empty.",
        ),
        "reference_bad_code": Message(
            "コード {code!r} を読めません。5桁（または検査数字付き6桁）で書いてください。",
            "malformed code.",
        ),
        # sources/tabular.py
        "table_old_excel": Message(
            "{what}は古い Excel 形式（.xls）です。Excel で .xlsx か CSV（UTF-8）に保存し直してください。",
            "old .xls workbooks are not read: save as .xlsx or CSV.",
        ),
        "table_several_sheets": Message(
            "ブックの複数のシート（{sheets}）に表があります。1つだけを読むとほかが黙って落ちるため、使うシートだけのブックか CSV にしてください"
            "（年ごとのシートの将来推計は、年の列のある1つの表にまとめます）。",
            "several sheets hold a table ({sheets}); keep only the one to read (a workbook of one sheet, or a CSV).",
        ),
        "table_no_openpyxl": Message(
            "Excel ファイルを読むには openpyxl が必要です。CSV で保存し直してください。",
            "openpyxl is needed to read Excel files; save the sheet as CSV.",
        ),
        "table_bad_workbook": Message(
            "Excel ファイルとして読めません（{error}）。Excel で開けるか確認し、CSV で保存し直してください。",
            "cannot read the workbook.",
        ),
        "table_not_xlsx": Message(
            "{what}を Excel（.xlsx）ファイルとして読めません。古い .xls の場合は .xlsx か CSV で保存し直してください。",
            "not an .xlsx workbook (save old .xls files as .xlsx or CSV).",
        ),
        "table_workbook_too_large": Message(
            "Excel ファイルの展開後の大きさが上限（{limit} MB）を超えます。CSV で保存し直してください。",
            "the workbook unpacks beyond the size limit.",
        ),
        "table_zip_not_one_csv": Message(
            "zip の中の CSV が1つではありません（{names}）。展開して CSV を指定してください。",
            "the zip must hold exactly one CSV; unpack it and give the CSV.",
        ),
        "table_zipped_csv_too_large": Message(
            "zip の中の CSV が大きすぎます（上限 {limit} MB）。",
            "the CSV in the zip is too large.",
        ),
        "table_bad_zip": Message(
            "zip ファイルとして読めません（{error}）。ダウンロードし直すか、展開して CSV を指定してください。",
            "not a readable zip file.",
        ),
        # units.py
        "units_bad_level": Message(
            "units は municipality か ward を指定してください（指定値: {level!r}）。",
            "units must be 'municipality' or 'ward'.",
        ),
        "units_no_file": Message(
            "境界ファイルが指定されていません（--units）。",
            "no boundary file given (--units).",
        ),
        "units_empty_folder": Message(
            "フォルダに境界ファイル（.zip .shp .geojson .json .gpkg .parquet）がありません。",
            "the folder holds no boundary file.",
        ),
        "units_bad_format": Message(
            "境界ファイルの形式 {suffix!r} は読めません。N03 の zip・.shp・.geojson・.gpkg・.parquet を指定してください。",
            "unsupported boundary format.",
        ),
        "units_bad_zip": Message(
            "zip ファイルとして読めません（壊れているか途中までしかありません）。ダウンロードし直してください。",
            "not a valid zip file.",
        ),
        "units_zip_no_boundaries": Message(
            "zip の中に境界ファイル（.shp または .geojson）がありません。",
            "no .shp or .geojson inside the zip.",
        ),
        "units_unreadable": Message(
            "境界ファイルを読めません（{error_type}: {error}）。N03 のファイルか確認してください。",
            "cannot read the boundary file.",
        ),
        "units_no_features": Message(
            "境界ファイルに地物がありません。",
            "the boundary file has no features.",
        ),
        "units_not_lonlat": Message(
            "座標が緯度経度の範囲（経度 -180〜180・緯度 -90〜90）を外れています（x {x0:,.0f}〜{x1:,.0f}・y {y0:,.0f}〜{y1:,.0f}）。座標系（CRS）の指定がない投影座標（平面直角座標・UTM などメートル単位）のようです。Shapefile なら同じ名前の .prj を添え、そうでなければ GIS で座標系を指定して緯度経度（JGD2011, EPSG:6668）で保存し直してください。",
            "the coordinates are not lon/lat and the file declares no CRS (projected metres?); add the .prj file or save the file in EPSG:6668.",
        ),
        "units_outside_japan": Message(
            "境界データの範囲（経度 {lon0:.2f}〜{lon1:.2f}・緯度 {lat0:.2f}〜{lat1:.2f}）が日本（経度 {x0:g}〜{x1:g}・緯度 {y0:g}〜{y1:g}）にかかりません。ファイルの座標系（CRS・.prj）の指定が正しいか、N03 の境界データか確認してください。",
            "the features lie outside Japan; check the file's CRS (.prj) and that it is an N03 boundary file.",
        ),
        "units_no_code_column": Message(
            "市区町村コードの列 N03_007 がありません。国土数値情報 N03（行政区域）のファイルを指定してください。（見つかった列: {found}）",
            "no N03_007 code column; give an MLIT N03 file.",
        ),
        "units_conflicting_copies": Message(
            "市区町村コード {code}（{name}）の境界が {first} と {other} の両方にあり、形が異なります{more}。どちらか一方のファイルだけを指定してください（同じ都道府県の別の年の版や、全国のファイルと都道府県のファイルを一緒に指定していないか確認してください）。",
            "code {code} ({name}) is in both {first} and {other} with different shapes; give only one of the files.",
        ),
        # maps/
        "map_unknown_area": Message(
            "圏域 {areas} は計画にありません。計画の圏域: {known}。--area には計画の圏域名を指定してください。",
            "unknown area {areas}; the plan's areas are: {known}.",
        ),
        "map_unknown_column": Message(
            "{column!r} は使えません（市区町村にその列がないか、色分けする値ではありません）。使える値: {known}。",
            "{column!r} is not a measure to shade by; available: {known}.",
        ),
        "map_no_numbers": Message(
            "列 {column!r} に数値がありません。人口CSVを --population で指定してください（需要の率には --projection も）。",
            "column {column!r} holds no number; give the population CSV with --population.",
        ),
        "map_no_age_column": Message(
            "人口データに {label}（{column}）の数がありません（人口CSVにその年齢の列がないか、すべて空欄）。"
            "その列のある人口CSVを --population で指定するか、別の --choropleth を選んでください。",
            "the population data hold no {column}; give a population CSV with that column or choose another measure.",
        ),
        "map_no_people_per_hub": Message(
            "拠点あたり人口が分かる圏域がありません（連携拠点のある圏域がないか、施設データに連携拠点の指定がありません。"
            "hub 列を確かめるか、geo-zaitaku facilities import の --hubs で指定してください）。",
            "no area has a known hub, so people per hub is unknown everywhere.",
        ),
        "plan_bad_prefecture": Message(
            '[plan] prefecture の {value!r} は都道府県ではありません。都道府県コード（43）か名称（"熊本県"）、またはそのリストを書いてください。',
            "{value!r} is not a prefecture; write a code (43), a name or a list of them.",
        ),
        "units_no_usable_feature": Message(
            "市区町村コード（N03_007）と面（ポリゴン）の形状をもつ地物が1つもありません（{counts}）。N03（行政区域）のファイルか確認してください。",
            "no feature has both a municipality code (N03_007) and a polygon.",
        ),
        # roads/
        "osm_not_osm": Message(
            "OpenStreetMap の抽出ファイル（.osm.pbf、または OSM XML の .osm・.osm.gz・.osm.bz2）ではありません。Geofabrik などから地域の .osm.pbf をダウンロードして指定してください。",
            "not an OpenStreetMap extract (.osm.pbf or OSM XML); download a regional .osm.pbf and give it.",
        ),
        "osm_unreadable": Message(
            "OpenStreetMap の抽出ファイルを読めません（{error}）。ダウンロードが途中で切れていないか確かめ、取り直してください。",
            "cannot read the OpenStreetMap extract (truncated or corrupt?); download it again.",
        ),
        "roads_empty": Message(
            "車で通れる道路（highway=*、access=no・private を除く）と航路（route=ferry）が残りませんでした。抽出ファイルの範囲・--pref・--margin-km・速度の表を確かめてください。",
            "no drivable road or ferry is left after filtering; check the extract, --pref, --margin-km and the speed table.",
        ),
        "roads_not_covered": Message(
            "この抽出ファイルは{pref}をほとんど含みません（道路のある市区町村 {share}）。この抽出が含む都道府県: {covers}。{pref}を含む地域の抽出を指定してください。",
            "the extract does not cover the prefecture asked (units with roads: {share}); it covers: {covers}.",
        ),
        "roads_unknown_network": Message(
            "この名前・パスの道路網がありません。geo-zaitaku roads build で作り、geo-zaitaku roads list に表示される名前かフォルダを指定してください。作成済み: {known}",
            "no such road network; build one with `geo-zaitaku roads build` and give a name shown by `geo-zaitaku roads list`.",
        ),
        "roads_bad_name": Message(
            "道路網の名前「{name}」は使えません。名前はキャッシュの中のフォルダ名になるため、/ \\ : や改行を含まず、"
            "点で始まらない {limit} バイト以内の名前にしてください（例: kyushu_43）。",
            "not a usable network name: no / \\ : or control characters, not starting with a dot, at most {limit} bytes.",
        ),
        "roads_unreadable": Message(
            "キャッシュの道路網を読めません（{error}）。geo-zaitaku roads build で作り直してください。",
            "cannot read the cached road network; build it again with `geo-zaitaku roads build`.",
        ),
        "roads_matrix_cache": Message(
            "所要時間の表をキャッシュに書き込めませんでした（{error}）。次回も計算し直します"
            "（キャッシュの場所は環境変数 GEO_ZAITAKU_CACHE_DIR で変えられます）。",
            "could not write the travel-time matrix to the cache; it will be computed again.",
        ),
        "travel_time_catchment_km": Message(
            "--travel-time では圏を分で指定します。--catchment-km の代わりに --catchment-min を使ってください。",
            "with --travel-time the catchment is in minutes: use --catchment-min instead of --catchment-km.",
        ),
        "reach_min_needs_travel_time": Message(
            "--reach-min（分）は --travel-time と一緒に使います（道路の所要時間で点検するとき）。距離で点検するときは --reach-km を使ってください。",
            "--reach-min (minutes) needs --travel-time; use --reach-km for distances.",
        ),
        "reach_km_with_travel_time": Message(
            "--travel-time では所要時間（--reach-min、分）で点検するため、--reach-km は使いません。--reach-min を指定してください。",
            "with --travel-time reach is checked in minutes (--reach-min); --reach-km would be ignored.",
        ),
        "catchment_min_needs_travel_time": Message(
            "--catchment-min（分）は --travel-time と一緒に使います。距離で測るときは --catchment-km を使ってください。",
            "--catchment-min (minutes) needs --travel-time; use --catchment-km for distances.",
        ),
        "speeds_bad_toml": Message(
            "速度の表（TOML）を読めません: {error}。UTF-8 の TOML で、[highway] に 種類 = km/h を書いてください。",
            "cannot read the speed table (UTF-8 TOML with a [highway] table of class = km/h).",
        ),
        "speeds_unknown_table": Message(
            "速度の表に使えない項目です。使える項目: {tables}",
            "unknown entry in the speed table; known: {tables}.",
        ),
        "speeds_not_table": Message(
            "速度の表の [highway]・[ferry] は表（キー = 値）にしてください。",
            "[highway] and [ferry] must be tables of key = value.",
        ),
        "speeds_unknown_class": Message(
            "道路の種類（highway）が分かりません。{hint}使える種類: {known}",
            "unknown highway class; known: {known}.",
        ),
        "speeds_bad_maxspeed": Message(
            "[maxspeed] use は {uses} のどれかにしてください（lower: 標識の制限速度は種類の速度を下げるだけ、replace: 置き換える、ignore: 使わない）。",
            "[maxspeed] use must be one of {uses}.",
        ),
        "speeds_bad_speed": Message(
            "速度 {shown} は使えません。0 より大きく {high} km/h 以下の数にしてください。",
            "speed {shown} must be a number above 0 and at most {high} km/h.",
        ),
    }
)


def error(key: str, /, **values: object) -> Message:
    """The message of :data:`ERRORS` ``key``, its placeholders filled from ``values``.

    Raises
    ------
    KeyError
        ``key`` is not in :data:`ERRORS`.
    """
    return ERRORS[key].format(**values)
