"""Geometry for problem reports: the boundary, the nearest neighbourhood, distances."""

from __future__ import annotations

import pytest

from problems import geo

SQUARE = ((51.0, 3.0), (51.0, 4.0), (52.0, 4.0), (52.0, 3.0))
# An L shape: the square's top-right quarter cut away.
ELL = ((51.0, 3.0), (51.0, 4.0), (51.5, 4.0), (51.5, 3.5), (52.0, 3.5), (52.0, 3.0))


@pytest.mark.parametrize(
    ("point", "polygon", "expected"),
    [
        ((51.5, 3.5), SQUARE, True),
        ((50.9, 3.5), SQUARE, False),
        ((51.5, 4.1), SQUARE, False),
        ((51.75, 3.75), ELL, False),
        ((51.75, 3.25), ELL, True),
        ((51.25, 3.75), ELL, True),
        ((10.0, 10.0), (), True),
    ],
)
def test_inside(
    point: tuple[float, float], polygon: tuple[tuple[float, float], ...], expected: bool
) -> None:
    assert geo.inside(point[0], point[1], polygon) is expected


def test_a_closed_polygon_works_as_an_open_one() -> None:
    closed = (*SQUARE, SQUARE[0])
    assert geo.inside(51.5, 3.5, closed)
    assert not geo.inside(52.5, 3.5, closed)


def test_distance_in_metres() -> None:
    assert geo.distance_m(51.0, 3.7, 51.0, 3.7) == 0
    # One thousandth of a degree of latitude is about 111 m.
    assert geo.distance_m(51.0, 3.7, 51.001, 3.7) == pytest.approx(111.2, abs=0.5)
    # Of longitude at 51° north, about 70 m.
    assert geo.distance_m(51.0, 3.7, 51.0, 3.701) == pytest.approx(70.0, abs=0.5)


def test_nearest_place() -> None:
    places = (("Centrum", 51.054, 3.717), ("Noord", 51.070, 3.720))
    assert geo.nearest_place(51.055, 3.718, places) == "Centrum"
    assert geo.nearest_place(51.068, 3.719, places) == "Noord"
    assert geo.nearest_place(51.0, 3.7, ()) == ""


def test_box_around_holds_the_circle() -> None:
    south, north, west, east = geo.box_around(51.0, 3.7, 150)
    for lat, lng in ((south, 3.7), (north, 3.7), (51.0, west), (51.0, east)):
        assert geo.distance_m(51.0, 3.7, lat, lng) == pytest.approx(150, abs=0.5)
