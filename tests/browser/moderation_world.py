"""What the moderation browser tests share: moderators, residents, reported ideas and
comments, a hidden comment with its author's appeal, a warning and a watch word (the "world"),
written with the app's own actions into the live server's database, and what the tests look at.

The tests find things by role, field id, CSS selector and attribute, never by a translated text
of the moderation pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

import ideas.content  # noqa: F401 - registers ideas and comments, as the app factory does
from ideas import actions as idea_actions
from ideas.forms import CommentDraft
from moderation import actions, appeals, sanctions, words
from moderation.forms import ActionDraft, ContentAction, ReportDraft
from moderation.models import CaseStatus, ModerationAction, ModerationCase, Report, SanctionKind
from participation.models import Role
from participation.visibility import HiddenContent
from tests.browser.conftest import LiveServer
from tests.browser.ideas_world import create_people, in_database, person, seed_idea

HOSTILE = '<script>alert("inspraak")</script><img src=x onerror=alert(1)>'
# Reasons the world leaves unused, so that a test's own items are the only ones its filter shows.
KEYBOARD_REASON = "off_topic"
NO_SCRIPT_REASON = "other"


@dataclass(frozen=True)
class ModerationWorld:
    """Accounts and content shared by the tests of a module (tests add their own too)."""

    moderator: str  # decided the hide below
    second_moderator: str  # decides the appeal against it
    author: str  # wrote the ideas and the hidden comment, was warned, appealed
    resident: str  # reports through the pages
    reporters: tuple[str, ...]
    author_id: int
    reported_idea: int  # open reports (spam, insult), among them a hostile detail
    hostile_idea: int  # a hostile title, reported
    hidden_comment: int  # hidden by the moderator, appealed by its author
    open_idea: int  # nobody reported it: the resident reports it in a test
    public_comment: int  # on the open idea, by the author: reported in a test


def report(session: Session, reporter: str, type_name: str, content_id: int, reason: str) -> None:
    draft = ReportDraft(type_name, content_id, reason, HOSTILE)
    actions.do_report(session, person(session, reporter), draft, 0)


def report_ideas(server: LiveServer, world: ModerationWorld, reason: str, count: int) -> list[int]:
    """`count` new ideas of the author, each reported once for `reason`, oldest first: in this
    order in the queue filtered by that reason."""
    ideas = [seed_idea(server, world.author, f"Melding {reason} {n}") for n in range(count)]

    def send(session: Session) -> None:
        for idea_id in ideas:
            report(session, world.reporters[0], "idea", idea_id, reason)

    in_database(server, send)
    return ideas


def build_moderation_world(server: LiveServer) -> ModerationWorld:
    moderator, second = "mia@moderation.test", "mo@moderation.test"
    author, resident = "auteur@moderation.test", "bewoner@moderation.test"
    reporters = tuple(f"buur{n}@moderation.test" for n in range(3))

    def accounts(session: Session) -> int:
        people = [
            (moderator, "Mia", (Role.resident, Role.moderator)),
            (second, "Mo", (Role.resident, Role.moderator)),
            (author, HOSTILE, (Role.resident,)),
            (resident, "Bram", (Role.resident,)),
            *((address, f"Buur {n}", (Role.resident,)) for n, address in enumerate(reporters)),
        ]
        create_people(session, people)
        author_id = person(session, author).id
        assert author_id is not None
        return author_id

    author_id = in_database(server, accounts)
    reported_idea = seed_idea(server, author, "Een parkeergarage onder het plein")
    hostile_idea = seed_idea(server, author, HOSTILE)
    open_idea = seed_idea(server, author, "Meer zitbanken in het park")

    def moderate(session: Session) -> int:
        report(session, reporters[0], "idea", reported_idea, "spam")
        report(session, reporters[1], "idea", reported_idea, "insult")
        report(session, reporters[2], "idea", hostile_idea, "personal_data")
        comment = idea_actions.do_comment(
            session, reported_idea, person(session, author), CommentDraft(HOSTILE, None, None)
        )
        assert comment.id is not None
        report(session, reporters[0], "comment", comment.id, "insult")
        mia = person(session, moderator)
        target = actions.get_target(session, "comment", comment.id)
        hide = actions.do_act(
            session, mia, target, ActionDraft(ContentAction.hide, "insult", HOSTILE)
        )
        assert hide.id is not None
        appeals.do_appeal(session, person(session, author), hide.id, HOSTILE)
        warning = sanctions.SanctionDraft(SanctionKind.warn, "insult", HOSTILE, None, False)
        sanctions.do_sanction(session, mia, author_id, warning)
        words.do_add_word(session, mia, "oplichter")
        return comment.id

    hidden_comment = in_database(server, moderate)

    def comment(session: Session) -> int:
        draft = CommentDraft("Graag ook een vuilnisbak erbij.", None, None)
        posted = idea_actions.do_comment(session, open_idea, person(session, author), draft)
        assert posted.id is not None
        return posted.id

    public_comment = in_database(server, comment)
    return ModerationWorld(
        moderator=moderator,
        second_moderator=second,
        author=author,
        resident=resident,
        reporters=reporters,
        author_id=author_id,
        reported_idea=reported_idea,
        hostile_idea=hostile_idea,
        hidden_comment=hidden_comment,
        open_idea=open_idea,
        public_comment=public_comment,
    )


# --- what the tests look at -------------------------------------------------------------------


def visibility_of(server: LiveServer, type_name: str, content_id: int) -> tuple[str, str | None]:
    """(visibility, reason) of a piece of content: ("public", None) when nothing hides it."""

    def read(session: Session) -> tuple[str, str | None]:
        hidden = session.get(HiddenContent, (type_name, content_id))
        return ("public", None) if hidden is None else (hidden.visibility, hidden.reason)

    return in_database(server, read)


def case_status(server: LiveServer, type_name: str, content_id: int) -> str | None:
    def read(session: Session) -> str | None:
        case = session.exec(
            select(ModerationCase).where(
                ModerationCase.content_type == type_name, ModerationCase.content_id == content_id
            )
        ).first()
        return None if case is None else case.status

    return in_database(server, read)


def reports_of(server: LiveServer, type_name: str, content_id: int) -> list[tuple[str, str]]:
    """(reason, details) of the reports on a piece of content, oldest first."""

    def read(session: Session) -> list[tuple[str, str]]:
        found = session.exec(
            select(Report)
            .where(Report.content_type == type_name, Report.content_id == content_id)
            .order_by(col(Report.id))
        ).all()
        return [(r.reason, r.details) for r in found]

    return in_database(server, read)


def last_action(server: LiveServer, type_name: str, content_id: int) -> tuple[str, str | None]:
    def read(session: Session) -> tuple[str, str | None]:
        entry = session.exec(
            select(ModerationAction)
            .where(
                ModerationAction.content_type == type_name,
                ModerationAction.content_id == content_id,
            )
            .order_by(col(ModerationAction.id).desc())
        ).first()
        assert entry is not None, f"no decision about {type_name} #{content_id}"
        return entry.action, entry.reason

    return in_database(server, read)


def queue_keys(page: Page) -> list[str]:
    """The `type:id` of the queue's rows, in the order shown."""
    boxes = page.locator("#queue [data-queue-row] input[name=items]")
    return [str(boxes.nth(i).get_attribute("value")) for i in range(boxes.count())]


def row_of(page: Page, type_name: str, content_id: int) -> str:
    """The CSS selector of the queue row of a piece of content."""
    return f"#queue [data-queue-row]:has(input[value='{type_name}:{content_id}'])"


def focused_row_key(page: Page) -> str | None:
    """The `type:id` of the row the keyboard is on, if any."""
    found: str | None = page.evaluate(
        """() => {
            const active = document.activeElement;
            const row = active && active.closest("[data-queue-row]");
            const box = row && row.querySelector("input[name=items]");
            return box ? box.value : null;
        }"""
    )
    return found


def open_case(server: LiveServer, type_name: str, content_id: int) -> bool:
    return case_status(server, type_name, content_id) == CaseStatus.open.value


def expect_success(page: Page) -> None:
    expect(page.locator(".flash--success")).to_have_count(1)
