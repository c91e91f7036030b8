"""Interactive Folium maps: the planner's area map and the residents' resource map.

Both are single HTML files. With ``self_contained=True`` Leaflet and its plugins are
inlined from installed packages, so the file opens with no network (basemap tiles are
then simply absent). Facility markers are built in the browser from one compact JSON
table, which keeps 100,000 facilities within a few MB and seconds.
"""

from geo_zaitaku.maps.areas import Marks, access_map, area_map, comparison_map, robustness_map
from geo_zaitaku.maps.base import MapDocument
from geo_zaitaku.maps.resources import resource_list, resource_map, write_resource_list

__all__ = [
    "MapDocument",
    "Marks",
    "access_map",
    "area_map",
    "comparison_map",
    "resource_list",
    "resource_map",
    "robustness_map",
    "write_resource_list",
]
