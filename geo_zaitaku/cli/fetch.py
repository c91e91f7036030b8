"""``geo-zaitaku fetch``: download official data into the cache and manage it.

``n03`` is MLIT's 行政区域 (the boundaries, :mod:`geo_zaitaku.sources.fetch`); ``isj`` is
MLIT's 位置参照情報 at 大字・町丁目 level (town-level positions,
:mod:`geo_zaitaku.sources.isj`). Both are cached the same way and listed and cleared together.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output

if TYPE_CHECKING:
    from geo_zaitaku.sources.fetch import ProgressCallback

_T = labels.FETCH_TEXT


@click.command()
@click.argument("dataset", required=False, type=click.Choice(["n03", "isj"], case_sensitive=False))
@click.option(
    "--pref",
    "pref",
    metavar="CODE|NAME",
    default=None,
    help="取得する都道府県のコード（例: 43）または名称（例: 熊本県） / prefecture (code or name) to download.",
)
@click.option(
    "--year",
    "year",
    metavar="YYYY",
    default=None,
    help="年版（N03 は1月1日時点。既定 2024。isj は位置参照情報の年版） / edition year (default 2024).",
)
@click.option(
    "--url",
    default=None,
    help="ダウンロード元 URL（http/https。既定は国土数値情報・位置参照情報の公式 URL） / download URL.",
)
@click.option("--force", is_flag=True, default=False, help="取得済みでもダウンロードし直す / download again.")
@click.option(
    "--max-mb",
    type=opt.FiniteFloatRange(min=0, min_open=True, max=100_000),
    default=500.0,
    show_default=True,
    help="ダウンロードの上限 MB（100,000 まで） / largest download (MB, up to 100,000).",
)
@click.option(
    "--timeout",
    type=opt.FiniteFloatRange(min=0, min_open=True, max=3_600),
    default=60.0,
    show_default=True,
    help="応答を待つ秒数（3,600 まで） / seconds to wait for the server (up to 3,600).",
)
@click.option("--list", "list_", is_flag=True, default=False, help="取得済みのデータを一覧 / list the cache.")
@click.option("--clear", is_flag=True, default=False, help="取得済みのデータを削除 / empty the cache.")
def fetch(
    dataset: str | None,
    pref: str | None,
    year: str | None,
    url: str | None,
    force: bool,
    max_mb: float,
    timeout: float,
    list_: bool,
    clear: bool,
) -> int:
    """公式データを取得してキャッシュする / download official data into the cache.

    \b
    geo-zaitaku fetch n03 --pref 43 [--year 2024]
        国土数値情報 N03（行政区域）の都道府県別 zip をダウンロードし、安全に展開して
        GeoParquet としてキャッシュに保存します。取得済みならダウンロードしません。
        以後 geo-zaitaku check PLAN --pref 43 --year 2024 で使えます。
    geo-zaitaku fetch isj --pref 43 [--year 2024]
        位置参照情報（大字・町丁目レベル）の都道府県別 zip を同じように取得します。
        以後 geo-zaitaku facilities import … --towns 43 で、緯度経度のない施設に町丁目の
        代表点を付けられます。URL は公開されている形からの推定です（--url で指定可）。
    geo-zaitaku fetch --list     取得済みの一覧
    geo-zaitaku fetch --clear    取得済みのデータを削除
    """
    actions = [
        a for a, on in ((dataset or "", dataset is not None), ("--list", list_), ("--clear", clear)) if on
    ]
    if len(actions) != 1:
        raise InputError(
            labels.error("fetch_one_action"),
            where="geo-zaitaku fetch",
        )
    if list_ or clear:
        extra = [
            name for name, value in (("--pref", pref), ("--year", year), ("--url", url)) if value is not None
        ]
        if extra or force:
            raise InputError(
                labels.error(
                    "fetch_extra_options",
                    action=actions[0],
                    options=", ".join(extra + (["--force"] if force else [])),
                ),
                where="geo-zaitaku fetch",
            )
        return _clear() if clear else _list()
    if pref is None:
        raise InputError(
            labels.error("fetch_no_pref"),
            where=f"geo-zaitaku fetch {dataset}",
        )
    return _fetch_dataset(dataset.lower(), pref, year, url, force, max_mb, timeout)


def _fetch_dataset(
    dataset: str, pref: str, year: str | None, url: str | None, force: bool, max_mb: float, timeout: float
) -> int:
    """``geo-zaitaku fetch n03`` / ``fetch isj``: download unless cached, then say what is cached."""
    from geo_zaitaku.codes import prefecture_code
    from geo_zaitaku.sources import fetch as n03
    from geo_zaitaku.sources import isj

    towns = dataset == "isj"
    code = prefecture_code(pref)
    if towns:
        y = isj.check_year(year if year is not None else isj.DEFAULT_YEAR)
        target, official, get = isj.cache_path(code, y), isj.isj_url, isj.fetch_isj
    else:
        y = n03.check_year(year if year is not None else n03.DEFAULT_YEAR)
        target, official, get = n03.cache_path(code, y), n03.n03_url, n03.fetch_n03
    if not force and target.is_file():
        _output.info(_T["cache_hit"])
    else:
        source = url if url is not None else official(code, y)
        if target.with_suffix(".zip").is_file() and not force:
            _output.info(_T["resumed"])
        else:
            _output.info(f"{_T['downloading']}: {source}")
        _run_with_progress(
            lambda progress: get(
                code,
                y,
                url=url,
                force=force,
                max_bytes=int(max_mb * 1_000_000),
                timeout=timeout,
                progress=progress,
            )
        )
    info = (isj.cache_info_isj if towns else n03.cache_info)(code, y)
    if info is None:  # it has just been written
        raise RuntimeError(f"the cached {dataset} data of {code} ({y}) disappeared after fetching")
    _output.console().print(
        _output.escape(
            _T["saved_isj" if towns else "saved"].format(
                name=info.name,
                pref=info.pref,
                year=info.year,
                features="?" if info.features is None else f"{info.features:,}",
                codes="?" if info.codes is None else f"{info.codes:,}",
            )
        ),
        soft_wrap=True,
    )
    _output.console().print(_output.escape(str(info.path)), soft_wrap=True)
    return 0


def _run_with_progress(job: Callable[[ProgressCallback], Path]) -> Path:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=_output.err_console(),
        transient=True,
        disable=not _output.err_console().is_terminal,
    ) as bar:
        task = bar.add_task(_T["downloading"], total=None)

        def progress(step: str, done: int, total: int | None) -> None:
            if step == "download":
                bar.update(task, completed=done, total=total)
            else:
                bar.update(task, description=_T["converting"], total=None)

        return job(progress)


def _list() -> int:
    from geo_zaitaku import cache
    from geo_zaitaku.sources import fetch as f
    from geo_zaitaku.sources import isj

    _table(f.list_cached(), f.cache_dir(), "list_title", "list_empty")
    _table(isj.list_cached_isj(), cache.folder("isj"), "list_title_isj", "list_empty_isj")
    return 0


def _table(items: list, folder: Path, title: str, empty: str) -> None:
    if not items:
        _output.console().print(_output.escape(_T[empty].format(folder=folder)), soft_wrap=True)
        return
    _output.console().print(_output.escape(_T[title].format(folder=folder)), soft_wrap=True)
    table = _output.Table(box=_box().SIMPLE_HEAD, pad_edge=False)
    for col, justify in (
        (_T["pref_code"], "left"),
        (_T["pref"], "left"),
        (_T["year"], "right"),
        (_T["features"], "right"),
        (_T["size"], "right"),
        (_T["fetched"], "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")
    for item in items:
        table.add_row(
            item.pref,
            item.name,
            str(item.year),
            "-" if item.features is None else f"{item.features:,}",
            _filesize().decimal(item.size),
            item.fetched.strftime("%Y-%m-%d"),
        )
    _output.console().print(table)


def _clear() -> int:
    from geo_zaitaku.sources import fetch as f
    from geo_zaitaku.sources import isj

    n = f.clear_cached()
    _output.console().print(_output.escape(_T["cleared"].format(n=n)), soft_wrap=True)
    n = isj.clear_cached_isj()
    _output.console().print(_output.escape(_T["cleared_isj"].format(n=n)), soft_wrap=True)
    return 0


def _box() -> Any:
    from rich import box

    return box


def _filesize() -> Any:
    from rich import filesize

    return filesize
