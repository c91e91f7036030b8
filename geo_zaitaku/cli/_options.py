"""Options shared by several commands (one registry, as in rasterio's ``rio``)."""

from __future__ import annotations

from pathlib import Path

import click

units_opt = click.option(
    "--units",
    "-u",
    "units",
    multiple=True,
    type=click.Path(path_type=Path),
    help="N03 境界ファイル（zip・shp・geojson・gpkg・parquet、フォルダ可。複数可） / N03 boundary file(s).",
)
facilities_opt = click.option(
    "--facilities",
    "-f",
    "facilities",
    multiple=True,
    type=click.Path(path_type=Path),
    help="施設CSV（複数可） / facility CSV(s).",
)
population_opt = click.option(
    "--population",
    "-p",
    "population",
    type=click.Path(path_type=Path),
    help="人口CSV / population CSV.",
)
reference_opt = click.option(
    "--reference",
    "-r",
    "reference",
    type=click.Path(path_type=Path),
    help="参照レイヤCSV（二次医療圏・保健所圏域） / reference-layer CSV.",
)
out_opt = click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    help="出力フォルダ / output folder.",
)
no_cache_opt = click.option(
    "--no-cache",
    is_flag=True,
    default=False,
    help="境界のキャッシュを使わない / do not use the boundary cache.",
)
quiet_opt = click.option("--quiet", "-q", is_flag=True, default=False, help="表と情報を省略 / less output.")
