"""What is stored about a person: the declarations cover every table that refers to an account,
and the export gathers one account's data from the shell and every feature, and nobody else's."""

from __future__ import annotations

import json

from sqlmodel import SQLModel

import ideas.content  # noqa: F401 - registers ideas in the content registry, as the app does
from ideas import actions as idea_actions
from participation import privacy
from participation.database import Database
from participation.features import feature_modules
from participation.i18n import use_language
from participation.models import User
from participation.settings import Settings
from tests.ideas.conftest import comment_on, post_idea
from tests.moderation.conftest import report
from tests.voting.agenda_world import add_item, advise, advisory_open, id_of, make_meeting


def _tables_referring_to_accounts() -> set[str]:
    feature_modules("models")  # every table, as the app has them
    return {
        table.name
        for table in SQLModel.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "users"
    }


def test_every_table_referring_to_an_account_is_declared(settings: Settings) -> None:
    declared = {table for entry in privacy.declarations() for table in entry.tables}
    assert _tables_referring_to_accounts() | {"users"} <= declared
    keys = [entry.key for entry in privacy.declarations() if entry.key]
    assert len(keys) == len(set(keys))
    for entry in privacy.described(settings):
        assert all((entry.what, entry.why, entry.kept))
        assert "%(" not in entry.kept


def _support(db: Database, idea_id: int | None, user: User) -> None:
    assert idea_id is not None
    with db.write() as session:
        idea_actions.do_support(session, idea_id, user, 1000)


def test_the_export_holds_the_users_data_and_nothing_of_others(
    db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    own = post_idea(db, resident, "Ann's bench")
    theirs = post_idea(db, neighbour, "Bob's tree")
    _support(db, theirs.id, resident)
    _support(db, own.id, neighbour)
    comment_on(db, theirs, resident, "Ann says yes")
    comment_on(db, own, neighbour, "Bob says no")
    report(db, resident, "idea", id_of(theirs), "off_topic", "Ann's report")
    item = id_of(add_item(db, clerk, make_meeting(db, clerk), advisory=advisory_open()))
    advise(db, [resident, neighbour], item, "yn")
    with db.read() as session:
        data = privacy.personal_data(session, resident)
    text = json.dumps(data)  # JSON-safe throughout
    sections = data["sections"]
    assert sections["account"] == [
        sections["account"][0] | {"email": "ann@example.be", "display_name": "Ann"}
    ]
    assert data["roles_held"] == ["resident"]
    assert [i["title"] for i in sections["ideas"]] == ["Ann's bench"]
    assert sections["idea_supports"] == [
        {"idea_id": theirs.id, "created_at": sections["idea_supports"][0]["created_at"]}
    ]
    assert [c["body"] for c in sections["comments"]] == ["Ann says yes"]
    assert [(v["item_id"], v["choice"]) for v in sections["advisory_votes"]] == [(item, "yes")]
    assert [r["details"] for r in sections["moderation"]] == ["Ann's report"]
    for secret in ("password_hash", "token_hash", "voter_key"):
        assert secret not in text
    for other in ("Bob says no", "bob@example.be", "Bob's tree", "greet@example.be"):
        assert other not in text
    with use_language("en"):
        titles = [s.title for s in privacy.readable_sections(data)]
    assert titles[0].startswith("Your account: email address")
    assert len(titles) == len(sections)
