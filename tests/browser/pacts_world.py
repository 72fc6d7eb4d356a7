"""What the pacts browser tests share: a proposer, a clerk and a neighbour, an organisation, a
pact in public consultation (with advice) and an active one (the "world"), written with the
app's own actions into the live server's database, and what the tests look at.

The tests find things by role, field id, CSS selector and attribute, never by a translated
text of the pacts pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect
from sqlmodel import Session

from pacts import actions, organisations
from pacts.forms import AdviceDraft, OrganisationDraft
from pacts.models import Pact
from participation.database import Database
from participation.models import Role
from tests.browser.conftest import LiveServer
from tests.browser.ideas_world import in_database, person
from tests.helpers import create_user
from tests.pacts.conftest import advance, close_consultation_now, propose

PACT_URL = re.compile(r"/pacts/(\d+)(?:#[\w-]+)?$")
NEW_PACT_FORM = "main form[action='/pacts']"
HOSTILE = '<script>alert("inspraak")</script><img src=x onerror=alert(1)>'


@dataclass(frozen=True)
class PactsWorld:
    """Accounts, an organisation and pacts shared by the tests of a module."""

    proposer: str
    clerk: str
    neighbour: str
    organisation_id: int
    consultation_pact: int  # in public consultation, with advice and a hostile title
    active_pact: int  # signed by both parties, of the organisation


def build_pacts_world(server: LiveServer) -> PactsWorld:
    proposer_email, clerk_email, neighbour_email = (
        "bewoner@pacts.test",
        "griffie@pacts.test",
        "buur@pacts.test",
    )
    db = Database(server.database_url)
    try:
        proposer = create_user(db, email=proposer_email, name="Bea")
        clerk = create_user(db, email=clerk_email, name="Greet", roles=(Role.clerk,))
        create_user(db, email=neighbour_email, name="Bram")

        def organise(session: Session) -> int:
            organisation = organisations.do_create_organisation(
                session,
                person(session, proposer_email),
                OrganisationDraft(
                    "Buurtcomité Zuid", "informal_group", "Wij zorgen voor **groen**."
                ),
            )
            assert organisation.id is not None
            organisations.do_add_member(
                session, organisation.id, person(session, proposer_email), neighbour_email
            )
            return organisation.id

        organisation_id = in_database(server, organise)
        consultation = advance(
            db,
            propose(db, proposer, title=f"Geveltuinen {HOSTILE}"),
            "consultation",
            clerk,
            proposer,
        )
        active = advance(
            db,
            propose(
                db, proposer, title="Bloembakken op het Zuidplein", organisation_id=organisation_id
            ),
            "active",
            clerk,
            proposer,
        )
        assert consultation.id is not None
        assert active.id is not None
        consultation_id = consultation.id

        def advise(session: Session) -> None:
            neighbour = person(session, neighbour_email)
            draft = AdviceDraft(f"Graag, maar met bankjes. {HOSTILE}", "for")
            first = actions.do_advise(session, consultation_id, neighbour, draft)
            answer = AdviceDraft("Goed idee, dat nemen we mee.", None, first.id)
            actions.do_advise(session, consultation_id, person(session, proposer_email), answer)

        in_database(server, advise)
    finally:
        db.dispose()
    return PactsWorld(
        proposer=proposer_email,
        clerk=clerk_email,
        neighbour=neighbour_email,
        organisation_id=organisation_id,
        consultation_pact=consultation_id,
        active_pact=active.id,
    )


def close_consultation(server: LiveServer, pact_id: int) -> None:
    """The consultation's end moves into the past and the scheduler's job runs, as when the
    days have passed."""
    db = Database(server.database_url)
    try:
        close_consultation_now(db, pact_id)
    finally:
        db.dispose()


def status_of(server: LiveServer, pact_id: int) -> str:
    def read(session: Session) -> str:
        pact = session.get(Pact, pact_id)
        assert pact is not None
        return pact.status

    return in_database(server, read)


# --- what the tests look at -------------------------------------------------------------------


def pact_id_of(page: Page) -> int:
    expect(page).to_have_url(PACT_URL)
    found = PACT_URL.search(page.url)
    assert found is not None
    return int(found.group(1))


def expect_status(page: Page, status: str) -> None:
    """The status badge in the pact's header (by its class, not its label)."""
    expect(page.locator(f".pact__meta .status.status--{status}")).to_have_count(1)


def step_form(name: str) -> str:
    """The selector of the lifecycle form `name` (pacts/_actions.html's `step_form`)."""
    return f"#actions form.pact-action--{name}"


def open_step(page: Page, name: str) -> None:
    """Open the <details> that holds the form `name`, if it is closed."""
    details = page.locator(f"#actions details.pact-step:has(form.pact-action--{name})")
    if details.count() and details.get_attribute("open") is None:
        details.locator("> summary").click()
    expect(page.locator(step_form(name))).to_be_visible()


def send_step(page: Page, name: str) -> None:
    page.locator(f"{step_form(name)} button[type=submit]").click()
