import pytest
from conftest import make_grid, write_plan
from test_units import _city_grid

from geo_zaitaku._errors import InputError
from geo_zaitaku.plan import Plan, parse_plan, read_plan
from geo_zaitaku.units import units_from_frame

HEADER = '[plan]\nname = "テスト"\n'


@pytest.fixture
def grid():
    return units_from_frame(make_grid(3, 3))


def plan_of(text, units):
    return Plan.from_spec(parse_plan(text), units)


def test_minimal_plan(grid):
    spec = parse_plan(HEADER + '[areas]\n"A" = ["99201", "町1", 99203]\n"B" = ["992046", "町 4", "町５"]\n')
    assert spec.name == "テスト"
    assert spec.level == "municipality"
    assert [a.entries for a in spec.areas] == [("99201", "町1", "99203"), ("992046", "町 4", "町５")]
    plan = Plan.from_spec(spec, grid)
    assert dict(plan.areas) == {"A": ("99201", "99202", "99203"), "B": ("99204", "99205", "99206")}
    assert plan.problems == ()
    assert plan.assignment["99205"] == "B"


def test_extended_area_tables_links_and_checks(grid):
    text = HEADER + (
        '[areas.A]\nunits = ["99201"]\nnote = "メモ"\n[areas.B]\nunits = ["99209"]\n'
        '[[links]]\na = "町0"\nb = "99209"\nkind = "ferry"\nnote = "航路"\n'
        "[checks]\nreach_km = 20\nmin_hubs = 2\n"
    )
    spec = parse_plan(text)
    assert spec.areas[0].note == "メモ"
    plan = Plan.from_spec(spec, grid)
    assert plan.links[0].a == "99201" and plan.links[0].b == "99209" and plan.links[0].kind == "ferry"
    assert plan.graph.edges["99201", "99209"]["kind"] == "ferry"
    assert plan.config.reach_km == 20.0
    assert plan.config.min_hubs == 2


def test_resolution_problems_are_kept_for_the_checks(grid):
    plan = plan_of(
        HEADER
        + '[areas]\n"A" = ["99201", "町１０", "99299"]\n"B" = ["99201", "町2"]\n"C" = ["存在しない村"]\n',
        grid,
    )
    kinds = [(p.kind, p.area, p.entry) for p in plan.problems]
    assert ("unknown", "A", "町１０") in kinds
    assert ("unknown", "A", "99299") in kinds
    assert ("unknown", "C", "存在しない村") in kinds
    assert ("empty_area", "C", "") in kinds
    assert ("duplicate", "A", "99201") in kinds
    dup = next(p for p in plan.problems if p.kind == "duplicate")
    assert dup.candidates == ("A", "B")
    unknown = next(p for p in plan.problems if p.entry == "町１０")
    assert unknown.candidates[0] == "町1"  # closest name offered


def test_ward_level_names_and_city(tmp_path):
    g = _city_grid("old")
    wards = units_from_frame(g, level="ward")
    plan = plan_of(
        '[plan]\nunits = "ward"\n[areas]\n"市" = ["熊本市"]\n"他" = ["熊本県玉名市", "43364"]\n', wards
    )
    assert plan.areas["市"] == ("43101", "43102")
    plan = plan_of(
        '[plan]\nunits = "ward"\n[areas]\n"中" = ["中央区"]\n"東" = ["熊本市東区", "431028"]\n"他" = ["玉名市", "玉東町"]\n',
        wards,
    )
    assert plan.areas["中"] == ("43101",)
    assert plan.areas["東"] == ("43102",)
    assert plan.problems == ()


def test_ward_entries_in_municipality_plan_read_as_city():
    units = units_from_frame(_city_grid("new"))
    plan = plan_of(HEADER + '[areas]\n"A" = ["43101", "熊本市東区", "玉名市"]\n"B" = ["玉東町"]\n', units)
    assert plan.areas["A"] == ("43100", "43206")
    notes = [p for p in plan.problems if p.kind == "ward_to_city"]
    assert [p.entry for p in notes] == ["43101", "熊本市東区"]


