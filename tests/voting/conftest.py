"""Shared voting fixtures, built through the actions a clerk uses: a clerk, the members of the
municipal council with their mandates, a published meeting and items on its agenda. The
helpers they are built with are in `tests/voting/agenda_world.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from participation.database import Database
from participation.i18n import use_language
from participation.models import Role, User
from tests.helpers import Browser, create_user
from tests.voting.agenda_world import (
    HOUR,
    add_item,
    english_pages,
    id_of,
    make_meeting,
    open_ballot,
    pre_vote_item,
    seat,
    start_session,
)
from voting.models import AgendaItem, Meeting

GROUPS = ("Groen", "Vooruit", "N-VA")


@pytest.fixture
def browser(client: TestClient) -> Browser:
    """Voting pages in English for visitors, so that tests compare the English messages; an
    account's own language still applies once it logs in (see `agenda_world.log_in`)."""
    return english_pages(Browser(client))


@pytest.fixture
def english_messages() -> Iterator[None]:
    """Messages are compared in English, whatever the catalogs translate them to."""
    with use_language("en"):
        yield


@pytest.fixture
def clerk(db: Database) -> User:
    return create_user(db, email="greet@example.be", name="Greet", roles=(Role.clerk,))


@pytest.fixture
def resident(db: Database) -> User:
    return create_user(db, email="ann@example.be", name="Ann")


@pytest.fixture
def council_members(db: Database, clerk: User) -> list[User]:
    """Three members of the municipal council, in office since a year, one per group."""
    members = [
        create_user(db, email=f"member{i}@example.be", name=f"Member {i}")
        for i in range(len(GROUPS))
    ]
    since = dt.date.today() - dt.timedelta(days=365)
    for member, group in zip(members, GROUPS, strict=True):
        seat(db, clerk, member, group, since)
    return members


@pytest.fixture
def meeting(db: Database, clerk: User) -> Meeting:
    return make_meeting(db, clerk)


@pytest.fixture
def item(db: Database, clerk: User, meeting: Meeting) -> AgendaItem:
    return add_item(db, clerk, meeting)


@pytest.fixture
def in_session(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, item: AgendaItem
) -> int:
    """The item, its meeting in session with every member of the council present."""
    start_session(db, clerk, id_of(meeting), council_members)
    return id_of(item)


@pytest.fixture
def secret_item(db: Database, clerk: User, council_members: list[User], meeting: Meeting) -> int:
    """A secret ballot, open in session with every member present."""
    item = id_of(add_item(db, clerk, meeting, secret=True))
    start_session(db, clerk, id_of(meeting), council_members)
    open_ballot(db, clerk, item)
    return item


@pytest.fixture
def open_item(db: Database, clerk: User, meeting: Meeting, council_members: list[User]) -> int:
    """An item whose pre-vote window opened an hour ago and closes tomorrow."""
    return pre_vote_item(db, clerk, meeting, -HOUR, 24 * HOUR)
