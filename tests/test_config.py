"""Check thresholds: one range table for the plan's [checks], the CLI options and the API."""

import json

import pytest
from conftest import write_plan

from geo_zaitaku import settings
from geo_zaitaku._errors import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.config import LIMITS, CheckConfig, check_value
from geo_zaitaku.plan import read_plan

COUNT_KEYS = ("min_key_institutions", "min_hubs", "people_per_hub")
BAD_TOML = {
    "min_key_institutions": ("inf", "nan", "-inf", "-1", "1.5", "1001", "true", '"1"'),
    "min_hubs": ("inf", "nan", "-inf", "-1", "1.5", "1001", "true", '"1"'),
    "people_per_hub": ("inf", "nan", "-inf", "-1", "0", "1.5", "1e10", "true"),
    "reach_km": ("inf", "nan", "-inf", "-1", "0", "0.0", "10001", "true", '"far"'),
}


@pytest.mark.parametrize(
    ("key", "value"), [(k, v) for k, values in BAD_TOML.items() for v in values], ids=lambda x: str(x)
)
def test_bad_checks_value_is_an_input_error_naming_file_and_key(tmp_path, key, value):
    path = write_plan(tmp_path / "plan.toml", f'[areas]\n"A" = ["99201"]\n[checks]\n{key} = {value}\n')
    with pytest.raises(InputError) as e:
        read_plan(path)
    assert e.value.path == path
    assert e.value.where == f"[checks] {key}"
    message = str(e.value)
    assert message.startswith(f"{path} ([checks] {key}): ")
    ja, en = LIMITS[key].describe()
    assert f"{ja}を指定してください（指定値: " in message
    assert f" / must be {en} (given: " in message


def test_messages_state_the_allowed_range():
    with pytest.raises(InputError) as e:
        CheckConfig().updated({"reach_km": float("nan")}, path="p.toml")
    assert str(e.value) == (
        "p.toml ([checks] reach_km): 0より大きく10,000以下の有限の数値（km）を指定してください（指定値: nan）。"
        " / must be a finite number > 0 and <= 10,000 (given: nan)."
    )
    with pytest.raises(InputError) as e:
        CheckConfig().updated({"min_hubs": 1.5}, path="p.toml")
    assert str(e.value) == (
        "p.toml ([checks] min_hubs): 0以上1,000以下の整数（か所）を指定してください（指定値: 1.5）。"
        " / must be a whole number from 0 to 1,000 (given: 1.5)."
    )
    with pytest.raises(InputError) as e:
        CheckConfig().updated({"people_per_hub": 10**400})
    assert "（指定値: 1" + "0" * 22 + "…）" in str(e.value)  # long values are cut


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"min_hubs": 2.0, "min_key_institutions": 0, "people_per_hub": 7e4, "reach_km": 20},
            (0, 2, 70000, 20.0),
        ),
        ({"min_hubs": 1000, "people_per_hub": 1, "reach_km": 0.5}, (1, 1000, 1, 0.5)),
    ],
)
def test_whole_floats_are_accepted_and_typed(values, expected):
    c = CheckConfig().updated(values)
    assert (c.min_key_institutions, c.min_hubs, c.people_per_hub, c.reach_km) == expected
    assert all(type(getattr(c, k)) is int for k in COUNT_KEYS)
    assert type(c.reach_km) is float


def test_every_way_in_is_validated(monkeypatch):
    with pytest.raises(InputError) as e:
        CheckConfig(reach_km=float("inf"))
    assert e.value.where == "CheckConfig.reach_km"
    monkeypatch.setattr(settings, "min_hubs", float("nan"))
    with pytest.raises(InputError) as e:
        CheckConfig.from_settings()
    assert e.value.where == "geo_zaitaku.settings.min_hubs"
    with pytest.raises(InputError) as e:
        CheckConfig().updated({"reach_km": -3}, source="cli")
    assert e.value.where == "--reach-km"
    with pytest.raises(InputError) as e:
        CheckConfig().updated({"min_hubs": -3}, source="settings")
    assert e.value.where == "settings['min_hubs']"
    assert check_value("min_hubs", 3.0) == 3 and check_value("reach_km", 3) == 3.0


