"""Councils, their voting rules and their members' mandates: the actions and the clerk's pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, col, select

from participation.auth import roles_of
from participation.checks import Refused
from participation.database import Database
from participation.models import Role, User
from tests.helpers import Browser, create_user, field_error, select_one, soup
from tests.voting.agenda_world import DAY, HOSTILE, log_in, make_meeting, text_in
from voting import actions, councils
from voting.forms import CouncilDraft, MandateDraft, MeetingRoles, RulesDraft
from voting.models import Council, Mandate, Meeting

TODAY = dt.date.today()
FLEMISH = RulesDraft("cast", "majority", "rejected", quorum_required=True)


def _council(db: Database, clerk: User, name: str = "Commissie", kind: str = "committee") -> int:
    with db.write() as session:
        council = councils.do_create_council(session, clerk, CouncilDraft(name, kind, FLEMISH))
    assert council.id is not None
    return council.id


def _seat(
    db: Database,
    clerk: User,
    council_id: int,
    email: str,
    starts_on: dt.date = TODAY - 30 * DAY,
    ends_on: dt.date | None = None,
) -> Mandate:
    with db.write() as session:
        draft = MandateDraft(email, "Groen", starts_on, ends_on)
        return councils.do_add_mandate(session, clerk, council_id, draft)


def _refused_field(db: Database, clerk: User, council_id: int, draft: MandateDraft) -> str:
    with pytest.raises(councils.FieldRefused) as refused, db.write() as session:
        councils.do_add_mandate(session, clerk, council_id, draft)
    return refused.value.field


# The actions


def test_a_clerk_makes_a_committee_with_its_own_rules(db: Database, clerk: User) -> None:
    rules = RulesDraft("in_office", "two_thirds", "chair_decides", quorum_required=False)
    with db.write() as session:
        made = councils.do_create_council(
            session, clerk, CouncilDraft("Commissie", "committee", rules)
        )
    with db.read() as session:
        stored = session.get(Council, made.id)
    assert stored is not None
    assert (stored.kind, stored.vote_basis, stored.vote_threshold) == (
        "committee",
        "in_office",
        "two_thirds",
    )
    assert (stored.tie_rule, stored.quorum_required) == ("chair_decides", False)
    with db.write() as session:
        councils.do_set_rules(session, clerk, stored.id or 0, FLEMISH)
    with db.read() as session:
        again = session.get(Council, made.id)
    assert again is not None
    assert (again.vote_basis, again.tie_rule, again.quorum_required) == ("cast", "rejected", True)


def test_a_mandate_copies_the_name_and_gives_the_role(
    db: Database, clerk: User, resident: User
) -> None:
    council_id = _council(db, clerk)
    mandate = _seat(db, clerk, council_id, "ANN@example.be")
    assert mandate.member_name == "Ann"
    assert mandate.user_id == resident.id
    with db.read() as session:
        assert Role.council_member in roles_of(session, resident.id or 0)
        # A seat in a committee is not a seat in the municipal council.
        seats = session.exec(select(Mandate).where(Mandate.user_id == resident.id)).all()
    assert [m.council_id for m in seats] == [council_id]


def test_an_unknown_email_is_refused_beside_the_field(db: Database, clerk: User) -> None:
    council_id = _council(db, clerk)
    draft = MandateDraft("nobody@example.be", "", TODAY, None)
    assert _refused_field(db, clerk, council_id, draft) == "email"


def test_overlapping_mandates_in_one_council_are_refused(
    db: Database, clerk: User, resident: User
) -> None:
    council_id = _council(db, clerk)
    _seat(db, clerk, council_id, resident.email, TODAY - 100 * DAY, TODAY - 50 * DAY)
    _seat(db, clerk, council_id, resident.email, TODAY - 10 * DAY)
    for starts_on, ends_on in [
        (TODAY, None),
        (TODAY - 60 * DAY, TODAY - 55 * DAY),
        (TODAY - 200 * DAY, TODAY - 100 * DAY),
        (TODAY + 300 * DAY, None),
    ]:
        draft = MandateDraft(resident.email, "", starts_on, ends_on)
        assert _refused_field(db, clerk, council_id, draft) == "email", (starts_on, ends_on)
    _seat(db, clerk, council_id, resident.email, TODAY - 49 * DAY, TODAY - 11 * DAY)
    other = _council(db, clerk, "Andere commissie")
    _seat(db, clerk, other, resident.email, TODAY - 10 * DAY)


def test_a_mandate_cannot_end_before_it_starts(db: Database, clerk: User, resident: User) -> None:
    council_id = _council(db, clerk)
    draft = MandateDraft(resident.email, "", TODAY, TODAY - DAY)
    assert _refused_field(db, clerk, council_id, draft) == "ends_on"
    mandate = _seat(db, clerk, council_id, resident.email, TODAY - 10 * DAY)
    with pytest.raises(councils.FieldRefused) as refused, db.write() as session:
        councils.do_end_mandate(session, clerk, mandate.id or 0, TODAY - 11 * DAY)
    assert refused.value.field == "ends_on"
    with db.write() as session:
        ended = councils.do_end_mandate(session, clerk, mandate.id or 0, TODAY - DAY)
    assert ended.ends_on == TODAY - DAY


def test_an_ended_mandate_no_longer_counts_at_the_next_meeting(
    db: Database, clerk: User, council_members: list[User]
) -> None:
    meeting = make_meeting(db, clerk)
    with db.write() as session:
        mandate = actions.mandate_of(session, meeting, council_members[0].id or 0)
        assert mandate is not None
        councils.do_end_mandate(session, clerk, mandate.id or 0, TODAY)
    with db.read() as session:
        names = [m.member_name for m in actions.members_in_office(session, meeting)]
    assert names == ["Member 1", "Member 2"]


def test_only_a_clerk_manages_councils_and_mandates(
    db: Database, clerk: User, council_members: list[User], resident: User
) -> None:
    member = council_members[0]
    meeting = make_meeting(db, clerk)
    with db.read() as session:
        mandate = session.exec(select(Mandate)).first()
    assert mandate is not None
    attempts: list[Callable[[Session], object]] = [
        lambda s: councils.do_create_council(s, member, CouncilDraft("X", "committee", FLEMISH)),
        lambda s: councils.do_set_rules(s, member, mandate.council_id, FLEMISH),
        lambda s: councils.do_add_mandate(
            s, member, mandate.council_id, MandateDraft(resident.email, "", TODAY, None)
        ),
        lambda s: councils.do_end_mandate(s, member, mandate.id or 0, TODAY),
        lambda s: councils.do_set_meeting_roles(
            s, member, meeting.id or 0, MeetingRoles(member.id, None)
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Refused) as refused, db.write() as session:
            attempt(session)
        assert refused.value.status_code == 403


def test_meeting_roles_follow_the_mandates(
    db: Database, clerk: User, council_members: list[User], resident: User
) -> None:
    meeting = make_meeting(db, clerk)
    assert meeting.id is not None
    chair, other = council_members[0], council_members[1]
    with db.write() as session:
        councils.do_set_meeting_roles(session, clerk, meeting.id, MeetingRoles(chair.id, other.id))
        councils.do_set_meeting_roles(session, clerk, meeting.id, MeetingRoles(chair.id, clerk.id))
    for roles, field in [
        (MeetingRoles(resident.id, None), "chair_id"),
        (MeetingRoles(clerk.id, None), "chair_id"),
        (MeetingRoles(None, resident.id), "secretary_id"),
        (MeetingRoles(None, 9999), "secretary_id"),
    ]:
        with pytest.raises(councils.FieldRefused) as refused, db.write() as session:
            councils.do_set_meeting_roles(session, clerk, meeting.id, roles)
        assert refused.value.field == field
    with db.read() as session:
        stored = session.get(Meeting, meeting.id)
        assert stored is not None
        assert (stored.chair_id, stored.secretary_id) == (chair.id, clerk.id)
        secretaries = [c.name for c in councils.secretary_candidates(session, stored)]
    assert secretaries == ["Greet", "Member 0", "Member 1", "Member 2"]


# The pages


def test_the_council_form_preselects_the_flemish_rules(browser: Browser, clerk: User) -> None:
    log_in(browser, "greet@example.be")
    page = browser.get("/councils")
    assert page.status_code == 200
    assert "No council yet" in select_one(page, ".empty").get_text()
    for checked in (
        "kind-council",
        "vote_basis-cast",
        "vote_threshold-majority",
        "tie_rule-rejected",
        "quorum_required-on",
    ):
        assert select_one(page, f"#field-{checked}").has_attr("checked"), checked
    explained = select_one(page, "#field-vote_basis-cast-help").get_text()
    assert "abstentions" in explained


def test_a_clerk_makes_a_council_and_adds_members(
    browser: Browser, db: Database, clerk: User, resident: User
) -> None:
    log_in(browser, "greet@example.be")
    browser.get("/councils")
    response = browser.post(
        "/councils",
        {
            "name": "Commissie mobiliteit",
            "kind": "committee",
            "vote_basis": "present",
            "vote_threshold": "two_thirds",
            "tie_rule": "chair_decides",
            "quorum_required": "off",
        },
    )
    assert response.status_code == 303
    url = response.headers["location"]
    page = browser.get(url)
    assert select_one(page, "h1").get_text() == "Commissie mobiliteit"
    assert select_one(page, "#field-vote_basis-present").has_attr("checked")
    assert select_one(page, "#field-quorum_required-off").has_attr("checked")
    assert select_one(page, "#field-starts_on")["value"] == TODAY.isoformat()
    response = browser.post(
        f"{url}/mandates",
        {"email": "ann@example.be", "political_group": "Groen", "starts_on": "2025-01-02"},
    )
    assert response.status_code == 303
    page = browser.get(url)
    row = select_one(page, ".mandate-list .mandate")
    assert text_in(row, ".mandate__name") == "Ann"
    assert text_in(row, ".mandate__group") == "Groen"
    listing = select_one(browser.get("/councils"), ".council-card")
    assert "1 member in office" in listing.get_text()


def test_mandate_errors_keep_the_text(
    browser: Browser, db: Database, clerk: User, resident: User
) -> None:
    council_id = _council(db, clerk)
    log_in(browser, "greet@example.be")
    browser.get(f"/councils/{council_id}")
    response = browser.post(
        f"/councils/{council_id}/mandates",
        {"email": "nobody@example.be", "political_group": "Groen", "starts_on": "2025-01-02"},
    )
    assert response.status_code == 400
    assert "No account" in field_error(response, "email")
    assert select_one(response, "#field-email")["value"] == "nobody@example.be"
    assert select_one(response, "#field-political_group")["value"] == "Groen"
    response = browser.post(
        f"/councils/{council_id}/mandates",
        {"email": "ann@example.be", "starts_on": "2025-01-02", "ends_on": "2024-01-01"},
    )
    assert response.status_code == 400
    assert field_error(response, "ends_on")
    _seat(db, clerk, council_id, "ann@example.be")
    response = browser.post(
        f"/councils/{council_id}/mandates", {"email": "ann@example.be", "starts_on": "2030-01-02"}
    )
    assert response.status_code == 400
    assert "already has a mandate" in field_error(response, "email")
    response = browser.post(f"/councils/{council_id}/mandates", {"email": "x", "starts_on": "x"})
    assert response.status_code == 400
    assert field_error(response, "email")
    assert field_error(response, "starts_on")


def test_ending_a_mandate_moves_it_to_the_former_members(
    browser: Browser, db: Database, clerk: User, resident: User
) -> None:
    council_id = _council(db, clerk)
    mandate = _seat(db, clerk, council_id, "ann@example.be", TODAY - 30 * DAY)
    log_in(browser, "greet@example.be")
    page = browser.get(f"/councils/{council_id}")
    assert select_one(page, f"#end-{mandate.id}-ends_on")["value"] == TODAY.isoformat()
    response = browser.post(f"/mandates/{mandate.id}/end", {"ends_on": "1999-01-01"})
    assert response.status_code == 400
    assert select_one(response, f"#end-{mandate.id}-ends_on-error").get_text()
    assert select_one(response, f"#end-{mandate.id}-ends_on")["value"] == "1999-01-01"
    response = browser.post(f"/mandates/{mandate.id}/end", {"ends_on": ""})
    assert response.status_code == 303
    with db.read() as session:
        stored = session.get(Mandate, mandate.id)
    assert stored is not None
    assert stored.ends_on == TODAY
    yesterday = (TODAY - DAY).isoformat()
    assert browser.post(f"/mandates/{mandate.id}/end", {"ends_on": yesterday}).status_code == 303
    page = browser.get(f"/councils/{council_id}")
    assert soup(page).select(".mandate-list") == []
    assert "Ann" in select_one(page, ".past-mandates").get_text()
    assert browser.post("/mandates/999/end", {"ends_on": "x"}).status_code == 404


def test_council_form_errors_keep_the_text(browser: Browser, clerk: User) -> None:
    log_in(browser, "greet@example.be")
    browser.get("/councils")
    response = browser.post(
        "/councils",
        {"name": "R" * 201, "kind": "parliament", "vote_basis": "loudest", "tie_rule": "coin"},
    )
    assert response.status_code == 400
    for name in ("name", "kind", "vote_basis", "tie_rule"):
        assert field_error(response, name), name
    assert select_one(response, "#field-name")["value"] == "R" * 201


def test_the_rules_are_edited_on_the_council_page(
    browser: Browser, db: Database, clerk: User
) -> None:
    council_id = _council(db, clerk)
    log_in(browser, "greet@example.be")
    browser.get(f"/councils/{council_id}")
    response = browser.post(
        f"/councils/{council_id}", {"vote_basis": "in_office", "tie_rule": "coin"}
    )
    assert response.status_code == 400
    assert field_error(response, "tie_rule")
    assert select_one(response, "#field-vote_basis-in_office").has_attr("checked")
    response = browser.post(
        f"/councils/{council_id}", {"vote_basis": "in_office", "tie_rule": "chair_decides"}
    )
    assert response.status_code == 303
    with db.read() as session:
        stored = session.get(Council, council_id)
    assert stored is not None
    assert (stored.vote_basis, stored.tie_rule, stored.quorum_required) == (
        "in_office",
        "chair_decides",
        True,
    )
    assert browser.get("/councils/999").status_code == 404


def test_hostile_council_names_and_political_groups_are_escaped(
    browser: Browser, db: Database, clerk: User, resident: User
) -> None:
    council_id = _council(db, clerk, name=HOSTILE)
    with db.write() as session:
        councils.do_add_mandate(
            session, clerk, council_id, MandateDraft(resident.email, HOSTILE, TODAY, None)
        )
    make_meeting(db, clerk, council_id=council_id)
    log_in(browser, "greet@example.be")
    for url in ("/councils", f"/councils/{council_id}", "/meetings"):
        page = browser.get(url)
        assert "<script>alert(1)" not in page.text, url
        assert soup(page).select("main script, main img") == [], url
    page = browser.get(f"/councils/{council_id}")
    assert select_one(page, "h1").get_text() == HOSTILE
    assert select_one(page, ".mandate__group").get_text() == HOSTILE


def test_two_clerks_seating_one_person_at_once_make_one_mandate(
    db: Database, clerk: User, resident: User
) -> None:
    council_id = _council(db, clerk)
    other_clerk = create_user(db, email="jan@example.be", name="Jan", roles=(Role.clerk,))

    def seat(who: User) -> bool:
        try:
            _seat(db, who, council_id, resident.email)
        except councils.FieldRefused:
            return False
        return True

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(seat, [clerk, other_clerk, clerk, other_clerk]))
    assert results.count(True) == 1
    with db.read() as session:
        stored = session.exec(select(Mandate).where(col(Mandate.council_id) == council_id)).all()
    assert len(stored) == 1
