"""The proposal's photos on the edit form (added up to the limit, removed, errors per field),
and `do_edit_pact` beneath it."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
from sqlmodel import col, select

from pacts import actions
from pacts.models import Pact, PactPhoto
from participation.database import Database
from participation.models import User
from participation.photos import MAX_PHOTOS, StoredPhoto
from participation.settings import Settings
from tests.helpers import Browser, field_error, jpeg, select_one, soup
from tests.pacts.checks import refused_message
from tests.pacts.conftest import advance, pact_draft, propose
from tests.pacts.test_views import PROPOSAL

Files = list[tuple[str, tuple[str, bytes, str]]]


def chosen(count: int) -> Files:
    return [("photos", (f"tuin{n}.jpg", jpeg(), "image/jpeg")) for n in range(count)]


def photos_of(db: Database, pact_id: int) -> list[PactPhoto]:
    with db.read() as session:
        return list(
            session.exec(
                select(PactPhoto)
                .where(PactPhoto.pact_id == pact_id)
                .order_by(col(PactPhoto.position), col(PactPhoto.id))
            )
        )


def stored_files(settings: Settings) -> set[str]:
    folder = Path(settings.uploads_path) / "pacts"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def edit(
    browser: Browser, pact: Pact, data: dict[str, str], files: Files | None = None
) -> httpx.Response:
    browser.get(f"/pacts/{pact.id}/edit")
    return browser.post(f"/pacts/{pact.id}/edit", {**PROPOSAL, **data}, files=files or [])


def test_photos_are_added_when_editing_up_to_the_limit(
    browser: Browser, db: Database, pact: Pact
) -> None:
    browser.login("ann@example.be")
    form = browser.get(f"/pacts/{pact.id}/edit")
    assert select_one(form, "form[enctype='multipart/form-data'] input[type=file][name=photos]")
    assert not soup(form).select(".pact-photos")  # no photos yet, nothing to remove
    response = browser.post(f"/pacts/{pact.id}/edit", PROPOSAL, files=chosen(2))
    assert response.status_code == 303
    first = photos_of(db, pact.id or 0)
    assert [p.position for p in first] == [0, 1]

    form = browser.get(f"/pacts/{pact.id}/edit")
    boxes = soup(form).select(".pact-photos input[type=checkbox]")
    assert [b["name"] for b in boxes] == [f"remove_photo_{p.id}" for p in first]
    for box in boxes:
        assert select_one(form, f"label:has(input[name='{box['name']}'])").get_text(strip=True)
    response = browser.post(f"/pacts/{pact.id}/edit", PROPOSAL, files=chosen(1))
    assert response.status_code == 303
    assert len(photos_of(db, pact.id or 0)) == MAX_PHOTOS
    page = browser.get(f"/pacts/{pact.id}")
    assert len(soup(page).select(".pact__proposal .photos img")) == MAX_PHOTOS


def test_too_many_photos_is_an_error_on_the_field_and_the_text_stays(
    browser: Browser, db: Database, settings: Settings, pact: Pact
) -> None:
    browser.login("ann@example.be")
    edit(browser, pact, {}, chosen(2))
    before = stored_files(settings)
    response = edit(browser, pact, {"title": "Een nieuwe titel"}, chosen(2))
    assert response.status_code == 400
    assert "1 more photo" in field_error(response, "photos")
    assert select_one(response, "#field-title")["value"] == "Een nieuwe titel"
    assert stored_files(settings) == before  # nothing stored for a refused form
    edit(browser, pact, {}, chosen(1))
    full = edit(browser, pact, {}, chosen(1))
    assert "remove one" in field_error(full, "photos")
    with db.read() as session:
        stored = session.get(Pact, pact.id)
    assert stored is not None
    assert stored.title == PROPOSAL["title"]
    assert len(photos_of(db, pact.id or 0)) == MAX_PHOTOS


def test_remove_a_photo_and_add_another_in_one_save(
    browser: Browser, db: Database, settings: Settings, pact: Pact
) -> None:
    browser.login("ann@example.be")
    edit(browser, pact, {}, chosen(3))
    first, second, third = photos_of(db, pact.id or 0)
    response = edit(browser, pact, {f"remove_photo_{second.id}": "1"}, chosen(1))
    assert response.status_code == 303
    now = photos_of(db, pact.id or 0)
    assert [p.id for p in now[:2]] == [first.id, third.id]
    assert [p.position for p in now] == [0, 1, 2]
    files = stored_files(settings)
    assert Path(second.name).name not in files
    assert Path(second.thumb_name).name not in files
    assert Path(first.name).name in files
    assert browser.get(f"/uploads/{second.name}").status_code == 404


def test_a_bad_photo_keeps_the_text_and_the_ticked_boxes(
    browser: Browser, db: Database, pact: Pact
) -> None:
    browser.login("ann@example.be")
    edit(browser, pact, {}, chosen(1))
    (photo,) = photos_of(db, pact.id or 0)
    bad: Files = [("photos", ("fake.jpg", b"\xff\xd8\xff nope", "image/jpeg"))]
    name = f"remove_photo_{photo.id}"
    response = edit(browser, pact, {name: "1", "commitments": "Elke dag."}, bad)
    assert response.status_code == 400
    assert field_error(response, "photos")
    assert select_one(response, f"input[name='{name}']").has_attr("checked")
    assert select_one(response, "#field-commitments").get_text() == "Elke dag."
    assert len(photos_of(db, pact.id or 0)) == 1  # nothing removed either


def test_photos_can_change_when_changes_are_requested(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "changes_requested", clerk, proposer)
    browser.login("ann@example.be")
    response = edit(browser, pact, {}, chosen(1))
    assert response.status_code == 303
    assert len(photos_of(db, pact.id or 0)) == 1


def test_others_cannot_remove_photos(
    browser: Browser, db: Database, pact: Pact, neighbour: User, clerk: User, proposer: User
) -> None:
    browser.login("ann@example.be")
    edit(browser, pact, {}, chosen(1))
    (photo,) = photos_of(db, pact.id or 0)
    advance(db, pact, "submitted", clerk, proposer)
    refused = edit(browser, pact, {f"remove_photo_{photo.id}": "1"}, chosen(1))
    assert refused.status_code == 409
    browser.login("bob@example.be")
    other = browser.post(f"/pacts/{pact.id}/edit", {**PROPOSAL, f"remove_photo_{photo.id}": "1"})
    assert other.status_code == 403
    assert [p.id for p in photos_of(db, pact.id or 0)] == [photo.id]


def _photo(n: int) -> StoredPhoto:
    token = f"{n:032x}"
    return StoredPhoto(f"pacts/{token}.webp", f"pacts/{token}-thumb.webp", 10, 10)


def test_editing_removes_and_adds_photos_within_the_limit(
    db: Database, proposer: User, pact: Pact
) -> None:
    other = propose(db, proposer, title="Een ander plan")
    with db.write() as session:
        actions.do_edit_pact(session, pact.id or 0, proposer, pact_draft(), [_photo(1), _photo(2)])
        actions.do_edit_pact(session, other.id or 0, proposer, pact_draft(), [_photo(3)])
    with db.read() as session:
        mine = session.exec(select(PactPhoto).where(PactPhoto.pact_id == pact.id)).all()
        theirs = session.exec(select(PactPhoto).where(PactPhoto.pact_id == other.id)).all()
    first, second = sorted(mine, key=lambda p: p.position)
    # Three in all: one more fits, two more only with one removed.
    refused_message(
        db,
        lambda s: actions.do_edit_pact(
            s, pact.id or 0, proposer, pact_draft(), [_photo(4), _photo(5)]
        ),
        409,
    )
    with db.write() as session:
        actions.do_edit_pact(
            session,
            pact.id or 0,
            proposer,
            pact_draft(),
            [_photo(4), _photo(5)],
            remove_photos={first.id or 0, theirs[0].id or 0},  # another pact's: ignored
        )
    with db.read() as session:
        now = session.exec(
            select(PactPhoto).where(PactPhoto.pact_id == pact.id).order_by(col(PactPhoto.position))
        ).all()
        assert session.get(PactPhoto, theirs[0].id) is not None
    assert [p.name for p in now] == [second.name, _photo(4).name, _photo(5).name]
    assert [p.position for p in now] == [0, 1, 2]
