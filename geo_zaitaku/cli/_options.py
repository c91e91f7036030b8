"""Options shared by several commands (one registry, as in rasterio's ``rio``)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError


class SettingValue(click.ParamType):
    """A check threshold given on the command line (``--reach-km 20``).

    The text is read as a number (``20``, ``2.0``, ``1e5``) and checked with
    :func:`geo_zaitaku.config.check_value` against the same range table
    (:data:`geo_zaitaku.config.LIMITS`) as the plan's ``[checks]``: ``nan``, ``inf``,
    ``1.5`` for a count, or a value out of range stop the command with exit status 2
    and a message naming the option and the allowed range.

    Parameters
    ----------
    key
        The :class:`geo_zaitaku.config.CheckConfig` attribute (``"reach_km"``).
    """

    def __init__(self, key: str) -> None:
        from geo_zaitaku.config import LIMITS

        self.key = key
        self.limit = LIMITS[key]
        self.name = "integer" if self.limit.integer else "float"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Metavar in the help: ``INTEGER``, ``KM`` or ``MIN``."""
        if self.limit.integer:
            return "INTEGER"
        return "MIN" if self.key == "reach_min" else "KM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | float:
        """Read and validate the value (see the class docstring)."""
        from geo_zaitaku.config import check_value, setting_name

        number: object = value
        if isinstance(value, str):
            text = value.strip()
            try:
                number = int(text)
            except ValueError:
                try:
                    number = float(text)
                except ValueError:
                    number = text
        try:
            return check_value(self.key, number, where=setting_name(self.key, "cli"))
        except InputError as exc:
            self.fail(exc.detail, param, ctx)


class FiniteFloatRange(click.FloatRange):
    """``click.FloatRange`` that also refuses ``nan`` and ``inf`` (which FloatRange lets
    through: every comparison with ``nan`` is false), with the range in the message."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Read the number; refuse ``nan``, ``inf`` and values out of the range."""
        number = click.types.FloatParamType.convert(self, value, param, ctx)
        low_ok = self.min is None or number > self.min or (not self.min_open and number == self.min)
        high_ok = self.max is None or number < self.max or (not self.max_open and number == self.max)
        if not (math.isfinite(number) and low_ok and high_ok):
            ja, en = self._describe()
            self.fail(
                str(labels.error("setting_out_of_range", range=ja, range_en=en, shown=value)), param, ctx
            )
        return number

    def _describe(self) -> tuple[str, str]:
        ja, en = ["有限の数値"], ["a finite number"]
        if self.min is not None:
            ja.insert(0, f"{self.min:,g}{'より大きく' if self.min_open else '以上'}")
            en.append(f"{'>' if self.min_open else '>='} {self.min:,g}")
        if self.max is not None:
            ja.insert(-1, f"{self.max:,g}{'未満の' if self.max_open else '以下の'}")
            en.append(f"{'<' if self.max_open else '<='} {self.max:,g}")
        return "".join(ja), en[0] + (" " + " and ".join(en[1:]) if len(en) > 1 else "")


def setting_opt(name: str, key: str, help_text: str) -> click.decorators.FC:
    """A ``check`` threshold option (``--reach-km``) validated as ``[checks]`` is."""
    return click.option(name, key, type=SettingValue(key), default=None, help=help_text)


class PathParam(click.Path):
    """A :class:`click.Path` parameter giving a :class:`pathlib.Path`, that refuses a
    path holding a NUL byte with an :class:`~geo_zaitaku.InputError` (exit status 2)
    instead of the bare ``ValueError`` click's own check would raise.

    Everything else about the path (missing, a FIFO, too long) is left to the
    library, which checks every file it reads
    (:func:`geo_zaitaku._io.check_input_path`).
    """

    def __init__(self, **kwargs: bool) -> None:
        super().__init__(path_type=Path, **kwargs)

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> object:
        """Refuse a NUL byte, then convert as :class:`click.Path` does."""
        where = (param.opts[0] if param.opts else param.name) if param is not None else None
        if isinstance(value, str | bytes | os.PathLike) and ("\0" in os.fsdecode(value)):
            raise InputError(
                labels.error("option_path_nul"),
                path=os.fsdecode(value),
                where=where,
            )
        if (
            isinstance(value, str | bytes) and not os.fsdecode(value).strip()
        ):  # --out "" was the current folder
            raise InputError(labels.error("option_path_empty"), where=where)
        return super().convert(value, param, ctx)


class FolderPath(type(Path())):  # type: ignore[misc]
    """An ``--out`` written with a trailing separator (``maps/``): a folder, even one
    that does not exist yet."""


