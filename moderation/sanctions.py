"""Sanctions on accounts: a warning, a mute for some days, a ban; and lifting them.

Each decision is a `Sanction` row (what the user is shown), a change on the account
(`User.muted_until`, `User.banned_at`) that posting and logging in check by the clock, and an
entry in the log. The log entry and the sanction carry the same `created_at`, which is how a
decision in the log finds its sanction (the log has no sanction column).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from moderation.log import check_moderator, record_action, tell
from moderation.models import (
    NOTE_MAX,
    ActionKind,
    ModerationAction,
    ModerationCase,
    Sanction,
    SanctionKind,
)
from participation.auth import end_all_sessions
from participation.checks import Refused
from participation.content import content_types
from participation.database import utcnow
from participation.forms import Form
from participation.i18n import gettext
from participation.models import User
from participation.visibility import (
    REASON_VALUES,
    HiddenContent,
    Visibility,
    reason_label,
    set_visibility,
)

MUTE_DAYS_MAX = 365
LIFTABLE = (SanctionKind.mute.value, SanctionKind.ban.value)


@dataclass(frozen=True)
class SanctionDraft:
    kind: SanctionKind
    reason: str
    note: str
    days: int | None
    hide_content: bool


def parse_sanction(form: Form) -> SanctionDraft:
    kind = form.choice("kind", tuple(k.value for k in SanctionKind))
    reason = form.choice("reason", REASON_VALUES)
    note = form.text("note", max_length=NOTE_MAX, required=False, multiline=True)
    days: int | None = None
    if kind == SanctionKind.mute:
        raw = form.data.get("days", "").strip()
        if raw.isdigit() and 1 <= int(raw) <= MUTE_DAYS_MAX:
            days = int(raw)
        else:
            form.error(
                "days",
                gettext("Enter a number of days from 1 to %(num)d.") % {"num": MUTE_DAYS_MAX},
            )
    hide_content = kind == SanctionKind.ban and form.data.get("hide_content") == "on"
    chosen = SanctionKind(kind) if "kind" not in form.errors else SanctionKind.warn
    return SanctionDraft(chosen, reason, note, days, hide_content)


def get_account(session: Session, user_id: int) -> User:
    # populate_existing: a conditional UPDATE earlier in this transaction counts.
    found = session.get(User, user_id, populate_existing=True)
    if found is None:
        raise Refused(404, gettext("This account does not exist."))
    return found


def is_muted(user: User, now: dt.datetime) -> bool:
    return user.muted_until is not None and user.muted_until > now


def check_can_sanction(
    session: Session, moderator: User, target: User, kind: SanctionKind, now: dt.datetime
) -> None:
    check_moderator(session, moderator)
    if target.id == moderator.id:
        raise Refused(403, gettext("You cannot sanction yourself."))
    if target.banned_at is not None:
        raise Refused(409, gettext("This account is banned already."))
    if kind is SanctionKind.mute and is_muted(target, now):
        raise Refused(409, gettext("This account is muted already; lift the mute first."))


def do_sanction(
    session: Session, moderator: User, target_id: int, draft: SanctionDraft
) -> Sanction:
    now = utcnow()
    target = get_account(session, target_id)
    check_can_sanction(session, moderator, target, draft.kind, now)
    assert target.id is not None
    ends_at = now + dt.timedelta(days=draft.days) if draft.days is not None else None
    if draft.kind is SanctionKind.mute:
        target.muted_until = ends_at
        session.add(target)
    elif draft.kind is SanctionKind.ban:
        target.banned_at = now
        session.add(target)
        end_all_sessions(session, target.id)
    entry = record_action(
        session,
        ActionKind(draft.kind.value),
        moderator_id=moderator.id,
        target_user_id=target.id,
        reason=draft.reason,
        note=draft.note,
    )
    sanction = Sanction(
        user_id=target.id,
        kind=draft.kind.value,
        reason=draft.reason,
        note=draft.note,
        moderator_id=moderator.id,
        hide_content=draft.hide_content,
        created_at=entry.created_at,
        ends_at=ends_at,
    )
    session.add(sanction)
    session.flush()
    if draft.hide_content:
        # After the log entry: what the ban hid is what was hidden since it (see lifting).
        _hide_all_content(session, target.id, draft.reason)
    tell(session, target.id, entry, _sanction_message(draft.kind, draft.reason, ends_at))
    return sanction


def _hide_all_content(session: Session, user_id: int, reason: str) -> None:
    """Every public piece of the user's content, of every moderatable type, hidden through the
    registry, so that each type's own hook takes it out of its counts, search and feeds."""
    for kind in content_types():
        model: Any = kind.model
        if model is None:
            continue
        ids = session.exec(
            select(model.id).where(
                model.author_id == user_id, model.visibility == Visibility.public.value
            )
        ).all()
        for content_id in ids:
            set_visibility(session, kind.name, content_id, Visibility.hidden, reason)


