"""Travel time on the road network, offline, from an OpenStreetMap extract.

``geo-zaitaku roads build kyushu-latest.osm.pbf --pref 43`` reads the extract once
(:mod:`~geo_zaitaku.roads.osm`), builds a timed graph clipped to the prefecture
(:mod:`~geo_zaitaku.roads.build`, speeds in :mod:`~geo_zaitaku.roads.speeds`) and
stores it in the user cache (:mod:`~geo_zaitaku.roads.store`). ``--travel-time NAME``
then measures costs in minutes with :class:`TravelTime` (:mod:`~geo_zaitaku.roads.matrix`),
a :class:`geo_zaitaku.costs.Backend`; points are snapped to the nearest road node
(:mod:`~geo_zaitaku.roads.snap`)::

    from geo_zaitaku import check_plan
    run = check_plan("plan.toml", pref=43, facilities=["facilities.csv"],
                     travel_time="kyushu-latest_43")
"""

from __future__ import annotations

from geo_zaitaku.roads.build import build_network
from geo_zaitaku.roads.matrix import HORIZON_MIN, TravelTime, far_from_road
from geo_zaitaku.roads.osm import Extract, describe_extract
from geo_zaitaku.roads.snap import MAX_SNAP_KM
from geo_zaitaku.roads.speeds import DEFAULT_SPEEDS, FERRY_KMH, SpeedTable, read_speeds
from geo_zaitaku.roads.store import RoadNetwork, clear_networks, list_networks, load_network, save_network

__all__ = [
    "DEFAULT_SPEEDS",
    "FERRY_KMH",
    "HORIZON_MIN",
    "MAX_SNAP_KM",
    "Extract",
    "RoadNetwork",
    "SpeedTable",
    "TravelTime",
    "build_network",
    "clear_networks",
    "describe_extract",
    "far_from_road",
    "list_networks",
    "load_network",
    "read_speeds",
    "save_network",
    "travel_time",
]


def travel_time(network: str | RoadNetwork | TravelTime, **options: float) -> TravelTime:
    """A :class:`TravelTime` backend for a stored network's name or path, a
    :class:`RoadNetwork`, or a backend already made (returned as it is)."""
    if isinstance(network, TravelTime):
        return network
    if not isinstance(network, RoadNetwork):
        network = load_network(network)
    return TravelTime(network, **options)
