"""``geo-zaitaku sample``: write the fictional sample prefecture's input files."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output


@click.command()
@click.argument("directory", type=opt.PathParam(file_okay=False), default=Path("out/sample"))
def sample(directory: Path) -> int:
    """サンプル（架空の「さくら県」）の入力ファイルを書き出す / write the sample inputs.

    境界（N03形式 GeoJSON）・計画（TOML）・参照レイヤ・施設・人口の CSV を
    DIRECTORY（既定 ./out/sample）に書き出します。書式の見本としても使えます。
    """
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.sample import write_sample

    with staged(directory, command="sample") as stage:
        write_sample(stage.dir)
    _output.print_written(stage.written)
    return 0