def _restore_content_hidden_by(session: Session, user_id: int, ban: Sanction) -> None:
    """Make public again what the ban hid: the user's content hidden since the ban about which
    nobody decided anything else since (a moderator's own hide or restore is logged per item,
    the ban's bulk hide is not)."""
    for kind in content_types():
        model: Any = kind.model
        if model is None:
            continue
        hidden = session.exec(
            select(model.id)
            .join(
                HiddenContent,
                (col(HiddenContent.content_type) == kind.name)
                & (col(HiddenContent.content_id) == model.id),
            )
            .where(
                model.author_id == user_id,
                model.visibility == Visibility.hidden.value,
                col(HiddenContent.since) >= ban.created_at,
            )
        ).all()
        for content_id in hidden:
            decided_since = session.exec(
                select(ModerationAction.id).where(
                    ModerationAction.content_type == kind.name,
                    ModerationAction.content_id == content_id,
                    col(ModerationAction.created_at) >= ban.created_at,
                )
            ).first()
            if decided_since is None:
                set_visibility(session, kind.name, content_id, Visibility.public, None)


def _sanction_message(kind: SanctionKind, reason: str, ends_at: dt.datetime | None) -> Any:
    """The notification text, built in the recipient's language (see notify)."""

    def message() -> str:
        values = {"reason": reason_label(reason)}
        if kind is SanctionKind.warn:
            return gettext("A moderator warned you. Reason: %(reason)s.") % values
        if kind is SanctionKind.mute:
            assert ends_at is not None
            values["date"] = ends_at.date().isoformat()
            return (
                gettext(
                    "A moderator muted you until %(date)s: you cannot post or comment until"
                    " then. Reason: %(reason)s."
                )
                % values
            )
        return gettext("A moderator banned your account. Reason: %(reason)s.") % values

    return message


def open_sanction(session: Session, user_id: int, kind: SanctionKind) -> Sanction | None:
    return session.exec(
        select(Sanction)
        .where(
            Sanction.user_id == user_id,
            Sanction.kind == kind.value,
            col(Sanction.ended_at).is_(None),
        )
        .order_by(col(Sanction.id).desc())
    ).first()


def check_can_lift(
    session: Session, moderator: User, target: User, kind: SanctionKind, now: dt.datetime
) -> None:
    check_moderator(session, moderator)
    if target.id == moderator.id:
        raise Refused(403, gettext("You cannot lift a sanction on yourself."))
    if kind is SanctionKind.mute and not is_muted(target, now):
        raise Refused(409, gettext("This account is not muted."))
    if kind is SanctionKind.ban and target.banned_at is None:
        raise Refused(409, gettext("This account is not banned."))


def parse_lift(form: Form) -> tuple[SanctionKind, str]:
    kind = form.choice("kind", LIFTABLE)
    note = form.text("note", max_length=NOTE_MAX, required=False, multiline=True)
    return (SanctionKind(kind) if kind in LIFTABLE else SanctionKind.mute), note


