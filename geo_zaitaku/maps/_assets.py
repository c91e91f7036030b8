"""JavaScript and CSS the maps need, from installed packages or as CDN links.

Leaflet and Leaflet.markercluster come from the ``XStatic-Leaflet`` and
``XStatic-Leaflet-MarkerCluster`` packages (installed with geo_zaitaku), so a map written
with ``self_contained=True`` inlines them and opens with no network at all. The
project's own small script and style sheet (``static/gz_map.js``, ``gz_map.css``) are
always inlined. No third-party source is kept in this repository.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

LEAFLET_CDN = "https://cdn.jsdelivr.net/npm/leaflet@{version}/dist/"
CLUSTER_CDN = "https://cdn.jsdelivr.net/npm/leaflet.markercluster@{version}/dist/"
#: Subresource Integrity of the CDN files, for the versions the XStatic packages hold:
#: SHA-384 of the files of the npm packages (``npm pack leaflet@1.9.3
#: leaflet.markercluster@1.4.1``), which jsDelivr serves unchanged. A browser refuses a
#: linked file whose bytes differ. Another version is linked without (no hash known).
INTEGRITY = {
    "leaflet@1.9.3/dist/leaflet.js": "sha384-okbbMvvx/qfQkmiQKfd5VifbKZ/W8p1qIsWvE1ROPUfHWsDcC8/BnHohF7vPg2T6",
    "leaflet@1.9.3/dist/leaflet.css": "sha384-o/2yZuJZWGJ4s/adjxVW71R+EO/LyCwdQfP5UWSgX/w87iiTXuvDZaejd3TsN7mf",
    "leaflet.markercluster@1.4.1/dist/leaflet.markercluster.js": (
        "sha384-RLIyj5q1b5XJTn0tqUhucRZe40nFTocRP91R/NkRJHwAe4XxnTV77FXy/vGLiec2"
    ),
    "leaflet.markercluster@1.4.1/dist/MarkerCluster.css": (
        "sha384-lPzjPsFQL6te2x+VxmV6q1DpRxpRk0tmnl2cpwAO5y04ESyc752tnEWPKDfl1olr"
    ),
}


@dataclass(frozen=True)
class Asset:
    """One script or style sheet: inline text, or a URL."""

    kind: str  # "js" or "css"
    name: str
    text: str | None = None
    url: str | None = None

    def html(self) -> str:
        """The ``<script>``/``<style>`` (inline) or ``<script src>``/``<link>`` element."""
        if self.url is not None:
            known = INTEGRITY.get(self.url.split("/npm/", 1)[-1])
            check = f' integrity="{known}" crossorigin="anonymous"' if known else ""
            if self.kind == "js":
                return f'<script src="{self.url}"{check}></script>'
            return f'<link rel="stylesheet" href="{self.url}"{check}/>'
        body = (self.text or "").replace("</script", "<\\/script") if self.kind == "js" else self.text or ""
        if self.kind == "js":
            return f"<script>/* {self.name} */\n{body}\n</script>"
        return f"<style>/* {self.name} */\n{body}\n</style>"


@cache
def _xstatic(module: str) -> tuple[Path, str]:
    import importlib

    try:
        pkg = importlib.import_module(f"xstatic.pkg.{module}")
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise ImportError(
            f"XStatic package for {module} is missing: pip install XStatic-{module.replace('_', '-').title()}"
        ) from exc
    return Path(pkg.BASE_DIR), str(pkg.VERSION)


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _own(name: str) -> str:
    return resources.files("geo_zaitaku.maps").joinpath("static", name).read_text(encoding="utf-8")


def assets(*, cluster: bool, self_contained: bool) -> list[Asset]:
    """The assets of a map, in load order.

    Parameters
    ----------
    cluster
        Include Leaflet.markercluster.
    self_contained
        Inline everything (no network needed) instead of linking the CDN.
    """
    leaflet_dir, leaflet_version = _xstatic("leaflet")
    out: list[Asset] = []
    if self_contained:
        css = _read(leaflet_dir / "leaflet.css")
        for image in sorted((leaflet_dir / "images").glob("*.png")):  # icons as data URIs
            data = base64.b64encode(image.read_bytes()).decode("ascii")
            css = css.replace(f"url(images/{image.name})", f"url(data:image/png;base64,{data})")
        out += [
            Asset("css", "leaflet.css", text=css),
            Asset("js", "leaflet.js", text=_read(leaflet_dir / "leaflet.js")),
        ]
    else:
        base = LEAFLET_CDN.format(version=leaflet_version)
        out += [
            Asset("css", "leaflet.css", url=base + "leaflet.css"),
            Asset("js", "leaflet.js", url=base + "leaflet.js"),
        ]
    if cluster:
        cluster_dir, cluster_version = _xstatic("leaflet_markercluster")
        if self_contained:
            out += [
                Asset("css", "MarkerCluster.css", text=_read(cluster_dir / "MarkerCluster.css")),
                Asset("js", "leaflet.markercluster.js", text=_read(cluster_dir / "leaflet.markercluster.js")),
            ]
        else:
            base = CLUSTER_CDN.format(version=cluster_version)
            out += [
                Asset("css", "MarkerCluster.css", url=base + "MarkerCluster.css"),
                Asset("js", "leaflet.markercluster.js", url=base + "leaflet.markercluster.js"),
            ]
    out += [
        Asset("css", "gz_map.css", text=_own("gz_map.css")),
        Asset("js", "gz_map.js", text=_own("gz_map.js")),
    ]
    return out
