"""Parse and validate idea, comment and answer forms."""

from __future__ import annotations

from dataclasses import dataclass

from ideas.models import BODY_MAX, STATUS_VALUES, TITLE_MAX
from participation.comments import BODY_MAX as COMMENT_MAX
from participation.comments import STANCES
from participation.forms import Form, parse_location, parse_parent_id
from participation.i18n import gettext


@dataclass(frozen=True)
class IdeaDraft:
    title: str
    body: str
    category_id: int | None
    latitude: float | None
    longitude: float | None


def parse_idea(form: Form, category_ids: set[int]) -> IdeaDraft:
    title = form.text("title", max_length=TITLE_MAX)
    body = form.text("body", max_length=BODY_MAX, multiline=True)
    category_id: int | None = None
    raw_category = form.data.get("category", "")
    if raw_category:
        if raw_category.isdigit() and int(raw_category) in category_ids:
            category_id = int(raw_category)
        else:
            form.error("category", gettext("Choose one of the categories."))
    latitude, longitude = parse_location(form)
    return IdeaDraft(title, body, category_id, latitude, longitude)


@dataclass(frozen=True)
class CommentDraft:
    body: str
    stance: str | None
    parent_id: int | None


def parse_comment(form: Form) -> CommentDraft:
    body = form.text("body", max_length=COMMENT_MAX, multiline=True)
    stance = form.data.get("stance") or None
    if stance is not None and stance not in STANCES:
        form.error("stance", gettext("Choose one of the options."))
        stance = None
    return CommentDraft(body, stance, parse_parent_id(form))


@dataclass(frozen=True)
class AnswerDraft:
    status: str
    body: str


def parse_answer(form: Form) -> AnswerDraft:
    status = form.choice("status", STATUS_VALUES)
    body = form.text("body", max_length=BODY_MAX, multiline=True)
    return AnswerDraft(status, body)


@dataclass(frozen=True)
class CategoryDraft:
    name_nl: str
    name_fr: str
    name_en: str


def parse_category(form: Form) -> CategoryDraft:
    return CategoryDraft(
        name_nl=form.text("name_nl", max_length=80),
        name_fr=form.text("name_fr", max_length=80),
        name_en=form.text("name_en", max_length=80),
    )