def test_ambiguous_names():
    g = make_grid(2, 1)
    g["N03_004"] = "同名町"
    units = units_from_frame(g)
    plan = plan_of(HEADER + '[areas]\n"A" = ["同名町"]\n', units)
    (p, empty) = plan.problems
    assert p.kind == "ambiguous"
    assert p.candidates == ("同名町（99201）", "同名町（99202）")
    assert empty.kind == "empty_area"


def test_level_mismatch_is_an_input_error(grid):
    with pytest.raises(InputError, match="ward"):
        plan_of('[plan]\nunits = "ward"\n[areas]\n"A" = ["99201"]\n', grid)


def test_reassign_returns_a_new_plan(grid):
    plan = plan_of(HEADER + '[areas]\n"A" = ["99201", "99202"]\n"B" = ["99203"]\n', grid)
    moved = plan.reassign({"99202": "B", "99209": "C"})
    assert dict(moved.areas) == {"A": ("99201",), "B": ("99203", "99202"), "C": ("99209",)}
    assert dict(plan.areas) == {"A": ("99201", "99202"), "B": ("99203",)}


@pytest.mark.parametrize(
    ("text", "where", "needle"),
    [
        ('[plan]\nname = "x"\n[areas\n', None, "TOML"),
        ('[plan]\nname = "x"\n', "[areas]", "[areas]"),
        ("[plan]\n[areas]\n", "[areas]", "圏域がありません"),
        ('[plan]\nunits = "prefecture"\n[areas]\n"A"=["1"]\n', "[plan] units", "municipality"),
        ('[plan]\ncolour = 1\n[areas]\n"A"=["1"]\n', "[plan] colour", "未知のキー"),
        ('[areas]\n"A" = "99201"\n', '[areas] "A"', "配列"),
        ('[areas]\n"A" = [true]\n', '[areas] "A"', "1番目"),
        ('[areas]\n"A" = ["99201"]\n[[links]]\na = "99201"\nkind = "bridge"\n', "[[links]] 1番目", "b"),
        (
            '[areas]\n"A" = ["99201"]\n[[links]]\na = "1"\nb = "2"\nkind = "tunnelx"\n',
            "[[links]] 1番目",
            "kind",
        ),
        ('[areas]\n"A" = ["99201"]\n[checks]\nreach = 3\n', "[checks] reach", "未知の設定"),
        ('[areas]\n"A" = ["99201"]\n[checks]\nreach_km = "far"\n', "[checks] reach_km", "数値"),
        (
            '[areas]\n"A" = ["99201"]\n[checks]\nfunctions_severity = "fatal"\n',
            "[checks] functions_severity",
            "error",
        ),
        ('[areas]\n"A" = ["99201"]\n[zones]\n', "zones", "未知の表"),
    ],
)
def test_malformed_plans(tmp_path, text, where, needle):
    path = write_plan(tmp_path / "plan.toml", text)
    with pytest.raises(InputError) as e:
        read_plan(path)
    assert str(path) in str(e.value)
    assert needle in str(e.value)
    if where:
        assert e.value.where == where


def test_plan_file_problems(tmp_path):
    with pytest.raises(InputError, match="見つかりません"):
        read_plan(tmp_path / "none.toml")
    empty = write_plan(tmp_path / "empty.toml", "  \n")
    with pytest.raises(InputError, match="空"):
        read_plan(empty)
    sjis = tmp_path / "sjis.toml"
    sjis.write_bytes('[areas]\n"圏域" = ["99201"]\n'.encode("cp932"))
    with pytest.raises(InputError, match="UTF-8"):
        read_plan(sjis)


