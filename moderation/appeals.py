"""Appeals: the person a decision was about contests it once, with text; another moderator
than the one who decided grants it (the decision is undone) or rejects it.

A decision is a log entry (`ModerationAction`); the unique constraint on `Appeal.action_id`
keeps it to one appeal, also when two requests race.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from moderation import cases, sanctions
from moderation.log import check_moderator, record_action, tell
from moderation.models import (
    APPEAL_MAX,
    NOTE_MAX,
    ActionKind,
    Appeal,
    AppealStatus,
    CaseStatus,
    ModerationAction,
    ReportStatus,
    Sanction,
    SanctionKind,
)
from participation.checks import Refused
from participation.content import content_type
from participation.database import utcnow
from participation.events import publish
from participation.forms import Form
from participation.i18n import gettext
from participation.models import User
from participation.visibility import Visibility, hidden_state, set_visibility

PAGE_SIZE = 30
APPEALABLE = tuple(
    kind.value
    for kind in (
        ActionKind.hide,
        ActionKind.auto_hide,
        ActionKind.warn,
        ActionKind.mute,
        ActionKind.ban,
    )
)
DECISIONS = ("grant", "reject")


@dataclass(frozen=True)
class Decision:
    """One appealable decision as its subject, or a moderator reading the appeal, sees it."""

    action: ModerationAction
    appeal: Appeal | None
    sanction: Sanction | None  # for a warning, a mute or a ban
    content_label: str | None  # for a hide: "comment", "idea", ...
    content_title: str | None
    content_url: str | None
    still_hidden: bool

    @property
    def is_sanction(self) -> bool:
        return self.sanction is not None


def parse_appeal(form: Form) -> tuple[int, str]:
    """The decision appealed (a hidden field: nonsense there is a decision that does not
    exist) and the appeal's text."""
    raw = form.data.get("action_id", "").strip()
    if not raw.isdigit() or len(raw) > 12:
        raise Refused(404, gettext("This decision does not exist."))
    return int(raw), form.text("text", max_length=APPEAL_MAX, multiline=True)


def parse_decision(form: Form) -> tuple[bool, str]:
    decision = form.choice("decision", DECISIONS)
    note = form.text("note", max_length=NOTE_MAX, required=False, multiline=True)
    return decision == "grant", note


def _sanction_of(session: Session, action: ModerationAction) -> Sanction | None:
    """A sanction and its log entry share their moment (see moderation.sanctions)."""
    if action.action not in (ActionKind.warn, ActionKind.mute, ActionKind.ban):
        return None
    return session.exec(
        select(Sanction).where(
            Sanction.user_id == action.target_user_id,
            Sanction.kind == action.action,
            Sanction.created_at == action.created_at,
        )
    ).first()


def describe(session: Session, action: ModerationAction, appeal: Appeal | None) -> Decision:
    kind = content_type(action.content_type) if action.content_type else None
    still_hidden = False
    title = url = label = None
    if kind is not None and action.content_id is not None:
        state = hidden_state(session, kind.name, action.content_id)
        still_hidden = state is not None and state.visibility in (
            Visibility.hidden,
            Visibility.auto_hidden,
        )
        title = kind.title(session, action.content_id)
        url = kind.url(action.content_id)
        label = kind.label()
    return Decision(
        action=action,
        appeal=appeal,
        sanction=_sanction_of(session, action),
        content_label=label,
        content_title=title,
        content_url=url,
        still_hidden=still_hidden,
    )


def _appeals_of(session: Session, action_ids: list[int]) -> dict[int, Appeal]:
    if not action_ids:
        return {}
    found = session.exec(select(Appeal).where(col(Appeal.action_id).in_(action_ids)))
    return {appeal.action_id: appeal for appeal in found}


def decisions_about(
    session: Session, user_id: int, before: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Decision], int | None]:
    """The appealable decisions about the user, newest first, and the `before` of the next
    page (or None): one indexed range on the log's target, keyset-paged."""
    statement = select(ModerationAction).where(
        ModerationAction.target_user_id == user_id,
        col(ModerationAction.action).in_(APPEALABLE),
    )
    if before is not None:
        statement = statement.where(col(ModerationAction.id) < before)
    found = list(session.exec(statement.order_by(col(ModerationAction.id).desc()).limit(limit + 1)))
    page = found[:limit]
    appeals = _appeals_of(session, [a.id for a in page if a.id is not None])
    decisions = [describe(session, action, appeals.get(action.id or 0)) for action in page]
    return decisions, (page[-1].id if len(found) > limit else None)


def check_can_appeal(session: Session, user: User, action_id: int) -> ModerationAction:
    action = session.get(ModerationAction, action_id)
    if action is None:
        raise Refused(404, gettext("This decision does not exist."))
    if action.target_user_id is None or action.target_user_id != user.id:
        raise Refused(403, gettext("Only the person this decision is about can appeal it."))
    if action.action not in APPEALABLE:
        raise Refused(409, gettext("This decision cannot be appealed."))
    if _appeals_of(session, [action_id]):
        raise Refused(409, gettext("You have appealed this decision already."))
    return action


