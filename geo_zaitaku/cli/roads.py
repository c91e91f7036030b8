"""``geo-zaitaku roads``: build road networks from OpenStreetMap extracts and manage them."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku import labels
from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output

_T = labels.ROADS_TEXT


@click.group()
def roads() -> None:
    """道路網（OpenStreetMap）を作る・一覧・削除する / road networks for travel time.

    \b
    geo-zaitaku roads build kyushu-latest.osm.pbf --pref 43
        地域の OpenStreetMap 抽出（.osm.pbf）から車で通れる道路と航路を読み、都道府県の
        周り（--margin-km）で切り出して、所要時間の道路網をキャッシュに保存します。
        以後 check・scenario・robustness・access・design に --travel-time 名前 を付けると
        距離（km）の代わりに所要時間（分）で測ります。
    geo-zaitaku roads list     作成済みの一覧
    geo-zaitaku roads delete NAME   作成済みの道路網を名前で削除
    geo-zaitaku roads clear    作成済みの道路網をすべて削除
    """


@roads.command("build")
@click.argument("extract", type=opt.PathParam(dir_okay=False))
@click.option(
    "--pref",
    "prefs",
    multiple=True,
    metavar="CODE|NAME",
    help="切り出す都道府県（複数可。境界は geo-zaitaku fetch n03 で取得済みのもの） / prefectures to keep.",
)
@opt.year_opt
@opt.units_opt
@click.option(
    "--speeds",
    type=opt.PathParam(dir_okay=False),
    default=None,
    help="道路の種類ごとの速度の表（TOML） / speed table.",
)
@click.option(
    "--margin-km",
    type=opt.FiniteFloatRange(min=0, max=200),
    default=10.0,
    show_default=True,
    help="都道府県の外に残す幅 km（出て戻る道のため） / margin kept around the prefectures.",
)
@click.option(
    "--name", default=None, help="道路網の名前（既定: 抽出ファイル名_都道府県コード） / network name."
)
def build(
    extract: Path,
    prefs: tuple[str, ...],
    year: str | None,
    units: tuple[Path, ...],
    speeds: Path | None,
    margin_km: float,
    name: str | None,
) -> int:
    """OpenStreetMap の抽出から道路網を作る / build a road network from an OSM extract.

    \b
    EXTRACT は Geofabrik などの地域の .osm.pbf（OSM XML の .osm も可）。1回の読み込みで
    highway=*（access=no・private を除く、一方通行を考慮）と航路（route=ferry、duration が
    あればその時間）を取り出し、--pref の都道府県（と --margin-km の幅）で切り出して保存します。
    抽出が都道府県を含まない・道路が残らない・速度の表の誤りは終了コード 2 で、何も保存しません。
    """
    from geo_zaitaku.cli._output import escape
    from geo_zaitaku.codes import prefecture_code
    from geo_zaitaku.pipeline import resolve_units
    from geo_zaitaku.roads import build_network, describe_extract, read_speeds, save_network

    table = read_speeds(speeds)
    info = describe_extract(extract)
    codes = tuple(dict.fromkeys(prefecture_code(p) for p in prefs))
    frame = None
    if codes or units:
        import pandas as pd

        parts = [resolve_units(None, pref=c, year=year) for c in codes]
        if units:
            parts.append(resolve_units(list(units)))
        frame = pd.concat(parts) if len(parts) > 1 else parts[0]
        frame = frame[~frame.index.duplicated()]
        if not codes:
            codes = tuple(sorted({str(c)[:2] for c in frame.index}))
    network = _with_progress(
        lambda progress: build_network(
            info,
            units=frame,
            prefectures=codes,
            margin_km=margin_km,
            speeds=table,
            name=name,
            progress=progress,
        )
    )
    from geo_zaitaku.roads.store import has_network

    if has_network(network.name):
        _output.info(_T["replaced"].format(name=network.name))
    path = save_network(network)
    meta = network.meta
    counts = meta["counts"]
    say = _output.console().print
    say(
        escape(
            _T["built"].format(
                name=network.name,
                nodes=counts["nodes"],
                edges=counts["edges"],
                ferries=counts["ferries"],
                extract=info.name,
                date=info.date,
            )
        ),
        soft_wrap=True,
    )
    say(escape(_T["sha256"].format(sha256=info.sha256)), soft_wrap=True)
    from geo_zaitaku.codes import PREFECTURES

    covers = "・".join(PREFECTURES[c] for c in meta["extract_covers"]) or labels.TEXT["none"]
    _output.info(_T["covers"].format(names=covers))
    if meta["units_without_roads"]:
        _output.info(_T["without_roads"].format(names="・".join(meta["units_without_roads"])))
    say(escape(str(path)), soft_wrap=True)
    _output.info(_T["use"].format(name=network.name))
    return 0


def _with_progress(job):  # noqa: ANN001, ANN202
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[ways]}"),
        TimeElapsedColumn(),
        console=_output.err_console(),
        transient=True,
        disable=not _output.err_console().is_terminal,
    ) as bar:
        task = bar.add_task(_T["reading"], total=None, ways="")

        def progress(step: str, done: int, total: int | None) -> None:
            bar.update(task, ways=_T["ways"].format(n=done))

        return job(progress)


@roads.command("list")
def list_() -> int:
    """作成済みの道路網の一覧 / list the road networks."""
    from rich import box, filesize
    from rich.table import Table

    from geo_zaitaku.cli._output import escape
    from geo_zaitaku.roads import list_networks
    from geo_zaitaku.roads.store import folder

    items = list_networks()
    if not items:
        _output.console().print(escape(_T["list_empty"].format(folder=folder())), soft_wrap=True)
        return 0
    _output.console().print(escape(_T["list_title"].format(folder=folder())), soft_wrap=True)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("name", "extract", "date", "prefectures", "nodes", "size"):
        table.add_column(_T[col], justify="right" if col in ("nodes", "size") else "left", overflow="fold")
    for item in items:
        extract = item.get("extract") or {}
        table.add_row(
            escape(str(item["name"])),
            escape(str(extract.get("name", ""))),
            escape(str(extract.get("date", ""))),
            ",".join(item.get("prefectures") or []) or "-",
            f"{(item.get('counts') or {}).get('nodes', 0):,}",
            filesize.decimal(int(item["disk_bytes"])),
        )
    _output.console().print(table)
    return 0


@roads.command("delete")
@click.argument("names", nargs=-1, required=True)
def delete(names: tuple[str, ...]) -> int:
    """作成済みの道路網を名前で削除 / remove road networks by name.

    \b
    NAMES は geo-zaitaku roads list に表示される名前。ない名前は終了コード 2 で、何も削除しません。
    """
    from geo_zaitaku.cli._output import escape
    from geo_zaitaku.roads.store import delete_network, stored_network

    for name in names:  # every name is checked before anything is removed
        stored_network(name)
    for name in names:
        delete_network(name)
        _output.console().print(escape(_T["deleted"].format(name=name)), soft_wrap=True)
    return 0


@roads.command("clear")
def clear() -> int:
    """作成済みの道路網をすべて削除 / remove every road network."""
    from geo_zaitaku.cli._output import escape
    from geo_zaitaku.roads import clear_networks

    n = clear_networks()
    _output.console().print(escape(_T["cleared"].format(n=n)), soft_wrap=True)
    return 0
