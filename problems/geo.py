"""Plane geometry on the scale of a municipality: whether a point lies inside the boundary
setting, the nearest neighbourhood, and distances for "nearby" reports.

Points are (latitude, longitude) in degrees, as the settings give them. Over a few kilometres
the earth is flat enough: distances use the equirectangular approximation (off by far less
than a metre at 150 m), and the boundary test works on the degrees themselves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

EARTH_RADIUS_M = 6_371_000.0
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def inside(latitude: float, longitude: float, polygon: Sequence[tuple[float, float]]) -> bool:
    """Whether the point lies inside the polygon (its corners in order; closed or not). An
    empty polygon means no boundary: every point is inside. Ray casting: a point on an edge
    may count either way, which a pin dropped by hand never notices."""
    if not polygon:
        return True
    crossings = False
    corners = list(polygon)
    previous_lat, previous_lng = corners[-1]
    for lat, lng in corners:
        if (lat > latitude) != (previous_lat > latitude):
            # The longitude where this edge crosses the point's latitude.
            crossing = lng + (latitude - lat) * (previous_lng - lng) / (previous_lat - lat)
            if longitude < crossing:
                crossings = not crossings
        previous_lat, previous_lng = lat, lng
    return crossings


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Metres between two points (equirectangular: exact enough within a city)."""
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return EARTH_RADIUS_M * math.hypot(x, y)


def nearest_place(
    latitude: float, longitude: float, places: Sequence[tuple[str, float, float]]
) -> str:
    """The name of the place nearest to the point, "" when there are none."""
    if not places:
        return ""
    name, _lat, _lng = min(
        places, key=lambda place: distance_m(latitude, longitude, place[1], place[2])
    )
    return name


def box_around(
    latitude: float, longitude: float, metres: float
) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a square that holds every point within `metres`: what
    an index on latitude and longitude can look up before the exact distance is computed."""
    lat_span = metres / METRES_PER_DEGREE
    lng_span = lat_span / max(math.cos(math.radians(latitude)), 0.01)
    return latitude - lat_span, latitude + lat_span, longitude - lng_span, longitude + lng_span