def test_check_plan_settings_are_validated(sample_files):
    from geo_zaitaku.pipeline import check_plan

    with pytest.raises(InputError) as e:
        check_plan(sample_files.plan, settings={"reach_km": float("nan")}, cache=False)
    assert e.value.where == "settings['reach_km']"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--reach-km", "nan"),
        ("--reach-km", "inf"),
        ("--reach-km", "-1"),
        ("--reach-km", "0"),
        ("--reach-km", "far"),
        ("--people-per-hub", "0"),
        ("--people-per-hub", "inf"),
        ("--people-per-hub", "1.5"),
        ("--min-hubs", "nan"),
        ("--min-hubs", "-1"),
        ("--min-hubs", "1.5"),
        ("--min-key-institutions", "inf"),
        ("--min-key-institutions", "-2"),
    ],
)
def test_check_options_out_of_range_exit_2(sample_files, tmp_path, capsys, option, value):
    code = main(["check", str(sample_files.plan), option, value, "--out", str(tmp_path / "o")])
    out = capsys.readouterr()
    assert code == 2
    assert f"Invalid value for '{option}'" in out.err
    key = option.removeprefix("--").replace("-", "_")
    ja, _en = LIMITS[key].describe()
    assert f"{ja}を指定してください" in out.err
    assert "Traceback" not in out.err + out.out
    assert not (tmp_path / "o").exists()


def test_check_options_in_range_reach_the_report(sample_files, tmp_path, capsys):
    code = main(
        [
            "check",
            str(sample_files.plan),
            "--reach-km",
            "25.5",
            "--min-hubs",
            "2.0",
            "--people-per-hub",
            "1e5",
            "--out",
            str(tmp_path / "o"),
            "--quiet",
        ]
    )
    capsys.readouterr()
    assert code == 1  # the sample's deliberate error
    data = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert (
        data["settings"]["reach_km"],
        data["settings"]["min_hubs"],
        data["settings"]["people_per_hub"],
    ) == (
        25.5,
        2,
        100000,
    )


@pytest.mark.parametrize(
    ("option", "value", "needle"),
    [
        ("--timeout", "nan", "0より大きく3,600以下の有限の数値"),
        ("--timeout", "0", "0より大きく3,600以下の有限の数値"),
        ("--max-mb", "inf", "0より大きく100,000以下の有限の数値"),
        ("--max-mb", "nan", "0より大きく100,000以下の有限の数値"),
    ],
)
def test_fetch_options_refuse_nan_and_inf(capsys, option, value, needle):
    code = main(["fetch", "n03", "--pref", "43", option, value])
    out = capsys.readouterr()
    assert code == 2
    assert f"Invalid value for '{option}'" in out.err and needle in out.err
    assert "Traceback" not in out.err


@pytest.mark.parametrize("command", [["check"], ["map", "areas"], ["map", "resources"], ["demand"]])
def test_plan_commands_stop_on_nan_thresholds(sample_files, tmp_path, capsys, command):
    plan = tmp_path / "plan.toml"
    text = sample_files.plan.read_text(encoding="utf-8").replace("reach_km = 16", "reach_km = nan")
    for name in ("units.geojson", "reference.csv", "facilities.csv", "population.csv"):
        text = text.replace(f'"{name}"', json.dumps(str(sample_files.directory / name)))
    plan.write_text(text, encoding="utf-8")
    code = main([*command, str(plan), "--out", str(tmp_path / "o" / "x.html")])
    out = capsys.readouterr()
    assert code == 2
    assert f"{plan} ([checks] reach_km): 0より大きく10,000以下の有限の数値（km）" in out.err
    assert "Traceback" not in out.err + out.out
