"""Watch words: words and phrases, kept by moderators, that hold matching content for review.

A match ignores case and accents and takes whole words only: "fraude" matches "FRAUDÉ!" but
not "fraudeur", so that a short word does not hold every post that happens to contain it.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from moderation.log import check_moderator
from moderation.models import WORD_MAX, WatchWord
from participation.checks import Refused
from participation.database import utcnow
from participation.forms import Form
from participation.i18n import gettext
from participation.models import User


def normalize(text: str) -> str:
    """Lower case without accents, with runs of white space made one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def _pattern(word: str) -> re.Pattern[str]:
    """The normalised word or phrase between word boundaries, any white space between words."""
    parts = [re.escape(part) for part in normalize(word).split(" ")]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


def first_match(text: str, words: list[str]) -> str | None:
    """The first watch word found in the text, or None."""
    plain = normalize(text)
    for word in words:
        if normalize(word) and _pattern(word).search(plain):
            return word
    return None


def all_words(session: Session) -> list[WatchWord]:
    """The whole list, alphabetically: moderators keep it short, so it is read whole."""
    return list(session.exec(select(WatchWord).order_by(col(WatchWord.word))))


def parse_word(form: Form) -> str:
    return form.text("word", max_length=WORD_MAX)


def check_new_word(session: Session, word: str) -> None:
    """A word that is the same as one on the list but for case or accents is a duplicate."""
    wanted = normalize(word)
    for existing in all_words(session):
        if normalize(existing.word) == wanted:
            raise Refused(
                409,
                gettext("“%(word)s” is already on the list.") % {"word": existing.word},
            )


def do_add_word(session: Session, moderator: User, word: str) -> None:
    check_moderator(session, moderator)
    check_new_word(session, word)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(WatchWord)
        .values(word=word, added_by_id=moderator.id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["word"])
        .returning(WatchWord.__table__.c.id)  # type: ignore[attr-defined]
    )
    if session.execute(statement).first() is None:  # a moderator added it at the same moment
        raise Refused(409, gettext("“%(word)s” is already on the list.") % {"word": word})


def do_delete_word(session: Session, moderator: User, word_id: int) -> None:
    check_moderator(session, moderator)
    found = session.get(WatchWord, word_id)
    if found is None:
        raise Refused(404, gettext("This word is not on the list."))
    session.delete(found)