def test_paths_in_plan_are_relative_to_the_plan(tmp_path):
    path = write_plan(
        tmp_path / "p.toml",
        '[plan]\nboundaries = "n03.zip"\nreference = "ref.csv"\nfacilities = ["a.csv", "b.csv"]\n[areas]\n"A"=["1"]\n',
    )
    spec = read_plan(path)
    assert spec.inputs["boundaries"] == (tmp_path / "n03.zip",)
    assert spec.inputs["facilities"] == (tmp_path / "a.csv", tmp_path / "b.csv")
    assert spec.reference == tmp_path / "ref.csv"


def test_reassign_settles_duplicates_and_drops_empty_areas(grid):
    plan = plan_of(HEADER + '[areas]\n"A" = ["99201", "99202", "町99"]\n"B" = ["99202"]\n', grid)
    assert sorted(p.kind for p in plan.problems) == ["duplicate", "unknown"]
    moved = plan.reassign({"99202": "A"})
    assert dict(moved.areas) == {"A": ("99201", "99202")}
    assert [p.kind for p in moved.problems] == ["unknown"]  # B emptied and gone; the unknown entry stays
    again = moved.reassign({"99201": "C"})
    assert dict(again.areas) == {"A": ("99202",), "C": ("99201",)}
    with pytest.raises(InputError, match="99999"):
        plan.reassign({"99999": "A"})


def _two_prefectures():
    """A 3x3 grid in 熊本県 (43201-43209) beside one in 長崎県 (42201-42209)."""
    import pandas as pd

    east = make_grid(3, 3, pref="43")
    west = make_grid(3, 3, pref="42")
    west["geometry"] = west.geometry.translate(-0.5, 0)
    return units_from_frame(pd.concat([east, west], ignore_index=True))


def test_a_prefecture_plan_uses_only_its_prefecture():
    """Checked against boundaries of several prefectures (the national file), a plan
    uses the units of the prefectures it names, and says so once."""
    from geo_zaitaku.pipeline import check_plan
    from geo_zaitaku.plan import plan_prefectures

    units = _two_prefectures()
    spec = parse_plan(
        '[areas]\nA = ["43201", "町1", "43203"]\nB = ["43204", "43205", "43206", "43207", "43208", "43209"]\n'
    )
    assert plan_prefectures(spec, units) == ("43",)
    run = check_plan(spec, units=units)
    assert len(run.plan.units) == 9 and set(run.plan.units["pref_code"]) == {"43"}
    assert [f.code for f in run.report.findings if f.severity == "error"] == []
    (note,) = [f for f in run.report.findings if f.code == "other_prefectures"]
    assert note.severity == "info" and note.value == 9
    assert note.message.startswith("計画の都道府県（熊本県）の市区町村だけを点検しました。")
    assert run.report.inputs["units"]["outside_plan"] == {"prefectures": ["42"], "units": 9, "kept": ["43"]}
    # [plan] prefecture decides (a code, a name or a list); the other units are then unassigned
    both = parse_plan('[plan]\nprefecture = [43, "長崎県"]\n[areas]\nA = ["43201"]\n')
    assert both.prefectures == ("43", "42")
    run = check_plan(both, units=units)
    assert len(run.plan.units) == 18 and "other_prefectures" not in [f.code for f in run.report.findings]
    # a plan over the whole of the boundaries keeps everything, with no note
    every = parse_plan("[areas]\n" + "".join(f'A{c} = ["{c}"]\n' for c in units.index))
    assert "other_prefectures" not in [f.code for f in check_plan(every, units=units).report.findings]


@pytest.mark.parametrize("value", ['"火星"', "99", "true", "[1.5]"])
def test_bad_prefecture_in_plan(value):
    with pytest.raises(InputError, match=r"\[plan\] prefecture") as info:
        parse_plan(f'[plan]\nprefecture = {value}\n[areas]\nA = ["43201"]\n')
    assert "都道府県コード（43）か名称" in str(info.value)


