"""Every Japanese (and English) label users read, in one place.

Maps, reports and the CLI take their wording from here so that the same thing is
called the same way everywhere. Message templates are ``(japanese, english)`` pairs
formatted with :func:`message`.
"""

from __future__ import annotations

from types import MappingProxyType

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
        "reach": ("積極的医療機関までの距離", "reach"),
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

#: Reasons a row or feature was set aside: id -> Japanese / English text.
REASONS = MappingProxyType(
    {
        "no_code": "市区町村コード（N03_007）がありません（所属未定地など） / no code (N03_007)",
        "no_geometry": "形状がありません / no geometry",
        "not_polygon": "面（ポリゴン）ではありません（点・線・面積のない形） / not a polygon (points, lines or no area)",
        "no_name": "名称が空です / name is empty",
        "no_location": "緯度経度も市区町村コードもありません / neither lat/lon nor municipality code",
        "bad_coordinates": "緯度経度が数値として読めません / lat/lon not numeric",
        "outside": "緯度経度がどの市区町村の区域にも入りません / point lies outside every unit",
        "unknown_code": "市区町村コードがどの単位にも一致しません / municipality code matches no unit",
        "bad_code": "市区町村コードの形式が正しくありません / malformed municipality code",
        "bad_boolean": "真偽値として読めません（1/0・true/false・yes/no・○/× を使ってください） / not a boolean",
        "bad_number": "数値として読めません / not a number",
        "duplicate_code": "同じコードの行が前にあります / duplicate code",
        "other_prefecture": "境界データにない都道府県の施設です / facility in a prefecture the boundaries do not cover",
        "ambiguous_code": "市区町村コードが複数の単位（区）に当たり、特定できません / municipality code stands for several units (wards)",
        "address_ambiguous": "住所から市区町村（区）を1つに特定できません / the address names several units",
    }
)

#: Ways a facility was placed in a unit.
PLACED_BY = MappingProxyType(
    {
        "point": "緯度経度（点の位置）",
        "code": "市区町村コード",
        "swapped": "緯度経度（緯度と経度を入れ替えて）",
        "address": "住所（市区町村名）",
    }
)

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
        "nearest_key_institution": "最寄りの積極的医療機関",
        "origin": "距離の起点",
    }
)

#: Where reach distances are measured from.
ORIGINS = MappingProxyType({"population": "人口重心", "centroid": "区域の重心"})

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
        "errors_layer": "エラーのある圏域",
        "reach_layer": "積極的医療機関から{km:g}km",
        "key_layer": "積極的役割を担う医療機関",
        "hub_layer": "連携を担う拠点",
        "key": "積極的役割を担う医療機関",
        "hub": "連携を担う拠点",
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
        "list_kind": "種別",
        "list_name": "名称",
        "list_address": "住所",
        "yes": "○",
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

