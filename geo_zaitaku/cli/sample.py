"""``geo-zaitaku sample``: write the fictional sample prefecture's input files."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output


@click.command()
@click.argument("directory", type=opt.PathParam(file_okay=False), default=Path("out/sample"))
@click.option(
    "--force",
    is_flag=True,
    default=False,
    help="編集されたサンプルのファイルも書き直す / overwrite sample files that were edited.",
)
def sample(directory: Path, force: bool) -> int:
    """サンプル（架空の「さくら県」）の入力ファイルを書き出す / write the sample inputs.

    境界（N03形式 GeoJSON）・計画（TOML）・参照レイヤ・施設・人口・将来推計人口の CSV と
    シナリオ（scenario.toml）を
    DIRECTORY（既定 ./out/sample）に書き出します。書式の見本としても使えます。
    既にあるファイルを編集していれば、書き直さずに終了します（--force で書き直し）。
    """
    from geo_zaitaku import labels
    from geo_zaitaku._errors import InputError
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.sample import write_sample

    with staged(directory, command="sample") as stage:
        write_sample(stage.dir)
        edited = [
            name
            for name in sorted(p.name for p in stage.dir.iterdir())
            if (directory / name).is_file()
            and (directory / name).read_bytes() != (stage.dir / name).read_bytes()
        ]
        edited = [name for name in edited if name != "run.json"]
        if edited and not force:  # raised inside: nothing is moved into place
            raise InputError(labels.error("sample_edited", files="・".join(edited)), path=directory)
    _output.print_written(stage.written)
    return 0