def test_check_plan_takes_one_path_an_n03_frame_and_refuses_tables(sample_files):
    """check_plan(facilities="x.csv") iterated the string ("k: 施設CSVが見つかりません"),
    a Path raised TypeError, an N03 GeoDataFrame failed with KeyError 'zone', and a
    DataFrame as population raised pandas' "truth value ... ambiguous"."""
    import geopandas as gpd
    import pandas as pd

    from geo_zaitaku import InputError, check_plan

    plan, fac = sample_files.plan, sample_files.directory / "facilities.csv"
    whole = check_plan(plan, facilities=[fac])
    for one in (str(fac), fac):
        run = check_plan(plan, facilities=one)
        assert len(run.facilities.frame) == len(whole.facilities.frame) == 243
    raw = gpd.read_file(sample_files.directory / "units.geojson")  # N03 columns, not units
    run = check_plan(plan, units=raw)
    assert sorted(run.plan.units.index) == sorted(whole.plan.units.index) and len(run.plan.units) == 26
    assert [f.message for f in run.report.findings] == [f.message for f in whole.report.findings]
    for kwargs, where in (
        ({"facilities": pd.read_csv(fac)}, "facilities"),
        ({"units": pd.DataFrame(raw.drop(columns="geometry"))}, "units"),
        ({"population": pd.read_csv(sample_files.directory / "population.csv")}, "population"),
    ):
        with pytest.raises(InputError) as err:
            check_plan(plan, **kwargs)
        assert err.value.where == where


def test_a_ward_name_is_looked_for_in_the_plan_s_own_prefecture_first():
    """「中央区」 in a Kumamoto plan checked against the national file was Tokyo's 中央区
    (unique there as a municipality), which pulled all of Tokyo into the plan."""
    import pandas as pd

    from geo_zaitaku.pipeline import check_plan
    from geo_zaitaku.plan import plan_prefectures

    east = make_grid(3, 3, pref="43")
    east.loc[0, ["N03_003", "N03_004", "N03_007"]] = ["熊本市", "中央区", "43101"]  # a ward of 熊本市
    tokyo = make_grid(3, 1, pref="13", first=101)
    tokyo.loc[1, "N03_004"] = "中央区"  # 13102, a special ward: a municipality of its own
    tokyo["geometry"] = tokyo.geometry.translate(3.0, 2.0)
    units = units_from_frame(pd.concat([east, tokyo], ignore_index=True))
    spec = parse_plan(
        '[areas]\nA = ["中央区", "43202", "43203"]\nB = ["43204", "43205", "43206", "43207", "43208", "43209"]\n'
    )
    assert plan_prefectures(spec, units) == ("43",)
    run = check_plan(spec, units=units)
    assert dict(run.plan.areas)["A"] == ("43100", "43202", "43203")
    assert set(run.plan.units["pref_code"]) == {"43"}


@pytest.mark.parametrize(
    ("text", "where", "needle"),
    [
        ('[areas]\n"" = ["43208"]\n', '[areas] ""', "圏域名 '' が空か、制御文字を含んでいます"),
        (
            '[areas]\n"有明" = ["43204"]\n"有明 " = ["43206"]\n',
            '[areas] "有明 "',
            "圏域名 '有明' と '有明 ' は",
        ),
        (
            '[areas]\n"八代" = ["43202", "43203", "43202"]\n',
            '[areas] "八代"',
            "'43202' が1番目と3番目の2回書かれています",
        ),
        (
            '[areas]\n"A" = ["43212"]\n[[links]]\na = "43212"\nb = "43212"\n',
            "[[links]] 1番目",
            "連結の a と b が同じ市区町村（43212）です",
        ),
        (
            '[plan]\npopulation = ["a.csv", "b.csv"]\n[areas]\n"A" = ["43212"]\n',
            "[plan] population",
            "ファイルを1つだけ書いてください（2個書かれています）",
        ),
        ('[plan]\nname = 123\n[areas]\n"A" = ["43212"]\n', "[plan] name", "name は文字列で書いてください"),
        ('[areas.A]\nunits = ["43212"]\nnote = 5\n', '[areas] "A"', "note は文字列で書いてください"),
    ],
)
def test_plan_mistakes_that_were_taken_silently(text, where, needle):
    """A blank area name, two names that read the same, an entry written twice (merged
    without a word), a link to itself and a second population file (ignored) were all
    accepted with exit 0."""
    with pytest.raises(InputError) as err:
        parse_plan(text)
    assert err.value.where == where and needle in str(err.value)


