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
        "no_name": "名称が空です / name is empty",
        "no_location": "緯度経度も市区町村コードもありません / neither lat/lon nor municipality code",
        "bad_coordinates": "緯度経度が数値として読めません / lat/lon not numeric",
        "outside": "緯度経度がどの市区町村の区域にも入りません / point lies outside every unit",
        "unknown_code": "市区町村コードがどの単位にも一致しません / municipality code matches no unit",
        "bad_code": "市区町村コードの形式が正しくありません / malformed municipality code",
        "bad_boolean": "真偽値として読めません（1/0・true/false・yes/no・○/× を使ってください） / not a boolean",
        "bad_number": "数値として読めません / not a number",
        "duplicate_code": "同じコードの行が前にあります / duplicate code",
    }
)

#: Ways a facility was placed in a unit.
PLACED_BY = MappingProxyType(
    {
        "point": "緯度経度（点の位置）",
        "code": "市区町村コード",
        "swapped": "緯度経度（緯度と経度を入れ替えて）",
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
    }
)

#: CLI and report words.
TEXT = MappingProxyType(
    {
        "plan_ok": "計画にエラーはありません",
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
