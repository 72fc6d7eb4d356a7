"""Numbers from URLs: ids and cursors that do not fit the database are the client's mistake."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from participation.paging import MAX_ID, keyset_cursor, whole_number


def test_whole_numbers_are_ascii_digits_that_fit_an_integer_column() -> None:
    assert whole_number("42") == 42
    assert whole_number(str(MAX_ID)) == MAX_ID
    for bad in ("", "-1", "4.2", "²", "٣", str(MAX_ID + 1), "9" * 40, " 7"):
        assert whole_number(bad) is None, bad


def test_a_cursor_has_its_number_of_pieces() -> None:
    assert keyset_cursor("1700000000000000.12", 2) == (1700000000000000, 12)
    assert keyset_cursor("12", 2) is None
    assert keyset_cursor("1.²", 2) is None
    assert keyset_cursor("9" * 30, 1) is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ideas/99999999999999999999",
        "/api/v1/meetings/2147483648",
        "/api/v1/pacts/99999999999",
        "/ideas/99999999999999999999",
    ],
)
def test_an_id_too_big_for_the_database_is_not_found(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/ideas?category=99999999999999999999",
        "/api/v1/ideas?category=%C2%B2",
        "/api/v1/ideas?cursor=1.%C2%B2",
        "/api/v1/ideas.geojson?cursor=%C2%B2",
        "/api/v1/reports?category=99999999999",
        "/api/v1/reports?cursor=%C2%B2",
        "/api/v1/meetings?council_id=99999999999",
    ],
)
def test_filters_out_of_range_answer_400_or_ignore_them(client: TestClient, query: str) -> None:
    response = client.get(query)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["error"]["code"].startswith("invalid_")
