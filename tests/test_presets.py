import pytest

from geo_zaitaku._cells import clean_header
from geo_zaitaku._errors import InputError
from geo_zaitaku.sources.facilities import CANONICAL_COLUMNS
from geo_zaitaku.sources.presets import (
    builtin,
    builtin_names,
    detect_preset,
    load_preset_file,
    preset_from_options,
    resolve_preset,
)

MHLW_HEADER = ["ID", "正式名称", "正式名称（フリガナ）", "都道府県コード", "市区町村コード", "所在地",
               "所在地座標（緯度）", "所在地座標（経度）", "案内用ホームページアドレス"]  # fmt: skip
PHARMACY_HEADER = ["ID", "名称", "フリガナ", "都道府県コード", "市区町村コード", "所在地",
                   "所在地座標（緯度）", "所在地座標（経度）", "薬局のホームページアドレス"]  # fmt: skip
KAIGO_HEADER = ["都道府県コード又は市区町村コード", "NO（※システム内の固有の番号、連番）", "都道府県名", "市区町村名",
                "事業所名", "事業所名カナ", "サービスの種類", "住所", "方書（ビル名等）", "緯度", "経度",
                "電話番号", "FAX番号", "法人番号", "法人の名称", "事業所番号", "URL"]  # fmt: skip
OPENDATA_HEADER = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ",
                   "医療機関の種類", "住所", "方書", "緯度", "経度", "電話番号", "医療機関コード", "URL"]  # fmt: skip


def header(names):
    return [clean_header(n) for n in names]


def test_builtin_presets_load_and_canonical_matches_the_documented_columns():
    assert builtin_names() == (
        "canonical", "kaigo_kohyo", "mhlw_clinic", "mhlw_dental", "mhlw_hospital", "mhlw_medical",
        "mhlw_pharmacy", "opendata_care", "opendata_medical",
    )  # fmt: skip
    canonical = builtin("canonical")
    assert canonical.columns is CANONICAL_COLUMNS
    assert canonical.columns["name"] == (
        "name",
        "名称",
        "施設名",
        "正式名称",
        "施設名称",
        "医療機関名",
        "事業所名",
    )
    assert canonical.columns["lat"] == ("lat", "latitude", "緯度", "y")
    assert canonical.detect == ()
    clinic = builtin("mhlw_clinic")
    assert dict(clinic.constants) == {"kind": "clinic"}
    assert clinic.columns["lat"] == ("所在地座標(緯度)",)  # NFKC, like the headers read
    assert clinic.credit.startswith("出典：厚生労働省")


@pytest.mark.parametrize(
    ("names", "filename", "expected"),
    [
        (MHLW_HEADER, "01-1_hospital_facility_info_20240601.csv", "mhlw_hospital"),
        (MHLW_HEADER, "02-1_clinic_facility_info_20241201.csv", "mhlw_clinic"),
        (MHLW_HEADER, "03-1_DENTAL_facility_info_20240601.CSV", "mhlw_dental"),
        (MHLW_HEADER, "病院一覧.csv", "mhlw_medical"),
        (PHARMACY_HEADER, "05_pharmacy_20240601.csv", "mhlw_pharmacy"),
        (PHARMACY_HEADER, "薬局.csv", "mhlw_pharmacy"),
        (KAIGO_HEADER, "jigyosho_130.csv", "kaigo_kohyo"),
        (OPENDATA_HEADER, "432016_medical_institution.csv", "opendata_medical"),
        (["介護サービス事業所名称", "実施サービス", "住所", "緯度", "経度"], "care.csv", "opendata_care"),
        (["id", "name", "lat", "lon"], "01-1_hospital_facility_info_20240601.csv", "canonical"),
        (["施設正式名称", "fX", "fY"], "x.csv", "canonical"),
    ],
)
def test_detect_preset(names, filename, expected):
    assert detect_preset(header(names), filename).name == expected


