"""Fetching official N03 boundaries: download, safe unpacking, the GeoParquet cache and
the ``fetch`` / ``check --pref`` commands. Every zip is built here from make_grid() and
served from a loopback HTTP server; nothing leaves the machine."""

import contextlib
import http.server
import io
import json
import os
import re
import socket
import stat
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from conftest import make_grid, write_plan
from shapely.geometry import box

from geo_zaitaku import settings
from geo_zaitaku._errors import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.codes import prefecture_code
from geo_zaitaku.sources import fetch
from geo_zaitaku.sources._archive import check_zip, safe_extract
from geo_zaitaku.sources.fetch import FetchError
from geo_zaitaku.units import load_units, set_aside

FOLDER = "N03-20240101_43_GML"
GEOJSON = f"{FOLDER}/N03-20240101_43.geojson"
SHP = f"{FOLDER}/N03-20240101_43.shp"
CODES = ["43101", "43102", "43203", "43204", "43205", "43206", "43207", "43208", "43209", None]
UNIT_CODES = ["43100", "43203", "43204", "43205", "43206", "43207", "43208", "43209"]
UNIT_NAMES = ["熊本市", "町2", "町3", "町4", "町5", "町6", "町7", "髙森町"]


# --- fixtures: an N03-layout zip and a loopback server ------------------------------


def n03_features() -> gpd.GeoDataFrame:
    """A 3x3 grid laid out as Kumamoto N03: two wards of 熊本市 (43101, 43102), seven
    towns, one with a cp932-only character (髙), and a 所属未定地 feature without a code."""
    g = make_grid(3, 3, pref="43")
    g["N03_001"] = "熊本県"
    g.loc[0, ["N03_004", "N03_005", "N03_007"]] = ["熊本市", "中央区", "43101"]
    g.loc[1, ["N03_004", "N03_005", "N03_007"]] = ["熊本市", "東区", "43102"]
    g.loc[8, ["N03_003", "N03_004"]] = ["阿蘇郡", "髙森町"]
    unknown = gpd.GeoDataFrame(
        [
            {
                "N03_001": "熊本県",
                "N03_004": "所属未定地",
                "N03_007": None,
                "geometry": box(135.5, 31.9, 135.51, 31.91),
            }
        ],
        geometry="geometry",
        crs=6668,
    )
    return gpd.GeoDataFrame(
        [*g.to_dict("records"), *unknown.to_dict("records")], geometry="geometry", crs=6668
    )[["N03_001", "N03_002", "N03_003", "N03_004", "N03_005", "N03_007", "geometry"]]


def build_zip(folder: Path, *, geojson: bool = True, shapefile: bool = True, extra: tuple = ()) -> bytes:
    """The official layout: N03-20240101_43_GML/ with a cp932 Shapefile set (no .cpg)
    and a GeoJSON of the same features; ``extra`` adds (ZipInfo or name, data) entries."""
    folder.mkdir(parents=True, exist_ok=True)
    features = n03_features()
    if shapefile:
        pyogrio.write_dataframe(features, folder / "N03-20240101_43.shp", encoding="cp932")
        (folder / "N03-20240101_43.cpg").unlink(missing_ok=True)
    if geojson:
        pyogrio.write_dataframe(features, folder / "N03-20240101_43.geojson", driver="GeoJSON")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{FOLDER}/", b"")
        for f in sorted(folder.iterdir()):
            zf.write(f, f"{FOLDER}/{f.name}")
        zf.writestr(f"{FOLDER}/KS-META-N03-20240101_43.xml", "<meta/>")
        for name, data in extra:
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def n03_zip(tmp_path_factory) -> bytes:
    return build_zip(tmp_path_factory.mktemp("n03") / "both")


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    length: int | str | None = "auto"  # "auto": len(body); None: no Content-Length, close at the end
    stall: bool = False