def do_lift(
    session: Session, moderator: User, target_id: int, kind: SanctionKind, note: str
) -> ModerationAction:
    now = utcnow()
    target = get_account(session, target_id)
    check_can_lift(session, moderator, target, kind, now)
    sanction = end_sanction(session, target, kind, now)
    assert target.id is not None
    entry = record_action(
        session,
        ActionKind.unmute if kind is SanctionKind.mute else ActionKind.unban,
        moderator_id=moderator.id,
        target_user_id=target.id,
        reason=sanction.reason if sanction is not None else None,
        note=note,
    )
    tell(session, target.id, entry, _lift_message(kind))
    return entry


def end_sanction(
    session: Session, target: User, kind: SanctionKind, now: dt.datetime
) -> Sanction | None:
    """End the account's mute or ban now (a moderator's lift, a granted appeal): the account
    is free again, its open sanctions of that kind ended, and what a ban hid public again.
    Returns the sanction that was in force, if any; the caller logs the decision."""
    assert target.id is not None
    sanction = open_sanction(session, target.id, kind)
    if kind is SanctionKind.mute:
        target.muted_until = None
    else:
        target.banned_at = None
        if sanction is not None and sanction.hide_content:
            _restore_content_hidden_by(session, target.id, sanction)
    session.add(target)
    session.execute(
        update(Sanction)
        .where(
            col(Sanction.user_id) == target.id,
            col(Sanction.kind) == kind.value,
            col(Sanction.ended_at).is_(None),
        )
        .values(ended_at=now)
    )
    return sanction


def _lift_message(kind: SanctionKind) -> Any:
    def message() -> str:
        if kind is SanctionKind.mute:
            return gettext("A moderator lifted your mute: you can post and comment again.")
        return gettext("A moderator lifted the ban on your account.")

    return message


def end_due_mutes(session: Session, now: dt.datetime) -> list[int]:
    """End every mute whose time is up; returns the accounts unmuted by this call.

    Each end is a conditional update that only a mute not ended yet passes, so a second run,
    a second worker or a late catch-up finds nothing left to do and logs nothing twice."""
    due = session.exec(
        select(Sanction.id, Sanction.user_id).where(
            Sanction.kind == SanctionKind.mute.value,
            col(Sanction.ended_at).is_(None),
            col(Sanction.ends_at) <= now,
        )
    ).all()
    unmuted = []
    for sanction_id, user_id in due:
        ended = session.connection().execute(
            update(Sanction)
            .where(col(Sanction.id) == sanction_id, col(Sanction.ended_at).is_(None))
            .values(ended_at=now)
        )
        if ended.rowcount != 1:
            continue
        session.connection().execute(
            update(User)
            .where(col(User.id) == user_id, col(User.muted_until) <= now)
            .values(muted_until=None)
        )
        record_action(session, ActionKind.unmute, moderator_id=None, target_user_id=user_id)
        unmuted.append(user_id)
    return unmuted


@dataclass(frozen=True)
class History:
    """What moderators read about one account before they decide: its latest cases, the log
    entries about it and its sanctions, each list cut at `HISTORY_SIZE`."""

    cases: list[ModerationCase]
    log: list[ModerationAction]
    sanctions: list[Sanction]


HISTORY_SIZE = 30


def history_of(session: Session, user_id: int) -> History:
    """Three indexed reads (cases by author, the log by target, sanctions by user)."""
    cases = session.exec(
        select(ModerationCase)
        .where(ModerationCase.author_id == user_id)
        .order_by(col(ModerationCase.id).desc())
        .limit(HISTORY_SIZE)
    ).all()
    log = session.exec(
        select(ModerationAction)
        .where(ModerationAction.target_user_id == user_id)
        .order_by(col(ModerationAction.id).desc())
        .limit(HISTORY_SIZE)
    ).all()
    found = session.exec(
        select(Sanction)
        .where(Sanction.user_id == user_id)
        .order_by(col(Sanction.id).desc())
        .limit(HISTORY_SIZE)
    ).all()
    return History(list(cases), list(log), list(found))