def write(tmp_path, text, name="p.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_preset_file(tmp_path):
    path = write(
        tmp_path,
        '[preset]\nname = "my_city"\ntitle = "○○市"\ndetect = ["施設正式名称"]\n'
        '[columns]\nname = "施設正式名称"\nlon = "fX"\nlat = "fY"\naddress = ["所在地", "住所"]\n'
        '[constants]\nkind = "clinic"\nis_24h = true\n'
        '[values.kind]\n"医科" = "clinic"\n'
        '[coordinates]\ncrs = "EPSG:6670"\nzero_is_missing = false\n',
    )
    p = load_preset_file(path)
    assert p.name == "my_city"
    assert dict(p.columns) == {
        "name": ("施設正式名称",),
        "lon": ("fx",),
        "lat": ("fy",),
        "address": ("所在地", "住所"),
    }
    assert dict(p.constants) == {"kind": "clinic", "is_24h": "1"}
    assert dict(p.values["kind"]) == {"医科": "clinic"}
    assert (p.crs, p.zero_is_missing, p.order) == ("EPSG:6670", False, "latlon")
    assert resolve_preset(str(path)).name == "my_city"
    assert resolve_preset("mhlw_pharmacy").name == "mhlw_pharmacy"
    assert resolve_preset(None) is None


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ('[preset]\nname = "x"\n[colums]\nname = "a"\n', ["colums", "columns"]),
        ('[preset]\nname = "x"\n[columns]\nnmae = "a"\nlat = "y"\nlon = "x"\n', ["nmae", "「name」"]),
        ('[preset]\nname = "x"\n[columns]\nlat = "y"\nlon = "x"\n', ["name = ", "[columns]"]),
        ('[preset]\nname = "x"\n[columns]\nname = "a"\nlat = "y"\n', ["lat と lon"]),
        ('[preset]\nname = "x"\n[columns]\nname = "a"\nphone = "tel"\n', ["位置を表す列"]),
        ('[columns]\nname = "a"\nlat = "y"\nlon = "x"\n', ["[preset]", "name"]),
        (
            '[preset]\nname = "x"\ntitel = "t"\n[columns]\nname = "a"\nlat = "y"\nlon = "x"\n',
            ["titel", "title"],
        ),
        ('[preset]\nname = "x"\n[columns]\nname = 3\nlat = "y"\nlon = "x"\n', ["[columns] name", "文字列"]),
        (
            '[preset]\nname = "x"\n[columns]\nname = "a"\nlat = "y"\nlon = "x"\n[coordinates]\ncrs = "EPSG:99999999"\n',
            ["EPSG:99999999"],
        ),
        (
            '[preset]\nname = "x"\n[columns]\nname = "a"\nlat = "y"\nlon = "x"\n[coordinates]\norder = "xy"\n',
            ["latlon"],
        ),
        (
            '[preset]\nname = "x"\n[columns]\nname = "a"\nlat = "y"\nlon = "x"\n[constants]\nname = "a"\n',
            ["[constants]", "name"],
        ),
        (
            '[preset]\nname = "x"\n[columns]\nname = "a"\nlat = "y"\nlon = "x"\n[values]\nkind = "a"\n',
            ["[values.kind]"],
        ),
        ('[preset\nname = "x"\n', ["TOML"]),
    ],
)
def test_invalid_user_presets_are_explained(tmp_path, text, needles):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as e:
        load_preset_file(path)
    message = str(e.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message


def test_unknown_preset_name_lists_builtins(tmp_path):
    with pytest.raises(InputError) as e:
        resolve_preset("mhlw_clinik")
    assert "「mhlw_clinic」のことですか" in str(e.value)
    assert "canonical" in str(e.value)
    with pytest.raises(InputError, match="見つかりません"):
        resolve_preset(str(tmp_path / "none.toml"))


def test_command_line_overrides():
    assert preset_from_options(None) is None
    assert preset_from_options("mhlw_clinic").name == "mhlw_clinic"
    p = preset_from_options(None, columns={"name": "施設正式名称", "lon": "fX", "lat": "fY", "id": None})
    assert p.name == "canonical"
    assert (p.columns["name"], p.columns["lon"], p.columns["lat"]) == (("施設正式名称",), ("fx",), ("fy",))
    assert p.columns["address"] == CANONICAL_COLUMNS["address"]
    assert p.required == ("name", "lon", "lat")
    assert p.label == "canonical（列指定: name=施設正式名称, lon=fX, lat=fY）"
    assert not p.address_only
    q = preset_from_options("mhlw_medical", columns={"address": "住所"}, constants={"kind": "dental"})
    assert q.address_only and q.constants["kind"] == "dental"
    with pytest.raises(InputError, match="EPSG:0"):
        preset_from_options(None, crs="EPSG:0")


def test_the_documented_example_preset_is_valid():
    import textwrap
    import tomllib

    from geo_zaitaku.sources import presets

    block = presets.__doc__.split("::\n\n", 1)[1].split("\n\nBesides")[0]
    p = presets.preset_from_dict(tomllib.loads(textwrap.dedent(block)), source="docstring")
    assert (p.name, p.columns["lon"], p.constants["kind"], p.crs) == (
        "my_city",
        ("fx",),
        "clinic",
        "EPSG:6668",
    )