#: Finding messages: id -> (Japanese template, English template).
MESSAGES = MappingProxyType(
    {
        "unassigned": ("{unit}がどの圏域にも含まれていません", "{unit} is in no area"),
        "duplicate": (
            "{unit}が複数の圏域（{areas}）に含まれています",
            "{unit} is in several areas ({areas})",
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
        "unknown_link": (
            "連結（{kind}）の「{entry}」に一致する市区町村がありません",
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
        "no_key_institution": (
            "積極的役割を担う医療機関がありません（{n}か所、必要数 {min}）",
            "no key institution ({n}, at least {min} needed)",
        ),
        "no_hub": (
            "連携を担う拠点がありません（{n}か所、必要数 {min}）",
            "no coordination hub ({n}, at least {min} needed)",
        ),
        "hub_density": (
            "拠点あたり人口が{per:,.0f}人で、目安（{limit:,}人に1か所）を超えています（人口{pop:,.0f}人・拠点{n}か所）",
            "{per:,.0f} people per hub exceeds {limit:,} (population {pop:,.0f}, {n} hubs)",
        ),
        "reach": (
            "{unit}から最寄りの積極的医療機関（{facility}）まで{km:.1f}km（目安{limit:g}km）",
            "{unit} is {km:.1f} km from the nearest key institution ({facility}); limit {limit:g} km",
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
            "{n} rows of {file} could not be placed (see report.json / facilities_rejected.csv)",
        ),
        "population_missing": (
            "人口が分からない市区町村が{n}あります: {names}",
            "{n} units have no population: {names}",
        ),
        "population_skipped": (
            "{file}の{n}行を使いませんでした（詳細は report.json）",
            "{n} rows of {file} were not used (see report.json)",
        ),
        "population_notes": (
            "{file}の{n}行は人口重心を使わずに読み込みました（日本の範囲外・読めない値など。距離は区域の重心から測ります。"
            "詳細は report.json）",
            "{n} rows of {file} were read without their population centroid (outside Japan, unreadable ...; "
            "distance measured from the unit's centroid; see report.json)",
        ),
        "facility_notes": (
            "{file}の{n}行を補正して読み込みました（緯度経度の入替え・コードでの配置など。詳細は report.json）",
            "{n} rows of {file} were read with corrections (swapped lat/lon, placed by code ...; see report.json)",
        ),
        "reference_unmatched": (
            "参照レイヤCSVの{n}行のコードがどの市区町村にも一致しません（行 {lines}）",
            "{n} rows of the reference CSV match no unit (lines {lines})",
        ),
        "set_aside": (
            "境界データの{n}地物を除外しました（{reasons}）",
            "{n} boundary features set aside ({reasons})",
        ),
        "boundary_duplicates": (
            "境界データの{n}市区町村が{a}と{b}の両方にあります（同じ形のため1つとして扱いました）",
            "{n} municipalities are in both {a} and {b} (same shapes, each used once)",
        ),
    }
)

#: CLI and report words.
TEXT = MappingProxyType(
    {
        "plan_ok": "計画にエラーはありません",
        "unknown": "不明",
        "aborted": "中断しました / aborted",
        "whole_plan": "全域（計画なし）",
        "whole_area": "全域",
        "robustness_summary": "単一障害点 {n}施設{pairs}",
        "robustness_pairs": "、2施設の組 {n}組（{tested:,}組を点検）",
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
        "population_notes": "人口重心を使わなかった行 {n}（人口は使用。理由は population_log.csv）",
        "population_summary": (
            "{file}: {rows}行を読み、{units}/{total}市区町村の人口を書き出しました（使わなかった行 {skipped}・"
            "人口のない市区町村 {missing}。理由は population_log.csv）"
        ),
        "demo_demand": "在宅医療の推計患者数（県全体、既定の全国の率）: 2025年 {a:,.1f}人 → 2040年 {b:,.1f}人（demand.csv）",
    }
)


def message(key: str, **values: object) -> tuple[str, str]:
    """Format a finding message template.

    Parameters
    ----------
    key
        A key of :data:`MESSAGES`.
    **values
        Values for the placeholders of both templates.

    Returns
    -------
    (japanese, english)
    """
    ja, en = MESSAGES[key]
    return ja.format(**values), en.format(**values)


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
        "pref_code": "コード",
        "pref": "都道府県",
        "year": "年版",
        "features": "地物数",
        "size": "サイズ",
        "fetched": "取得日",
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
        "missing": "{period}: 人口の分からない市区町村が{n}あり、合計に含まれていません（{names}）",
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
        "address": "住所",
        "rejected": "不採用",
        "corrected": "補正",
        "total": (
            "合計: 読み込み {rows:,}行 → 配置 {placed:,}行（緯度経度 {point:,}・緯度経度の入替え {swapped:,}・"
            "市区町村コード {code:,}・住所 {address:,}）・不採用 {rejected:,}行"
        ),
        "list": "{what}（{file}）: {n}件 → 一致 {matched}・候補が複数 {ambiguous}・一致なし {unmatched}",
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

#: Words of comparisons (``comparison.md``: scenarios and ``geo-zaitaku diff``).
COMPARE = MappingProxyType(
    {
        "title": "比較",
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
        "p_reach": "距離の目安を超える市区町村が出る確率",
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
        "moved_layer": "移す市区町村",
        "moved_tip": "移す: {a} → {b}",
        "map_title": "圏域の提案",
    }
)

#: Words of hub and key-institution siting (``design hubs``).
DESIGN_HUBS = MappingProxyType(
    {
        "short": "圏域「{area}」には{need}か所必要ですが、既存 {existing}か所と候補 {n}か所しかありません（--candidates で候補を広げてください）",
        "none": "すべての圏域の必要数を満たす指定の組み合わせがありません",
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
        "summary": "{status}: 新たに指定 {n}施設（{role}）。目安の距離 {km:g}km 以内の人口 {before:,.0f}人 → {after:,.0f}人",
        "roles": MappingProxyType({"hub": "連携拠点", "key": "積極的医療機関"}),
        "uncovered": "候補のどれからも目安の距離に入らない市区町村: {names}",
        "layer": "新たに指定する施設",
        "tip": "新たに指定: {why}",
        "map_title": "拠点の指定の提案",
    }
)
