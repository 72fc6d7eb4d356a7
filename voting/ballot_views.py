"""The agenda item page and the votes cast on it: council members (and their recusals),
residents' advisory votes, and the chair opening and closing the vote in session.

Every form works as a plain POST answered by a 303 back with a flash. With htmx the vote forms
swap their own fragment in place, and a refusal comes back inside that fragment, so that the
voter sees why without losing the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from participation import auth, ratelimit
from participation.checks import Refused
from participation.content import content_type
from participation.context import flash
from participation.forms import Form
from participation.i18n import N_, gettext
from participation.models import User
from participation.web import form_of, is_htmx, safe_next, see_other, settings_of
from voting import advisory, ballots, documents, forms, loop, queries, views
from voting.actions import get_item, item_url, meeting_of
from voting.item_ballots import advisory_ballot_of, council_ballot_of
from voting.models import CHOICES, MEETING_TIME, RECUSED, AgendaItem, CouncilBallot, label

BAD_CHOICE = N_("Choose yes, no or abstain.")
# What the chair's buttons do, and what they say once done.
BALLOT_ACTIONS: dict[str, tuple[Callable[[Session, User, int], CouncilBallot], str]] = {
    "open": (
        ballots.do_open_ballot,
        N_("The vote is open: members present can vote or change their vote."),
    ),
    "close": (ballots.do_close_ballot, N_("The vote is closed and its result is published.")),
}


def render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> Response:
    """Render a voting template with what the vote templates share."""
    shared = {"choices": CHOICES, "RECUSED": RECUSED, "when_format": MEETING_TIME}
    return views.render(request, name, {**shared, **values}, status_code)


def _item_id(request: Request) -> int:
    return views.path_id(request, "item_id")


def back_to(form: Form, default: str) -> str:
    """Where the form came from (its `next` field), if that is a page of this site."""
    return safe_next(form.value("next"), default)


def done(request: Request, form: Form, message: str, default: str) -> Response:
    """Say it worked, and go back where the form came from (without JavaScript)."""
    flash(request, "success", message)
    return see_other(back_to(form, default))


def page_of(form: Form, default: str) -> str:
    """The page a fragment sits on (its forms add their own anchor to it)."""
    return back_to(form, default).partition("#")[0]


def subject_label(name: str) -> str:
    """The translated name of a kind of linked content ("idea", "pact")."""
    kind = content_type(name)
    return kind.label() if kind else name


def item_values(
    request: Request, session: Session, item: AgendaItem, user: User | None
) -> dict[str, Any]:
    """Everything the item page shows. The caller resolved the user before opening `session`."""
    assert item.id is not None
    zone = settings_of(request).zone
    meeting = meeting_of(session, item)
    ballot = council_ballot_of(session, item.id)
    advisory_ballot = advisory_ballot_of(session, item.id)
    member_vote = None
    if ballot is not None and user is not None:
        member_vote = queries.member_vote(session, item, ballot, meeting, user, zone)
    return {
        "item": item,
        "meeting": meeting,
        "ballot": ballot,
        "documents": documents.documents_of(session, [item.id])[item.id],
        "linked": loop.linked_subjects(session, [item.id])[item.id],
        "subject_label": subject_label,
        "votes": queries.vote_list(session, ballot, meeting) if ballot else None,
        "member_vote": member_vote,
        "resident_vote": (
            queries.resident_vote(session, advisory_ballot, ballot, user)
            if advisory_ballot
            else None
        ),
        "session_controls": queries.session_controls(session, meeting, user) if user else None,
        "back": item_url(item.id),
    }


def item_detail(request: Request) -> Response:
    user = auth.current_user(request)
    with auth.database(request).read() as session:
        item = get_item(session, _item_id(request), user)
        values = item_values(request, session, item, user)
    return render(request, "voting/item.html", values)


def _fragment(request: Request, name: str, values: dict[str, Any]) -> Response:
    """An htmx answer. A refusal is answered 200 with its message inside the fragment: htmx 2
    does not swap 4xx answers, and the member should see why without losing the page."""
    return render(request, name, values)


def _member_fragment(
    request: Request, user: User, form: Form, refused: Refused | None = None
) -> Response:
    """The member's vote fragment; without htmx a refusal is the error page with its status."""
    if refused is not None and not is_htmx(request):
        raise refused
    item_id = _item_id(request)
    state = None
    try:
        with auth.database(request).read() as session:
            item = get_item(session, item_id, user)
            ballot = council_ballot_of(session, item_id)
            if ballot is not None:
                meeting = meeting_of(session, item)
                zone = settings_of(request).zone
                state = queries.member_vote(session, item, ballot, meeting, user, zone)
    except Refused:
        state = None
    if state is None:
        # Nothing to swap in (no such item, no ballot, no seat): the refusal's own page.
        raise refused or Refused(
            403, gettext("Only members of this council can vote on its agenda.")
        )
    values = {
        "member_vote": state,
        "vote_error": refused.message if refused else "",
        "back": page_of(form, item_url(item_id)),
    }
    return _fragment(request, "voting/_council_vote.html", values)


