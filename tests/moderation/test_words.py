"""Watch words: matching ignores case and accents and takes whole words; duplicates refused."""

from __future__ import annotations

import pytest

from moderation import words
from participation.checks import Refused
from participation.database import Database
from participation.models import User


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Wat een FRAUDÉ!", "fraude"),
        ("fraudeur", None),
        ("antifraude", None),
        ("Dit is  Vuile\nLeugens, echt", "vuile leugens"),
        ("vuile, leugens", None),
        ("Café de Paris", "Cafe"),
        ("", None),
    ],
)
def test_a_match_takes_whole_words_without_case_or_accents(text: str, found: str | None) -> None:
    assert words.first_match(text, ["fraude", "vuile leugens", "Cafe", "a.b"]) == found


def test_special_characters_in_a_word_match_literally() -> None:
    assert words.first_match("zie a.b hier", ["a.b"]) == "a.b"
    assert words.first_match("zie axb hier", ["a.b"]) is None


def test_adding_and_deleting(db: Database, moderator: User) -> None:
    with db.write() as session:
        words.do_add_word(session, moderator, "Fraude")
    for duplicate in ("fraude", "FRAUDÉ", "Fraude"):
        with pytest.raises(Refused) as refused, db.write() as session:
            words.do_add_word(session, moderator, duplicate)
        assert refused.value.status_code == 409
        assert "Fraude" in refused.value.message
    with db.read() as session:
        (stored,) = words.all_words(session)
    assert stored.word == "Fraude"
    assert stored.added_by_id == moderator.id
    assert stored.id is not None
    with db.write() as session:
        words.do_delete_word(session, moderator, stored.id)
    with pytest.raises(Refused) as gone, db.write() as session:
        words.do_delete_word(session, moderator, stored.id)
    assert gone.value.status_code == 404


def test_only_moderators_keep_the_list(db: Database, resident: User) -> None:
    with pytest.raises(Refused) as refused, db.write() as session:
        words.do_add_word(session, resident, "fraude")
    assert refused.value.status_code == 403
