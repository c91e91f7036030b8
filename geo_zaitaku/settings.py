"""Settings in one place: thresholds of the checks, the cache directory.

Defaults follow the national guideline (在宅医療の体制構築に係る指針) and the fee
schedule's 16 km rule for home visits. Change them per plan in the plan's
``[checks]`` table or per run with CLI options; change them for a whole session by
assigning to the module attributes (as in OSMnx's ``settings``).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Distance (km) from a unit to the nearest key institution beyond which reach is flagged.
reach_km: float = 16.0
#: Travel time (minutes, by road) from a unit to the nearest key institution beyond which
#: reach is flagged when costs are measured on a road network (``--travel-time``).
reach_min: float = 30.0
#: People per coordination hub above which hub density is flagged (guideline: 70,000-100,000).
people_per_hub: int = 100_000
#: Minimum number of key institutions (24-hour) per area (guideline minimum: 1).
min_key_institutions: int = 1
#: Minimum number of coordination hubs per area (guideline minimum: 1).
min_hubs: int = 1
#: Whether two units touching at a single point count as neighbours for contiguity.
point_contact: bool = False
#: Whether the units cache is used (GeoParquet files keyed by source file and options).
use_cache: bool = True
#: Cache directory; ``None`` means the platform's user cache directory
#: (or ``$GEO_ZAITAKU_CACHE_DIR`` when set).
cache_dir: Path | None = None


def get_cache_dir() -> Path:
    """Return the cache directory, creating nothing.

    Returns
    -------
    pathlib.Path
        ``settings.cache_dir`` if set, else ``$GEO_ZAITAKU_CACHE_DIR``, else the
        platform's user cache directory for ``geo_zaitaku``.
    """
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("GEO_ZAITAKU_CACHE_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_cache_dir("geo_zaitaku", appauthor=False))