def _cast_council(request: Request, user: User, form: Form, choice: str) -> Response:
    item_id = _item_id(request)
    zone = settings_of(request).zone
    try:
        with auth.database(request).write() as session:
            ballots.do_cast_council_vote(session, user, item_id, choice, zone)
    except Refused as refused:
        return _member_fragment(request, user, form, refused)
    if is_htmx(request):
        return _member_fragment(request, user, form)
    if choice == RECUSED:
        message = gettext("Your conflict of interest is recorded; you do not vote on this item.")
    else:
        message = gettext("Your vote is recorded: %(choice)s.") % {"choice": label(choice)}
    return done(request, form, message, item_url(item_id))


def council_vote(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    choice = forms.parse_choice(form)
    if not form.ok:
        return _member_fragment(request, user, form, Refused(400, gettext(BAD_CHOICE)))
    return _cast_council(request, user, form, choice)


def recusal(request: Request) -> Response:
    """A member declares a conflict of interest: they do not vote, and the page says so."""
    user = auth.require_user(request)
    return _cast_council(request, user, form_of(request), RECUSED)


def _resident_fragment(
    request: Request, user: User, form: Form, refused: Refused | None = None
) -> Response:
    """The resident's advisory vote fragment, with the refusal inside (htmx only)."""
    item_id = _item_id(request)
    state = None
    try:
        with auth.database(request).read() as session:
            get_item(session, item_id, user)
            ballot = advisory_ballot_of(session, item_id)
            if ballot is not None:
                council = council_ballot_of(session, item_id)
                state = queries.resident_vote(session, ballot, council, user)
    except Refused:
        state = None
    if state is None:
        raise refused or Refused(404, gettext("Residents do not vote on this item."))
    values = {
        "resident_vote": state,
        "vote_error": refused.message if refused else "",
        "back": page_of(form, item_url(item_id)),
    }
    return _fragment(request, "voting/_advisory_vote.html", values)


def advisory_vote(request: Request) -> Response:
    form = form_of(request)
    choice = forms.parse_choice(form)
    item_id = _item_id(request)
    settings = settings_of(request)
    try:
        if not form.ok:
            auth.require_user(request)
            raise Refused(400, gettext(BAD_CHOICE))
        with auth.database(request).write() as session:
            # In this transaction rather than a read of its own: every vote comes this way.
            user = auth.require_user(request, session)
            ratelimit.check_and_hit(session, ratelimit.VOTE_PER_ACCOUNT, str(user.id))
            advisory.do_cast_advisory_vote(
                session,
                user,
                item_id,
                choice,
                secret_key=settings.secret_key,
                zone=settings.zone,
            )
    except Refused as refused:
        if not is_htmx(request):
            raise
        return _resident_fragment(request, auth.require_user(request), form, refused)
    except ratelimit.RateLimited:
        if not is_htmx(request):
            raise
        message = gettext("You voted many times in a short while. Wait a minute and try again.")
        refusal = Refused(429, message)
        return _resident_fragment(request, auth.require_user(request), form, refusal)
    if is_htmx(request):
        return _resident_fragment(request, user, form)
    message = gettext("Your advisory vote is recorded: %(choice)s.") % {"choice": label(choice)}
    return done(request, form, message, item_url(item_id))


def ballot(request: Request) -> Response:
    """The chair (or a clerk) opens the vote in session, or closes it and publishes the result."""
    user = auth.require_user(request)
    form = form_of(request)
    action = form.choice("action", tuple(BALLOT_ACTIONS))
    if not form.ok:
        raise Refused(400, gettext("Choose to open or to close the vote."))
    act, message = BALLOT_ACTIONS[action]
    item_id = _item_id(request)
    with auth.database(request).write() as session:
        act(session, user, item_id)
    return done(request, form, gettext(message), item_url(item_id))
