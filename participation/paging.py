"""Numbers that come from a URL: ids in filters and the pieces of keyset cursors.

Only ASCII digits count ("²".isdigit() is true, int("²") fails) and only numbers that fit the
database's integer columns: anything else is the client's mistake, answered as such, never a
database error.
"""

from __future__ import annotations

from starlette.convertors import IntegerConvertor

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER, which every id column is
MAX_BIGINT = 2**63 - 1  # times in microseconds and other 64-bit cursor pieces


def whole_number(raw: str, maximum: int = MAX_ID) -> int | None:
    """`raw` as a whole number from 0 to `maximum`, or None."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if value <= maximum else None


def keyset_cursor(raw: str, parts: int) -> tuple[int, ...] | None:
    """A cursor of `parts` whole numbers joined by dots, or None when it is not one."""
    pieces = [whole_number(piece, MAX_BIGINT) for piece in raw.split(".")]
    if len(pieces) != parts or None in pieces:
        return None
    return tuple(piece for piece in pieces if piece is not None)


class IdConvertor(IntegerConvertor):
    """`{name:int}` in every route: nine digits at most, so an id too big for an INTEGER column
    is a 404 like any unknown id rather than a database error (registered in __init__.py,
    before any route is made)."""

    regex = "[0-9]{1,9}"