class OutFileParam(PathParam):
    """``--out`` of a command writing one file: a path, or a :class:`FolderPath` when
    the value ends in a separator (the folder is made when the file is written)."""

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> object:
        """Convert as :class:`PathParam` does; keep a trailing separator's meaning."""
        path = super().convert(value, param, ctx)
        text = os.fsdecode(value) if isinstance(value, str | bytes | os.PathLike) else ""
        if text.endswith(("/", os.sep)) and isinstance(path, Path):
            return FolderPath(path)
        return path


units_opt = click.option(
    "--units",
    "-u",
    "units",
    multiple=True,
    type=PathParam(),
    help="N03 境界ファイル（zip・shp・geojson・gpkg・parquet、フォルダ可。複数可） / N03 boundary file(s).",
)
facilities_opt = click.option(
    "--facilities",
    "-f",
    "facilities",
    multiple=True,
    type=PathParam(),
    help="施設CSV（複数可） / facility CSV(s).",
)
population_opt = click.option(
    "--population",
    "-p",
    "population",
    type=PathParam(),
    help="人口CSV / population CSV.",
)
reference_opt = click.option(
    "--reference",
    "-r",
    "reference",
    type=PathParam(),
    help="参照レイヤCSV（二次医療圏・保健所圏域） / reference-layer CSV.",
)


def out_option(
    default: Path | None = None, *, file: str | None = None, folder: str = "./out/<計画ファイル名>/"
) -> Callable[[click.decorators.FC], click.decorators.FC]:
    """``--out``/``-o``: the output folder (``default`` shown in the help; else
    ``folder`` describes the default), or with ``file`` an output file (``file``
    describes the default, e.g. ``areas_map.html``; a folder given instead gets the
    default name inside it: :func:`out_file`)."""
    if file is not None:
        return click.option(
            "--out",
            "-o",
            "out",
            type=OutFileParam(),
            help=f"出力するファイル（既定 ./out/<計画ファイル名>/{file}。フォルダを指定するとその中に既定の名前で） / "
            f"output file (default {file}; a folder: that name inside it).",
        )
    return click.option(
        "--out",
        "-o",
        "out",
        type=PathParam(file_okay=False),
        default=default,
        show_default=default is not None,
        help=f"出力フォルダ（既定 {folder}） / output folder."
        if default is None
        else "出力フォルダ / output folder.",
    )


def out_file(out: Path | None, folder: Path, name: str) -> Path:
    """The file an ``--out`` of :func:`out_option` (``file=...``) names: ``folder /
    name`` when none was given, ``out / name`` when ``out`` is an existing folder, else
    ``out`` itself; ``out/`` (written with a trailing separator) is a folder even when
    it does not exist yet."""
    if out is None:
        return folder / name
    try:
        folder_given = out.is_dir() or isinstance(out, FolderPath)
    except OSError:  # a name too long …: the output step says so
        folder_given = False
    return out / name if folder_given else out


out_opt = out_option()
no_cache_opt = click.option(
    "--no-cache",
    is_flag=True,
    default=False,
    help="境界のキャッシュを使わない / do not use the boundary cache.",
)
level_opt = click.option(
    "--level",
    type=click.Choice(["municipality", "ward"]),
    default="municipality",
    show_default=True,
    help="単位: 市区町村（政令市は市）か、政令市を区に分けるか / municipalities, or designated cities by ward.",
)
travel_time_opt = click.option(
    "--travel-time",
    "travel_time",
    metavar="NETWORK",
    default=None,
    help="距離（km）の代わりに道路の所要時間（分）で測る: geo-zaitaku roads build で作った道路網の名前かフォルダ"
    " / measure travel time (minutes) on a road network built with `geo-zaitaku roads build`.",
)
reach_min_opt = setting_opt(
    "--reach-min",
    "reach_min",
    "--travel-time のときの所要時間の目安 分（既定 30。0より大きく1,440以下） / reach limit in minutes.",
)
plan_level_opt = click.option(
    "--level",
    "plan_level",
    type=click.Choice(["municipality", "ward"]),
    default=None,
    help="単位（既定は計画の [plan] units）: 市区町村（政令市は市）か、政令市を区に分けるか / "
    "unit level (default: the plan's [plan] units).",
)
no_basemap_opt = click.option(
    "--no-basemap", is_flag=True, default=False, help="背景地図（地理院タイル）を使わない / blank background."
)


