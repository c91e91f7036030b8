"""Options shared by several commands (one registry, as in rasterio's ``rio``)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from geo_zaitaku._errors import InputError


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
        if isinstance(value, str | bytes | os.PathLike) and ("\0" in os.fsdecode(value)):
            where = (param.opts[0] if param.opts else param.name) if param is not None else None
            raise InputError(
                "パスに NUL 文字（\\x00）が含まれています。パスを書き直してください。 / "
                "the path contains a NUL byte; correct it.",
                path=os.fsdecode(value),
                where=where,
            )
        return super().convert(value, param, ctx)


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
out_opt = click.option(
    "--out",
    "-o",
    "out",
    type=PathParam(file_okay=False),
    help="出力フォルダ / output folder.",
)
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
    "--id-col": ("id", "施設IDの列 / header of the id column"),
    "--kind-col": ("kind", "種別の列 / header of the kind column"),
}


def facility_format_opts(f: click.decorators.FC) -> click.decorators.FC:
    """Add ``--preset``, the generic column options (``--name-col`` ...), ``--kind`` and
    ``--crs``; the command receives them as one ``facility_format`` argument: a
    :class:`geo_zaitaku.presets.Preset`, or ``None`` to choose the preset per file."""
    import functools

    @functools.wraps(f)
    def wrapper(*args: object, **kwargs: object) -> object:
        from geo_zaitaku.presets import preset_from_options

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