def do_appeal(session: Session, user: User, action_id: int, text: str) -> int:
    """The new appeal's id. The unique constraint decides when two appeals race."""
    check_can_appeal(session, user, action_id)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Appeal)
        .values(
            action_id=action_id,
            appellant_id=user.id,
            text=text,
            status=AppealStatus.open.value,
            created_at=utcnow(),
            decision_note="",
        )
        .on_conflict_do_nothing(index_elements=["action_id"])
        .returning(Appeal.__table__.c.id)  # type: ignore[attr-defined]
    )
    appeal_id: int | None = session.execute(statement).scalar()
    if appeal_id is None:
        raise Refused(409, gettext("You have appealed this decision already."))
    publish(session, "moderation.appealed", appeal_id=appeal_id)
    return appeal_id


@dataclass(frozen=True)
class OpenAppeal:
    appeal: Appeal
    decision: Decision


def open_appeals(
    session: Session, after: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[OpenAppeal], int | None]:
    """Open appeals, oldest first (the longest waiting first), and the `after` of the next
    page (or None)."""
    statement = select(Appeal).where(Appeal.status == AppealStatus.open.value)
    if after is not None:
        statement = statement.where(col(Appeal.id) > after)
    found = list(session.exec(statement.order_by(col(Appeal.id)).limit(limit + 1)))
    page = found[:limit]
    rows = []
    for appeal in page:
        action = session.get(ModerationAction, appeal.action_id)
        assert action is not None  # a foreign key
        rows.append(OpenAppeal(appeal, describe(session, action, appeal)))
    return rows, (page[-1].id if len(found) > limit else None)


def check_can_decide(session: Session, moderator: User, appeal_id: int) -> Appeal:
    check_moderator(session, moderator)
    appeal = session.get(Appeal, appeal_id, populate_existing=True)
    if appeal is None:
        raise Refused(404, gettext("This appeal does not exist."))
    action = session.get(ModerationAction, appeal.action_id)
    assert action is not None
    if action.moderator_id == moderator.id or appeal.appellant_id == moderator.id:
        raise Refused(403, gettext("Another moderator must decide on this appeal."))
    if appeal.status != AppealStatus.open:
        raise Refused(409, gettext("This appeal has been decided already."))
    return appeal


def do_decide(session: Session, moderator: User, appeal_id: int, grant: bool, note: str) -> Appeal:
    appeal = check_can_decide(session, moderator, appeal_id)
    action = session.get(ModerationAction, appeal.action_id)
    assert action is not None
    if grant:
        _undo(session, action)
    appeal.status = (AppealStatus.granted if grant else AppealStatus.rejected).value
    appeal.decided_by_id = moderator.id
    appeal.decided_at = utcnow()
    appeal.decision_note = note
    session.add(appeal)
    content = (
        (action.content_type, action.content_id)
        if action.content_type is not None and action.content_id is not None
        else None
    )
    entry = record_action(
        session,
        ActionKind.appeal_granted if grant else ActionKind.appeal_rejected,
        moderator_id=moderator.id,
        content=content,
        target_user_id=action.target_user_id,
        reason=action.reason,
        note=note,
    )
    if appeal.appellant_id is not None:
        _tell_appellant(session, appeal.appellant_id, entry, grant, note)
    return appeal


def _latest_hide(session: Session, content_type: str, content_id: int) -> int | None:
    """The content's latest hide: an appeal against an earlier one, restored and hidden again
    since, does not undo the later decision."""
    return session.exec(
        select(ModerationAction.id)
        .where(
            ModerationAction.content_type == content_type,
            ModerationAction.content_id == content_id,
            col(ModerationAction.action).in_((ActionKind.hide.value, ActionKind.auto_hide.value)),
        )
        .order_by(col(ModerationAction.id).desc())
    ).first()


def _undo(session: Session, action: ModerationAction) -> None:
    """Undo what the decision still does: content public again, a mute or ban ended."""
    if action.content_type is not None and action.content_id is not None:
        state = hidden_state(session, action.content_type, action.content_id)
        hidden = state is not None and state.visibility in (
            Visibility.hidden,
            Visibility.auto_hidden,
        )
        if hidden and _latest_hide(session, action.content_type, action.content_id) == action.id:
            set_visibility(session, action.content_type, action.content_id, Visibility.public, None)
            cases.resolve_reports(
                session, action.content_type, action.content_id, ReportStatus.dismissed
            )
            case = cases.case_of(session, action.content_type, action.content_id)
            if case is not None and case.status == CaseStatus.open:
                cases.close_case(session, case)
        return
    sanction = _sanction_of(session, action)
    # A warning has nothing to undo; a sanction that ended (or was lifted) neither.
    if sanction is None or sanction.kind == SanctionKind.warn or sanction.ended_at is not None:
        return
    target = sanctions.get_account(session, sanction.user_id)
    sanctions.end_sanction(session, target, SanctionKind(sanction.kind), utcnow())


def _tell_appellant(
    session: Session, user_id: int, entry: ModerationAction, granted: bool, note: str
) -> None:
    assert entry.id is not None

    def message() -> str:
        if granted:
            text = gettext("Your appeal was granted: the decision is undone.")
        else:
            text = gettext("Your appeal was rejected: the decision stands.")
        if note:
            text += " " + gettext("The moderator's reason: %(note)s") % {"note": note}
        return text

    tell(session, user_id, entry, message)
