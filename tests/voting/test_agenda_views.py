"""The agenda on the meeting page through HTTP: the clerk adds, orders and links items, names
the chair and the secretary; visitors, residents and members see what they may see of it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from ideas.models import Idea
from participation.database import Database, utcnow
from participation.models import Role, User
from tests.helpers import Browser, create_user, field_error, select_one, soup
from tests.ideas.conftest import post_idea
from tests.voting.agenda_world import DAY, HOSTILE, ZONE, add_item, log_in, make_meeting, text_in
from voting import actions, ballots
from voting.forms import AdvisoryDraft
from voting.models import AgendaItem, ItemLink, Mandate, Meeting


def _local(moment: dt.datetime) -> str:
    """How a datetime-local field sends a time: in the municipality's zone, no offset."""
    return moment.astimezone(ZONE).replace(tzinfo=None, microsecond=0).isoformat()


def _agenda(browser: Browser, meeting: Meeting) -> list[str]:
    """The titles of the agenda's items, as this browser sees the meeting page."""
    page = soup(browser.get(f"/meetings/{meeting.id}"))
    return [a.get_text(strip=True) for a in page.select(".agenda-item__title a")]


def test_a_clerk_adds_items_and_everyone_sees_the_agenda(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    log_in(browser, "greet@example.be")
    page = browser.get(f"/meetings/{meeting.id}")
    form = select_one(page, f"form[action='/meetings/{meeting.id}/items']")
    names = {str(f["name"]) for f in form.select("[name]")}
    assert {
        "title",
        "description",
        "vote_opens_at",
        "vote_closes_at",
        "advisory",
        "advisory_question",
        "advisory_opens_at",
        "advisory_closes_at",
        "closed_session",
        "secret",
        "council_vote",
        "advisory_results_visible",
    } <= names
    assert select_one(page, "#field-council_vote-on").has_attr("checked")
    now = utcnow()
    response = browser.post(
        f"/meetings/{meeting.id}/items",
        {
            "title": "Nieuw verkeersplan",
            "description": "Het plan voor de **schoolstraten**.",
            "council_vote": "on",
            "vote_opens_at": _local(now - DAY),
            "vote_closes_at": _local(now + 2 * DAY),
            "advisory": "on",
            "advisory_question": "Moet de raad het plan goedkeuren?",
            "advisory_opens_at": _local(now - DAY),
            "advisory_closes_at": _local(now + 3 * DAY),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/meetings/{meeting.id}#item-")
    response = browser.post(
        f"/meetings/{meeting.id}/items", {"title": "Mededelingen", "council_vote": "off"}
    )
    assert response.status_code == 303

    browser.post("/logout")
    agenda = soup(browser.get(f"/meetings/{meeting.id}"))
    first, second = agenda.select(".agenda-item")
    assert text_in(first, ".agenda-item__number").strip() == "1."
    link = first.select_one(".agenda-item__title a")
    assert link is not None
    assert link.get_text() == "Nieuw verkeersplan"
    assert str(link["href"]).startswith("/items/")
    assert text_in(first, ".agenda-item__description strong") == "schoolstraten"
    assert "Pre-vote open" in text_in(first, ".agenda-item__vote")
    assert "advisory vote open" in text_in(first, ".agenda-item__advisory")
    assert "For information" in text_in(second, ".agenda-item__vote")
    assert second.select_one(".agenda-item__advisory") is None
    assert agenda.select(".item-tools") == []
    assert agenda.select(f"form[action='/meetings/{meeting.id}/items']") == []


def test_item_form_errors_come_back_on_the_meeting_page(
    browser: Browser, clerk: User, meeting: Meeting
) -> None:
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{meeting.id}")
    response = browser.post(
        f"/meetings/{meeting.id}/items",
        {
            "title": "",
            "description": "Mijn uitleg blijft staan.",
            "advisory": "on",
            "advisory_opens_at": "morgen",
            "secret": "on",
            "vote_opens_at": "2030-01-01T10:00",
        },
    )
    assert response.status_code == 400
    for name in ("title", "advisory_question", "advisory_opens_at", "vote_opens_at"):
        assert field_error(response, name), name
    assert select_one(response, "#field-description").get_text() == "Mijn uitleg blijft staan."
    assert select_one(response, "#field-advisory_opens_at")["value"] == "morgen"
    assert select_one(response, "#field-advisory").has_attr("checked")
    assert select_one(response, "#field-secret").has_attr("checked")
    assert select_one(response, "h1").get_text() == meeting.title


def test_a_pre_vote_that_would_open_after_the_meeting_is_refused_beside_the_field(
    browser: Browser, clerk: User, meeting: Meeting
) -> None:
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{meeting.id}")
    after = _local(meeting.starts_at + DAY)
    response = browser.post(
        f"/meetings/{meeting.id}/items", {"title": "Te laat", "vote_opens_at": after}
    )
    assert response.status_code == 400
    assert field_error(response, "vote_opens_at")
    assert select_one(response, "#field-title")["value"] == "Te laat"


def test_hostile_item_titles_and_descriptions_are_escaped(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    add_item(db, clerk, meeting, title=HOSTILE, description=HOSTILE)
    for who in (None, "greet@example.be"):
        if who:
            log_in(browser, who)
        page = browser.get(f"/meetings/{meeting.id}")
        assert "<script>alert(1)" not in page.text
        assert soup(page).select("main script, main img") == []
        assert select_one(page, ".agenda-item__title a").get_text() == HOSTILE


@pytest.mark.usefixtures("council_members", "resident")  # they log in
def test_closed_session_items_are_for_members_and_clerks_only(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    add_item(db, clerk, meeting, title="Openbaar punt")
    add_item(db, clerk, meeting, title="Benoeming directeur", closed_session=True)
    assert _agenda(browser, meeting) == ["Openbaar punt"]
    assert "Benoeming" not in browser.get(f"/meetings/{meeting.id}").text
    log_in(browser, "ann@example.be")
    assert _agenda(browser, meeting) == ["Openbaar punt"]
    log_in(browser, "member1@example.be")
    assert _agenda(browser, meeting) == ["Openbaar punt", "Benoeming directeur"]
    assert select_one(browser.get(f"/meetings/{meeting.id}"), ".agenda-item--closed .badge--closed")
    log_in(browser, "greet@example.be")
    assert _agenda(browser, meeting) == ["Openbaar punt", "Benoeming directeur"]


def test_a_former_member_no_longer_sees_closed_items(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    """Closed items follow the mandate on the day of the meeting, not the role."""
    create_user(db, email="ex@example.be", name="Ex", roles=(Role.council_member,))
    with db.write() as session:
        mandate = session.exec(select(Mandate)).one()
        mandate.ends_on = dt.date.today() - DAY
        mandate.starts_on = dt.date.today() - 400 * DAY
        session.add(mandate)
    add_item(db, clerk, meeting, title="Benoeming", closed_session=True)
    log_in(browser, "ex@example.be")
    assert _agenda(browser, meeting) == []


def test_the_clerk_reorders_the_agenda(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    items = [add_item(db, clerk, meeting, title=t) for t in ("Een", "Twee", "Drie")]
    log_in(browser, "greet@example.be")
    page = browser.get(f"/meetings/{meeting.id}")
    first = select_one(page, f"#item-{items[0].id}")
    assert first.select_one("input[name='direction'][value='up']") is None
    assert first.select_one("input[name='direction'][value='down']") is not None
    response = browser.post(f"/items/{items[2].id}/move", {"direction": "up"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{meeting.id}#item-{items[2].id}"
    assert _agenda(browser, meeting) == ["Een", "Drie", "Twee"]
    browser.post(f"/items/{items[0].id}/move", {"direction": "down"})
    assert _agenda(browser, meeting) == ["Drie", "Een", "Twee"]
    browser.post(f"/items/{items[1].id}/move", {"direction": "down"})  # already last
    assert _agenda(browser, meeting) == ["Drie", "Een", "Twee"]
    numbers = soup(browser.get(f"/meetings/{meeting.id}")).select(".agenda-item__number")
    assert [n.get_text() for n in numbers] == ["1.", "2.", "3."]
    assert browser.post(f"/items/{items[1].id}/move", {"direction": "sideways"}).status_code == 400


def test_the_chair_and_the_secretary(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    log_in(browser, "greet@example.be")
    page = browser.get(f"/meetings/{meeting.id}")
    chairs = [o.get_text() for o in select_one(page, "#roles-chair_id").select("option[value!='']")]
    assert chairs == ["Member 0", "Member 1", "Member 2"]
    secretaries = select_one(page, "#roles-secretary_id").get_text()
    assert "Greet" in secretaries
    member = council_members[1]
    response = browser.post(
        f"/meetings/{meeting.id}/roles",
        {"chair_id": str(member.id), "secretary_id": str(clerk.id)},
    )
    assert response.status_code == 303
    page = browser.get(f"/meetings/{meeting.id}")
    assert select_one(page, ".meeting__chair").get_text() == "Member 1"
    assert select_one(page, ".meeting__secretary").get_text() == "Greet"
    assert select_one(page, f"#roles-chair_id option[value='{member.id}']").has_attr("selected")


def test_the_chair_must_sit_on_the_council(
    browser: Browser, db: Database, clerk: User, resident: User, meeting: Meeting
) -> None:
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{meeting.id}")
    response = browser.post(
        f"/meetings/{meeting.id}/roles", {"chair_id": str(resident.id), "secretary_id": "abc"}
    )
    assert response.status_code == 400
    assert select_one(response, "#roles-secretary_id-error")
    response = browser.post(
        f"/meetings/{meeting.id}/roles",
        {"chair_id": str(resident.id), "secretary_id": str(resident.id)},
    )
    assert response.status_code == 400
    assert "member of this council" in select_one(response, "#roles-chair_id-error").get_text()
    with db.read() as session:
        stored = session.get(Meeting, meeting.id)
    assert stored is not None
    assert stored.chair_id is None


def test_the_agenda_shows_the_council_result_and_the_residents_advice(
    browser: Browser, db: Database, clerk: User, council_members: list[User]
) -> None:
    meeting = make_meeting(db, clerk, starts_at=utcnow() - dt.timedelta(hours=1))
    now = utcnow()
    advice = AdvisoryDraft("Akkoord?", now - DAY, now + DAY, results_visible=True)
    item = add_item(db, clerk, meeting, title="Begroting", advisory=advice)
    assert item.id is not None
    assert meeting.id is not None
    with db.write() as session:
        actions.do_start_session(session, clerk, meeting.id)
        for member in council_members:
            mandate = actions.mandate_of(session, meeting, member.id or 0)
            actions.do_check_in(session, clerk, meeting.id, mandate.id if mandate else None)
        ballots.do_open_ballot(session, clerk, item.id)
    for member, choice in zip(council_members, ("yes", "yes", "no"), strict=True):
        with db.write() as session:
            ballots.do_cast_council_vote(session, member, item.id, choice, ZONE)
    with db.write() as session:
        ballots.do_close_ballot(session, clerk, item.id)
    vote = select_one(browser.get(f"/meetings/{meeting.id}"), ".agenda-item__vote")
    assert vote.select_one(".outcome--approved") is not None
    assert "2 yes, 1 no, 0 abstain" in vote.get_text()
    advisory = select_one(browser.get(f"/meetings/{meeting.id}"), ".agenda-item__advisory")
    assert "0 yes, 0 no, 0 abstain" in advisory.get_text()


# Links to ideas and pacts


def test_the_clerk_links_an_idea_and_the_agenda_shows_it(
    browser: Browser, db: Database, clerk: User, resident: User, item: AgendaItem
) -> None:
    idea: Idea = post_idea(db, resident, title="Zebrapad <b>nu</b>")
    log_in(browser, "greet@example.be")
    browser.get("/meetings")
    response = browser.post(
        f"/items/{item.id}/links", {"subject": "idea", "subject_id": str(idea.id)}
    )
    assert response.status_code == 303
    browser.post(f"/items/{item.id}/links", {"subject": "idea", "subject_id": str(idea.id)})
    with db.read() as session:
        assert len(session.exec(select(ItemLink)).all()) == 1
    browser.post("/logout")
    link = select_one(browser.get(f"/meetings/{item.meeting_id}"), ".agenda-item__links a")
    assert link["href"] == f"/ideas/{idea.id}"
    assert link.get_text() == "Zebrapad <b>nu</b>"


@pytest.mark.parametrize(
    ("subject", "subject_id", "field"),
    [("idea", "999", "subject_id"), ("idea", "twaalf", "subject_id"), ("poll", "1", "subject")],
)
def test_a_link_to_something_that_does_not_exist_is_refused(
    browser: Browser,
    db: Database,
    clerk: User,
    item: AgendaItem,
    subject: str,
    subject_id: str,
    field: str,
) -> None:
    log_in(browser, "greet@example.be")
    browser.get("/meetings")
    response = browser.post(
        f"/items/{item.id}/links", {"subject": subject, "subject_id": subject_id}
    )
    assert response.status_code == 400
    assert select_one(response, f"#link-{item.id}-{field}-error").get_text()
    assert (
        select_one(response, f"#item-{item.id} details[open] #link-{item.id}-subject_id")["value"]
        == subject_id
    )
    with db.read() as session:
        assert session.exec(select(ItemLink)).all() == []