class LoopbackServer:
    """http.server on 127.0.0.1 (random port) serving configured routes; counts requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                route = outer.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.stall:
                    outer.release.wait(10)
                    return
                if route.status != 200:
                    self.send_error(route.status)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/zip")
                if route.length == "auto":
                    self.send_header("Content-Length", str(len(route.body)))
                elif route.length is not None:
                    self.send_header("Content-Length", str(route.length))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(route.body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def serve(self, path: str, body: bytes = b"", **kw) -> str:
        self.routes[path] = Route(body, **kw)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = LoopbackServer()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def cache_files() -> list[Path]:
    root = Path(settings.cache_dir) / "n03"
    return sorted(p.relative_to(root) for p in root.rglob("*")) if root.exists() else []


def run(capsys, *args):
    code = main(list(map(str, args)))
    out = capsys.readouterr()
    return code, out.out, out.err


# --- names and URLs -------------------------------------------------------------------


def test_url_pattern_and_prefecture_codes():
    assert (
        fetch.n03_url(43, 2024)
        == "https://nlftp.mlit.go.jp/ksj/gml/data/N03/N03-2024/N03-20240101_43_GML.zip"
    )
    assert fetch.n03_url("熊本県") == fetch.n03_url("43", "2024") == fetch.n03_url("熊本", 2024)
    assert (
        fetch.n03_url("北海道", 2019)
        == "https://nlftp.mlit.go.jp/ksj/gml/data/N03/N03-2019/N03-190101_01_GML.zip"
    )
    assert fetch.n03_url(47, 2021).endswith("/N03-2021/N03-20210101_47_GML.zip")
    assert [prefecture_code(p) for p in (1, "1", "01", "４３", "京都府", "京都", "東京")] == [
        "01", "01", "01", "43", "26", "26", "13",
    ]  # fmt: skip
    for bad in ("48", "0", "00", "熊", "Kumamoto", "", 430, True):
        with pytest.raises(InputError, match="都道府県の指定"):
            prefecture_code(bad)
    with pytest.raises(InputError, match="--url"):
        fetch.n03_url(43, 2016)
    with pytest.raises(InputError, match="西暦4桁"):
        fetch.check_year("24")
    assert fetch.cache_path("熊本県", 2024) == Path(settings.cache_dir) / "n03" / "N03-2024_43.parquet"


# --- success, cache hit, resume, force ------------------------------------------------


def test_fetch_writes_geoparquet_and_units_load_from_it(server, n03_zip):
    url = server.serve("/N03-20240101_43_GML.zip", n03_zip)
    path = fetch.fetch_n03("43", 2024, url=url)
    assert path == Path(settings.cache_dir) / "n03" / "N03-2024_43.parquet"
    assert server.requests == ["/N03-20240101_43_GML.zip"]
    assert cache_files() == [Path("N03-2024_43.json"), Path("N03-2024_43.parquet"), Path("N03-2024_43.zip")]
    raw = gpd.read_parquet(path)
    assert list(raw.columns) == ["N03_001", "N03_002", "N03_003", "N03_004", "N03_005", "N03_007", "geometry"]
    assert raw.crs.to_epsg() == 6668
    assert [None if v is None or v != v else v for v in raw["N03_007"]] == CODES
    assert raw["N03_004"].tolist()[-2:] == ["髙森町", "所属未定地"]
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["url"] == url and meta["pref"] == "43" and meta["year"] == 2024
    assert meta["members"] == [GEOJSON]  # the GeoJSON is preferred to the Shapefile
    assert (meta["features"], meta["codes"], meta["zip_bytes"]) == (10, 9, len(n03_zip))
    assert meta["downloaded"][:4].isdigit()
    units = load_units(path, cache=False)
    assert units.index.tolist() == UNIT_CODES
    assert units["name"].tolist() == UNIT_NAMES
    assert units.loc["43100", "ward_codes"] == "43101・43102"
    assert units.loc["43100", "ward_names"] == "中央区・東区"
    assert units["area_km2"].round(3).tolist() == [200.0] + [100.0] * 7
    (aside,) = set_aside(units)
    assert (aside["feature"], aside["name"], aside["code"]) == (10, "熊本県 所属未定地", None)
    wards = load_units(path, level="ward", cache=False)
    assert wards.index.tolist() == ["43101", "43102", *UNIT_CODES[1:]]
    assert wards["name"].tolist()[:2] == ["熊本市中央区", "熊本市東区"]
    assert fetch.cached_n03("熊本県", 2024) == path
    assert fetch.cached_n03(43, 2023) is None
    (listed,) = fetch.list_cached()
    assert (listed.pref, listed.name, listed.year, listed.path, listed.url) == (
        "43",
        "熊本県",
        2024,
        path,
        url,
    )
    assert (listed.features, listed.codes) == (10, 9)
    assert listed.size == sum((path.parent / p).stat().st_size for p in cache_files())


def test_shapefile_only_zip_is_read_as_cp932(server, tmp_path):
    url = server.serve("/shp.zip", build_zip(tmp_path / "shp", geojson=False))
    path = fetch.fetch_n03(43, url=url)
    assert json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["members"] == [SHP]
    units = load_units(path, cache=False)
    assert units.index.tolist() == UNIT_CODES
    assert units["name"].tolist() == UNIT_NAMES
    assert units["pref"].unique().tolist() == ["熊本県"]


def test_cache_hit_resume_and_force(server, n03_zip):
    url = server.serve("/z.zip", n03_zip)
    path = fetch.fetch_n03(43, 2024, url=url)
    first = path.stat().st_mtime_ns
    assert fetch.fetch_n03("熊本県", 2024, url=url) == path
    assert fetch.fetch_n03(43, 2024) == path  # cached: the official URL is never tried
    assert len(server.requests) == 1
    assert path.stat().st_mtime_ns == first
    path.unlink()  # a run that downloaded the zip but stopped before converting
    assert fetch.fetch_n03(43, 2024, url=url) == path
    assert len(server.requests) == 1 and path.exists()
    assert fetch.fetch_n03(43, 2024, url=url, force=True) == path
    assert len(server.requests) == 2


def test_failed_forced_download_keeps_the_cache(server, n03_zip):
    path = fetch.fetch_n03(43, url=server.serve("/z.zip", n03_zip))
    before = cache_files()
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch.fetch_n03(43, url=server.serve("/down.zip", status=500), force=True)
    assert cache_files() == before
    assert fetch.cached_n03(43) == path


def test_progress_callback(server, n03_zip):
    seen = []
    fetch.fetch_n03(43, url=server.serve("/z.zip", n03_zip), progress=lambda *a: seen.append(a))
    assert seen[-2] == ("download", len(n03_zip), len(n03_zip))
    assert seen[-1] == ("convert", 0, None)
    assert [s[1] for s in seen[:-1]] == sorted(s[1] for s in seen[:-1])


# --- network failures -----------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_via_cli(server, capsys, status):
    url = server.serve("/missing.zip", status=status)
    code, _, err = run(capsys, "fetch", "n03", "--pref", "43", "--url", url)
    assert code == 2
    assert f"HTTP {status}" in err and url in err
    assert "Traceback" not in err
    assert cache_files() == []


def test_connection_refused(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/N03.zip"
    code, _, err = run(capsys, "fetch", "n03", "--pref", "43", "--url", url)
    assert code == 2
    assert "接続を拒否されました" in err and url in err
    assert cache_files() == []


def test_offline_dns_failure(monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(FetchError) as info:
        fetch.fetch_n03(43, 2024)
    message = str(info.value)
    assert fetch.n03_url(43, 2024) in message
    assert "nlftp.mlit.go.jp に接続できません（名前解決に失敗）" in message
    assert "offline or DNS failure" in message
    # the local route for both datasets (位置参照情報 goes to --towns, not --units)
    assert "境界は --units、位置参照情報は facilities import の --towns" in message
    assert cache_files() == []


def test_timeout(server):
    url = server.serve("/slow.zip", stall=True)
    with pytest.raises(FetchError, match=r"0\.2 秒間応答がない"):
        fetch.fetch_n03(43, url=url, timeout=0.2)
    assert cache_files() == []


def test_non_http_urls_refused(capsys):
    for url in ("file:///etc/passwd", "ftp://example.org/x.zip", "N03.zip", "http://"):
        with pytest.raises(FetchError, match="http:// か https://"):
            fetch.fetch_n03(43, url=url)
    code, _, err = run(capsys, "fetch", "n03", "--pref", "43", "--url", "file:///etc/passwd")
    assert code == 2 and "--units" in err


# --- truncated, not a zip, oversize ---------------------------------------------------


def test_truncated_body_is_discarded(server, n03_zip):
    url = server.serve("/short.zip", n03_zip[:1000], length=len(n03_zip))
    with pytest.raises(FetchError) as info:
        fetch.fetch_n03(43, url=url)
    assert f"予告 {len(n03_zip):,} バイトのうち 1,000 バイト" in str(info.value)
    assert cache_files() == []


def test_zip_cut_in_the_middle(server, n03_zip):
    url = server.serve("/cut.zip", n03_zip[: len(n03_zip) // 2])
    with pytest.raises(FetchError, match="zip が途中で切れているか壊れています") as info:
        fetch.fetch_n03(43, url=url)
    assert url in str(info.value)
    assert cache_files() == []


def test_html_instead_of_zip(server):
    url = server.serve("/login", b"<!DOCTYPE html><html><body>login</body></html>")
    with pytest.raises(FetchError, match="zip ファイルではありません（HTML のページが返されました"):
        fetch.fetch_n03(43, url=url)
    assert cache_files() == []


def test_oversize_by_content_length(server, n03_zip, capsys):
    url = server.serve("/big.zip", n03_zip)
    with pytest.raises(FetchError, match="大きすぎます") as info:
        fetch.fetch_n03(43, url=url, max_bytes=1000)
    assert f"{len(n03_zip):,} バイト、上限 1,000 バイト" in str(info.value)
    assert cache_files() == []
    code, _, err = run(capsys, "fetch", "n03", "--pref", "43", "--url", url, "--max-mb", "0.001")
    assert code == 2 and "--max-mb" in err


def test_oversize_stream_without_content_length(server, n03_zip):
    url = server.serve("/stream.zip", n03_zip, length=None)
    with pytest.raises(FetchError, match="大きすぎます（1,000 バイト 超、上限 1,000 バイト）"):
        fetch.fetch_n03(43, url=url, max_bytes=1000)
    assert cache_files() == []
    assert fetch.fetch_n03(43, url=url).exists()  # without the cap, the same stream is fine


# --- unsafe archives --------------------------------------------------------------------


def evil_entries(tmp_path: Path) -> list:
    link = zipfile.ZipInfo(f"{FOLDER}/link.geojson")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return [
        ("../evil.txt", "dotdot"),
        (f"{FOLDER}/../../evil.txt", "dotdot"),
        ("..\\evil.txt", "dotdot"),
        (str(tmp_path / "outside" / "evil.txt"), "absolute"),
        ("C:/evil.txt", "absolute"),
        (link, "symlink"),
    ]


@pytest.mark.parametrize("index", range(6))
def test_unsafe_entries_refused(server, tmp_path, index):
    entry, kind = evil_entries(tmp_path)[index]
    data = "../../../../etc/passwd" if kind == "symlink" else "pwned"
    body = build_zip(tmp_path / "src", extra=((entry, data),))
    url = server.serve("/evil.zip", body)
    reason = {"dotdot": "「..」", "absolute": "絶対パス", "symlink": "シンボリックリンク"}[kind]
    with pytest.raises(FetchError, match=f"安全でない項目.*{reason}"):
        fetch.fetch_n03(43, url=url)
    assert cache_files() == []
    # the helper on its own refuses the archive before writing anything
    archive = tmp_path / "evil.zip"
    archive.write_bytes(body)
    target = tmp_path / "deep" / "target"
    with pytest.raises(InputError, match=reason):
        safe_extract(archive, target)
    assert not target.exists() or list(target.rglob("*")) == []
    assert sorted(p.name for p in tmp_path.rglob("evil.txt")) == []
    assert not (tmp_path / "outside").exists()


def test_unsafe_entry_refused_even_when_not_selected(tmp_path):
    archive = tmp_path / "a.zip"
    archive.write_bytes(build_zip(tmp_path / "src", extra=(("../evil.txt", "x"),)))
    with pytest.raises(InputError, match=re.escape("安全でない項目 '../evil.txt'")):
        safe_extract(archive, tmp_path / "t", members=[GEOJSON])
    assert not (tmp_path / "t").exists() or list((tmp_path / "t").iterdir()) == []
    assert not (tmp_path / "evil.txt").exists()


def test_safe_extract_writes_only_the_members_asked(tmp_path, n03_zip):
    archive = tmp_path / "a.zip"
    archive.write_bytes(n03_zip)
    written = safe_extract(archive, tmp_path / "t", members=[GEOJSON])
    assert written == [(tmp_path / "t" / GEOJSON).resolve()]
    assert sorted(str(p.relative_to(tmp_path / "t")) for p in (tmp_path / "t").rglob("*")) == [
        FOLDER,
        GEOJSON,
    ]
    with pytest.raises(InputError, match="同じ名前のファイル"):
        safe_extract(archive, tmp_path / "t", members=[GEOJSON])
    assert (tmp_path / "t" / GEOJSON).exists()  # the file already there is left alone


def test_zip_bomb_caps(server, tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{FOLDER}/N03.geojson", b"\0" * 5_000_000)
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(bomb.getvalue())
    assert archive.stat().st_size < 20_000
    with pytest.raises(InputError, match=r"5\.0 MB になり、上限 1\.0 MB"):
        check_zip(archive, max_unpacked=1_000_000)
    with pytest.raises(InputError, match="展開すると"):
        safe_extract(archive, tmp_path / "t", max_unpacked=1_000_000)
    url = server.serve("/bomb.zip", bomb.getvalue())
    with pytest.raises(FetchError, match="展開すると"):
        fetch.fetch_n03(43, url=url, max_unpacked=1_000_000)
    assert cache_files() == []
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(30):
            zf.writestr(f"{FOLDER}/{i}.txt", b"x")
    url = server.serve("/many.zip", many.getvalue())
    with pytest.raises(FetchError, match="項目数が 30 個で、上限 10 個"):
        fetch.fetch_n03(43, url=url, max_entries=10)
    assert cache_files() == []


def test_zip_without_boundaries(server):
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr(f"{FOLDER}/readme.txt", "no data")
    url = server.serve("/empty.zip", empty.getvalue())
    with pytest.raises(FetchError, match=r"境界ファイル（\.geojson または \.shp）がありません"):
        fetch.fetch_n03(43, url=url)
    assert cache_files() == []  # never kept, so a later fetch does not resume from it
    # an archive whose boundary file cannot be read is not kept either
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr(GEOJSON, "{not json")
    with pytest.raises(InputError, match="境界ファイルを読めません") as info:
        fetch.fetch_n03(43, url=server.serve("/broken.zip", broken.getvalue()))
    assert GEOJSON in str(info.value)
    assert cache_files() == []


# --- the CLI ------------------------------------------------------------------------------


def test_cli_fetch_list_clear(server, n03_zip, capsys):
    url = server.serve("/z.zip", n03_zip)
    code, out, err = run(capsys, "fetch", "n03", "--pref", "熊本県", "--year", "2024", "--url", url)
    assert code == 0, err
    assert "熊本県（43）2024年版: 地物 10件・市区町村コード 9件" in out
    assert "N03-2024_43.parquet" in out
    assert url in err
    code, out, err = run(capsys, "fetch", "n03", "--pref", "43", "--url", url)
    assert code == 0
    assert "取得済みのキャッシュを使います" in err
    assert len(server.requests) == 1
    code, out, _ = run(capsys, "fetch", "--list")
    assert code == 0
    assert f"cached boundaries: {Path(settings.cache_dir) / 'n03'}" in out
    row = next(line for line in out.splitlines() if "熊本県" in line)
    size = sum((Path(settings.cache_dir) / "n03" / p).stat().st_size for p in cache_files())
    fetched = fetch.list_cached()[0].fetched.strftime("%Y-%m-%d")
    assert row.split() == ["43", "熊本県", "2024", "10", *f"{size / 1000:.1f} kB".split(), fetched]
    code, out, _ = run(capsys, "fetch", "--clear")
    assert code == 0 and "取得済みの境界データ 1件を削除しました" in out
    assert cache_files() == []
    code, out, _ = run(capsys, "fetch", "--list")
    assert code == 0 and "取得済みの境界データはありません" in out
    code, out, _ = run(capsys, "fetch", "--clear")
    assert code == 0 and "0件を削除しました" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ([], "n03・isj・--list・--clear のどれか1つ"),
        (["--list", "--clear"], "n03・isj・--list・--clear のどれか1つ"),
        (["n03", "--list"], "n03・isj・--list・--clear のどれか1つ"),
        (["--list", "--pref", "43"], "--list には --pref を指定できません"),
        (["n03"], "--pref で都道府県を指定してください"),
        (["n03", "--pref", "99"], "都道府県の指定 '99' が分かりません"),
        (["n03", "--pref", "43", "--year", "24"], "西暦4桁"),
    ],
)
def test_cli_fetch_usage_errors(capsys, args, needle):
    code, _, err = run(capsys, "fetch", *args)
    assert code == 2
    assert needle in err


def test_check_with_pref_uses_the_cache(server, n03_zip, tmp_path, capsys):
    fetch.fetch_n03(43, 2024, url=server.serve("/z.zip", n03_zip))
    good = write_plan(
        tmp_path / "good.toml",
        '[plan]\nname = "熊本テスト"\n[areas]\n"南" = ["熊本市", "43203"]\n'
        '"北" = ["43204", "43205", "43206", "43207", "43208", "髙森町"]\n',
    )
    code, out, err = run(capsys, "check", good, "--pref", "43", "--year", "2024", "--out", tmp_path / "o1")
    assert code == 0, out + err
    assert "計画にエラーはありません" in out
    report = json.loads((tmp_path / "o1" / "report.json").read_text(encoding="utf-8"))
    assert [(a["name"], a["units"]) for a in report["areas"]] == [
        ("南", ["43100", "43203"]),
        ("北", ["43204", "43205", "43206", "43207", "43208", "43209"]),
    ]
    bad = write_plan(
        tmp_path / "bad.toml",
        '[plan]\nname = "x"\n[areas]\n"南" = ["熊本市", "43203"]\n"北" = ["43204", "43205", "43206", "43207", "43208"]\n',
    )
    code, out, _ = run(capsys, "check", bad, "--pref", "熊本県", "--out", tmp_path / "o2")
    assert code == 1
    assert "髙森町（43209）がどの圏域にも含まれていません" in out
    assert len(server.requests) == 1


def test_check_with_pref_not_cached_does_not_download(server, tmp_path, capsys):
    plan = write_plan(tmp_path / "p.toml", '[plan]\nname = "x"\n[areas]\n"A" = ["43101"]\n')
    code, _, err = run(capsys, "check", plan, "--pref", "43", "--year", "2023", "--out", tmp_path / "o")
    assert code == 2
    assert "`geo-zaitaku fetch n03 --pref 43 --year 2023` を実行" in err
    assert server.requests == [] and cache_files() == []


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--pref", "43", "--units", "grid.geojson"], "--units と --pref は同時に指定できません"),
        (["--year", "2024", "--units", "grid.geojson"], "--units と --pref は同時に指定できません"),
        (["--year", "2024"], "--year は --pref と一緒に指定してください"),
        (["--pref", "九州"], "都道府県の指定 '九州' が分かりません"),
    ],
)
def test_check_pref_option_errors(tmp_path, capsys, grid_file, extra, needle):
    plan = write_plan(tmp_path / "p.toml", '[plan]\nname = "x"\n[areas]\n"A" = ["99201"]\n')
    args = [str(grid_file) if a == "grid.geojson" else a for a in extra]
    code, _, err = run(capsys, "check", plan, *args, "--out", tmp_path / "o")
    assert code == 2
    assert needle in err


def test_an_entry_that_unpacks_hundreds_of_times_its_size_is_a_bomb(tmp_path, monkeypatch):
    """A 3 MB zip unpacking to 3 GB (within the declared-size limit of --units zips) was
    streamed through GDAL for half a minute."""
    from geo_zaitaku.sources import _archive

    monkeypatch.setattr(_archive, "BOMB_MIN_BYTES", 1_000_000)  # (a small bomb for the test)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("N03.geojson", b"\0" * 5_000_000)
        zf.writestr("ok.geojson", os.urandom(2_000_000))  # 2 MB that packs 1 to 1
    with pytest.raises(
        InputError, match=r"'N03\.geojson' は .* から 5\.0 MB に広がります（圧縮率が異常に高い"
    ):
        check_zip(archive)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ok.geojson", os.urandom(2_000_000))
    assert [i.filename for i in check_zip(archive)] == ["ok.geojson"]