def test_a_declared_prefecture_the_boundaries_lack_is_refused():
    """[plan] prefecture = 46 against boundaries without 鹿児島県 was ignored (exit 0)."""
    from geo_zaitaku.pipeline import check_plan

    spec = parse_plan('[plan]\nprefecture = 46\n[areas]\nA = ["43201"]\n')
    with pytest.raises(InputError) as err:
        check_plan(spec, units=_two_prefectures())
    assert err.value.where == "[plan] prefecture"
    assert (
        "計画の都道府県（鹿児島県）が境界データにありません（境界データの都道府県: 長崎県・熊本県）"
        in str(err.value)
    )


def test_a_code_that_matches_no_unit_is_said_what_it_is(tmp_path):
    """46208 in a Kumamoto plan got 「候補: 43208 山鹿市…」, names of like digits; a wrong
    check digit and a code merged away got no word on what was wrong."""
    from geo_zaitaku.codes import check_digit
    from geo_zaitaku.pipeline import check_plan

    wrong = "99201" + str((int(check_digit("99201")) + 1) % 10)
    spec = parse_plan(
        f'[areas]\nA = ["99201", "46208", "99299", "{wrong}"]\n'
        'B = ["99202", "99203", "99204", "99205", "99206", "99207", "99208", "99209"]\n'
    )
    run = check_plan(spec, units=units_from_frame(make_grid()))
    messages = [f.message for f in run.report.findings if f.code == "unknown_entry"]
    assert messages == [
        "圏域「A」の「46208」に一致する市区町村がありません（鹿児島県のコードです。境界データ・計画の都道府県は テスト県）",
        "圏域「A」の「99299」に一致する市区町村がありません"
        "（境界データにこのコードの市区町村はありません。合併などで今はないコードか、書き誤りです）",
        f"圏域「A」の「{wrong}」に一致する市区町村がありません（6桁の検査数字が合いません。99201{check_digit('99201')} か、5桁で書いてください）",
    ]


def test_a_city_split_by_its_wards_in_a_municipality_plan_points_at_ward_plans():
    from geo_zaitaku.pipeline import check_plan

    east = make_grid(3, 3, pref="43")
    east.loc[0, ["N03_003", "N03_004", "N03_005", "N03_007"]] = ["熊本市", "熊本市", "中央区", "43101"]
    east.loc[1, ["N03_003", "N03_004", "N03_005", "N03_007"]] = ["熊本市", "熊本市", "北区", "43105"]
    spec = parse_plan(
        '[areas]\nA = ["熊本市中央区", "43203"]\nB = ["熊本市北区", "43204", "43205", "43206", "43207", "43208", "43209"]\n'
    )
    run = check_plan(spec, units=units_from_frame(east))
    [dup] = [f.message for f in run.report.findings if f.code == "duplicate"]
    assert (
        dup
        == '熊本市（43100）が複数の圏域（A・B）に含まれています（区ごとに別の圏域にするなら、計画を区単位に: [plan] units = "ward"）'
    )


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (
            '[areas]\n"A" ＝ ["43201"]\n',
            "その行に全角の記号（＝・“”・、・［］・全角の空白など）があります。半角で書いてください",
        ),
        ('[areas]\n"A" = ["43201"、"43202"]\n', "その行に全角の記号"),
        (
            '[plan]\n備考 = "x"\n[areas]\nA = ["1"]\n',
            '日本語のキーは引用符で囲んでください（例: "備考" = …）',
        ),
        (
            '[areas]\n"八代" = ["43202"]\n"八代" = ["43203"]\n',
            "八代 が2回書かれています（同じ圏域名・同じキーは1つにまとめてください）",
        ),
    ],
)
def test_toml_typed_in_japanese_input_mode_gets_a_hint(text, hint):
    """tomllib's 「Invalid statement」 alone did not say that ＝ or 、 was full-width or that
    a Japanese key needs quotes."""
    with pytest.raises(InputError) as err:
        parse_plan(text)
    assert hint in str(err.value)
    with pytest.raises(InputError) as err:
        parse_plan('[areas]\n"熊本、上益城" = ["43201"\n')  # (、 inside a name is no hint)
    assert "全角" not in str(err.value)


