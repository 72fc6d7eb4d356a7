"""Moderators' pages on accounts (history, sanctions, lifting them) and the watch words; the
public transparency page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from moderation import queries, sanctions
from moderation import transparency as counts
from moderation import words as watch_words
from moderation.models import WORD_MAX, SanctionKind
from moderation.views import render, require_moderator
from participation import auth
from participation.checks import Refused
from participation.context import flash
from participation.database import utcnow
from participation.forms import Form
from participation.i18n import N_, gettext
from participation.settings import Settings
from participation.web import form_of, see_other

_SANCTIONED = {
    SanctionKind.warn: N_("The warning is sent."),
    SanctionKind.mute: N_("The account is muted."),
    SanctionKind.ban: N_("The account is banned."),
}


def _user_id(request: Request) -> int:
    value: int = request.path_params["user_id"]
    return value


def _user_page(
    request: Request, form: Form, lift_form: Form | None = None, status_code: int = 200
) -> Response:
    with auth.database(request).read() as session:
        account = sanctions.get_account(session, _user_id(request))
        history = sanctions.history_of(session, _user_id(request))
        people = [
            account.id,
            *(e.moderator_id for e in history.log),
            *(s.moderator_id for s in history.sanctions),
        ]
        names = queries.names_of(session, people)
    values: dict[str, Any] = {
        "account": account,
        "history": history,
        "names": names,
        "muted": sanctions.is_muted(account, utcnow()),
        "form": form,
        "lift_form": lift_form or Form({}),
        "kinds": [k.value for k in SanctionKind],
        "mute_days_max": sanctions.MUTE_DAYS_MAX,
        "show_content": True,
    }
    return render(request, "moderation/user.html", values, status_code)


def user(request: Request) -> Response:
    require_moderator(request)
    return _user_page(request, Form({"days": "7"}))


def sanction(request: Request) -> Response:
    moderator = require_moderator(request)
    form = form_of(request)
    draft = sanctions.parse_sanction(form)
    if not form.ok:
        return _user_page(request, form, status_code=400)
    with auth.database(request).write() as session:
        sanctions.do_sanction(session, moderator, _user_id(request), draft)
    flash(request, "success", gettext(_SANCTIONED[draft.kind]))
    return see_other(f"/moderation/users/{_user_id(request)}")


def lift(request: Request) -> Response:
    moderator = require_moderator(request)
    form = form_of(request)
    kind, note = sanctions.parse_lift(form)
    if not form.ok:
        return _user_page(request, Form({"days": "7"}), form, 400)
    with auth.database(request).write() as session:
        sanctions.do_lift(session, moderator, _user_id(request), kind, note)
    message = (
        gettext("The mute is lifted.")
        if kind is SanctionKind.mute
        else gettext("The ban is lifted.")
    )
    flash(request, "success", message)
    return see_other(f"/moderation/users/{_user_id(request)}")


# Watch words


def _words_page(request: Request, form: Form, status_code: int = 200) -> Response:
    with auth.database(request).read() as session:
        found = watch_words.all_words(session)
    values = {"form": form, "words": found, "word_max": WORD_MAX}
    return render(request, "moderation/words.html", values, status_code)


def words(request: Request) -> Response:
    moderator = require_moderator(request)
    if request.method == "GET":
        return _words_page(request, Form({}))
    form = form_of(request)
    word = watch_words.parse_word(form)
    status_code = 400
    if form.ok:
        try:
            with auth.database(request).write() as session:
                watch_words.do_add_word(session, moderator, word)
        except Refused as refused:
            if refused.status_code != 409:
                raise
            # A duplicate is a mistake in the form: said beside the field, the text kept.
            form.error("word", refused.message)
            status_code = 409
    if not form.ok:
        return _words_page(request, form, status_code)
    flash(request, "success", gettext("The word is added to the list."))
    return see_other("/moderation/words")


def delete_word(request: Request) -> Response:
    moderator = require_moderator(request)
    with auth.database(request).write() as session:
        watch_words.do_delete_word(session, moderator, request.path_params["word_id"])
    flash(request, "info", gettext("The word is removed from the list."))
    return see_other("/moderation/words")


# The public transparency page


def transparency(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    with auth.database(request).read() as session:
        months = counts.monthly_counts(session, utcnow(), settings.zone)
    return render(request, "moderation/transparency.html", {"months": months})