def engine_opts(f: click.decorators.FC) -> click.decorators.FC:
    """Add ``--workers N`` (a local Dask cluster) and ``--scheduler tcp://HOST:PORT``."""
    f = click.option(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="Dask のスケジューラ（tcp://ホスト:ポート）で実行 / run on an existing Dask scheduler.",
    )(f)
    return click.option(
        "--workers",
        type=int,
        default=None,
        help='Dask のローカルクラスタ（N ワーカー）で実行（pip install ".[dask]"） / run on N local Dask workers.',
    )(f)


quiet_opt = click.option("--quiet", "-q", is_flag=True, default=False, help="表と情報を省略 / less output.")
pref_opt = click.option(
    "--pref",
    "pref",
    metavar="CODE|NAME",
    default=None,
    help="都道府県コード（例: 43）または名称（例: 熊本県）。公式の N03 境界（geo-zaitaku fetch n03 で取得）"
    "を都道府県で指定 / prefecture (code or name) of the official N03 boundaries (`geo-zaitaku fetch n03`).",
)
year_opt = click.option(
    "--year",
    "year",
    metavar="YYYY",
    default=None,
    help="N03 の年版（1月1日時点。既定 2024） / N03 edition year (default 2024).",
)


def pref_year_opts(f: click.decorators.FC) -> click.decorators.FC:
    """Add ``--pref`` and ``--year`` (cached official boundaries instead of ``--units``)."""
    return pref_opt(year_opt(f))


#: Options of the facility file layout: command-line name -> (canonical field, help).
FACILITY_COLUMN_OPTIONS = {
    "--name-col": ("name", "施設名の列 / header of the name column"),
    "--lat-col": ("lat", "緯度の列 / header of the latitude column"),
    "--lon-col": ("lon", "経度の列 / header of the longitude column"),
    "--code-col": ("municipality_code", "市区町村コードの列 / header of the municipality code column"),
    "--address-col": ("address", "住所の列（住所だけでも配置） / header of the address column"),
    "--id-col": (
        "id",
        "施設IDの列。10桁の医療機関コード・介護保険事業所番号なら先頭2桁を都道府県として使う"
        " / header of the id column (10-digit institution codes also give the prefecture)",
    ),
    "--pref-col": ("prefecture_code", "都道府県コードか都道府県名の列 / header of the prefecture column"),
    "--postcode-col": ("postcode", "郵便番号の列 / header of the postal code column"),
    "--kind-col": ("kind", "種別の列 / header of the kind column"),
}


def facility_format_opts(f: click.decorators.FC) -> click.decorators.FC:
    """Add ``--preset``, the generic column options (``--name-col`` ...), ``--kind`` and
    ``--crs``; the command receives them as one ``facility_format`` argument: a
    :class:`geo_zaitaku.sources.presets.Preset`, or ``None`` to choose the preset per file."""
    import functools

    @functools.wraps(f)
    def wrapper(*args: object, **kwargs: object) -> object:
        from geo_zaitaku.sources.presets import preset_from_options

        columns = {field: kwargs.pop(_param(name)) for name, (field, _h) in FACILITY_COLUMN_OPTIONS.items()}
        kwargs["facility_format"] = preset_from_options(
            kwargs.pop("preset"),
            columns=columns,
            constants={"kind": kwargs.pop("kind")},
            crs=kwargs.pop("crs"),
        )
        return f(*args, **kwargs)

    options = [
        click.option(
            "--preset",
            "preset",
            metavar="NAME|FILE",
            default=None,
            help="施設ファイルの形式: 組み込みプリセット名（geo-zaitaku facilities presets で一覧）か TOML ファイル。"
            "省略時は見出しとファイル名から自動判別 / facility file layout: built-in preset or TOML file "
            "(default: detected per file).",
        ),
        *(
            click.option(name, _param(name), metavar="見出し", default=None, help=help_text)
            for name, (_field, help_text) in FACILITY_COLUMN_OPTIONS.items()
        ),
        click.option(
            "--kind",
            "kind",
            metavar="KIND",
            default=None,
            help="種別の値（全行。例: clinic・診療所） / kind for rows without one.",
        ),
        click.option(
            "--crs",
            "crs",
            metavar="CRS",
            default=None,
            help="座標の座標参照系（例: EPSG:6670 平面直角座標系II系。既定は経度緯度） / CRS of the coordinates.",
        ),
    ]
    out = wrapper
    for option in reversed(options):
        out = option(out)
    return out  # type: ignore[return-value]


def _param(option: str) -> str:
    return option.lstrip("-").replace("-", "_")