def test_a_link_end_naming_several_units_or_a_near_name_says_so():
    """「熊本市」 as a link end of a ward plan (five wards) and 「上天草」 (a near name) got
    「一致する市区町村がありません」 with no word of why or of candidates."""
    from geo_zaitaku.pipeline import check_plan

    east = make_grid(3, 3, pref="43")
    east.loc[0, ["N03_003", "N03_004", "N03_005", "N03_007"]] = ["熊本市", "熊本市", "中央区", "43101"]
    east.loc[1, ["N03_003", "N03_004", "N03_005", "N03_007"]] = ["熊本市", "熊本市", "北区", "43105"]
    spec = parse_plan(
        '[plan]\nunits = "ward"\n[areas]\nA = ["熊本市", "43203", "43204", "43205", "43206", "43207", "43208", "43209"]\n'
        '[[links]]\na = "熊本市"\nb = "43209"\n[[links]]\na = "町"\nb = "43209"\n'
    )
    run = check_plan(spec, units=units_from_frame(east, level="ward"))
    messages = [f.message for f in run.report.findings if f.code == "unknown_link"]
    assert messages[0] == (
        "連結（bridge）の「熊本市」に一致する市区町村がありません（この名前は 熊本市中央区・熊本市北区 の複数の単位です。"
        "連結は2つの単位を結ぶので、そのうちの1つを書いてください）"
    )
    assert messages[1].startswith("連結（bridge）の「町」に一致する市区町村がありません（候補: ")


def test_tomllib_s_words_come_with_their_meaning_in_japanese():
    with pytest.raises(InputError) as err:
        parse_plan('[plan]\nname = x\n[areas]\nA = ["1"]\n')
    assert (
        '値の書き方が正しくありません（文字列は "…" で囲みます）（2行目・8列目。Invalid value (at line 2, column 8)）'
        in str(err.value)
    )
    import tomllib

    from geo_zaitaku import labels

    for text in ("a = [1\n", 'a = "x\n', "[a\n", "a 1\n", "a = 1 b = 2\n"):  # every one has its Japanese
        with pytest.raises(tomllib.TOMLDecodeError) as raised:
            tomllib.loads(text)
        assert any(str(raised.value).startswith(k) for k in labels.TOML_ERRORS), str(raised.value)


def test_a_link_to_a_ward_of_a_municipality_plan_is_said_to_be_its_city_s():
    """The link became the city's without a word (an area's ward entry gets an info)."""
    from geo_zaitaku.pipeline import check_plan

    east = make_grid(3, 3, pref="43")
    east.loc[0, ["N03_003", "N03_004", "N03_005", "N03_007"]] = ["熊本市", "熊本市", "中央区", "43101"]
    spec = parse_plan(
        '[areas]\nA = ["熊本市", "43202", "43203", "43204", "43205", "43206", "43207", "43208", "43209"]\n'
        '[[links]]\na = "熊本市中央区"\nb = "43209"\nkind = "ferry"\n'
    )
    run = check_plan(spec, units=units_from_frame(east))
    [note] = [f for f in run.report.findings if f.code == "ward_to_city_link"]
    assert note.severity == "info"
    assert (
        note.message == "連結（ferry）の区「熊本市中央区」を市単位の「熊本市（43100）」の連結として扱いました"
    )
    assert [(link.a, link.b) for link in run.plan.links] == [("43100", "43209")]
