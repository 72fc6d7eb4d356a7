"""Demo pacts for Demostad: an organisation with members, and a pact in every status of the
lifecycle (from a draft to a completed and an early-ended pact), around the map's centre.

Built through the actions residents and clerks use, so the timelines, pact texts and
notifications are the real ones. The consultation that has closed is closed as the scheduler
would close it, after its end was moved into the past. Loading twice changes nothing: a
second load finds the organisation and stops.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlmodel import Session, col, select

from pacts import actions, lifecycle, organisations
from pacts.forms import (
    AdviceDraft,
    ConsultationDraft,
    OrganisationDraft,
    PactDraft,
    ProgressDraft,
    ResourceDecisionDraft,
    ResourceDraft,
)
from pacts.models import Organisation, Pact, PactResource, PactStatus
from participation.actions import user_by_email
from participation.database import Database, utcnow
from participation.demo import DEMO_PASSWORD, demo_resident
from participation.models import User
from participation.passwords import hash_password
from participation.settings import SETTINGS

ORGANISATION = "Buurtcomité Rabot"
PROPOSER = "bewoner@demostad.example"  # the shell's demo resident, Bea Bewoner
MEMBERS = (("buur1@demostad.example", "Buur 1"), ("buur2@demostad.example", "Buur 2"))
ADVISERS = (
    ("buur3@demostad.example", "Buur 3"),
    ("buur4@demostad.example", "Buur 4"),
    ("buur5@demostad.example", "Buur 5"),
)
S = PactStatus


@dataclass(frozen=True)
class DemoPact:
    status: PactStatus
    title: str
    category: str
    offset: tuple[float, float]  # degrees of latitude and longitude from the map's centre
    resources: tuple[ResourceDraft, ...]
    by_organisation: bool = False


MATERIALS = ResourceDraft("materials", "Handschoenen, grijpers en vuilniszakken")
PLANTS = ResourceDraft("materials", "Plantgoed, potgrond en houten bakken")
ROOM = ResourceDraft("space", "Een lokaal op woensdagnamiddag")
ADVICE = ResourceDraft("technical_advice", "Advies van de groendienst over de beplanting")
PAINT = ResourceDraft("materials", "Graffitiverwijderaar en hogedrukreiniger")


def _budget(euros: int, what: str) -> ResourceDraft:
    return ResourceDraft("budget", f"€ {euros} voor {what}", euros)


PACTS = (
    DemoPact(
        S.draft,
        "Moestuinbakken op het Sint-Baafsplein",
        "green_space",
        (0.0021, -0.0034),
        (PLANTS,),
    ),
    DemoPact(
        S.submitted,
        "Graffiti weg aan de Dampoorttunnel",
        "graffiti",
        (0.0094, 0.0121),
        (PAINT, ADVICE),
    ),
    DemoPact(
        S.in_assessment,
        "Zitbanken uit gerecycleerd hout in het Zuidpark",
        "furniture",
        (-0.0078, 0.0052),
        (_budget(1200, "hout en bevestigingsmateriaal"), ADVICE),
        by_organisation=True,
    ),
    DemoPact(
        S.changes_requested,
        "Taalcafé voor nieuwkomers",
        "social",
        (0.0032, 0.0086),
        (ROOM,),
    ),
    DemoPact(
        S.rejected,
        "Straatfeest met podium op de Korenmarkt",
        "culture",
        (0.0008, -0.0011),
        (ROOM, _budget(5000, "een podium en geluid")),
    ),
    DemoPact(
        S.consultation,
        "Buurtmoestuin in de Rabotwijk",
        "green_space",
        (0.0071, -0.0102),
        (PLANTS, ADVICE, _budget(400, "gereedschap")),
        by_organisation=True,
    ),
    DemoPact(
        S.awaiting_signatures,
        "Computerlessen voor senioren in het dienstencentrum",
        "social",
        (-0.0045, -0.0067),
        (ROOM, ResourceDraft("materials", "Vijf laptops in bruikleen")),
    ),
    DemoPact(
        S.active,
        "Zwerfvuilploeg langs de Leie",
        "cleaning",
        (-0.0023, 0.0149),
        (MATERIALS,),
        by_organisation=True,
    ),
    DemoPact(
        S.completed,
        "Muurschildering aan het jeugdhuis",
        "culture",
        (0.0117, 0.0031),
        (ResourceDraft("materials", "Gevelverf in zes kleuren"), _budget(800, "een stelling")),
    ),
    DemoPact(
        S.ended,
        "Plantenbakken in de Brugse Poort",
        "other",
        (0.0052, -0.0163),
        (PLANTS,),
    ),
)

ADVICE_GIVEN = (
    ("Fijn initiatief, ik help graag mee op zaterdag.", "for"),
    ("Wie zorgt voor het water in de zomer? Graag een regenton.", "neutral"),
    ("Ik vrees dat het speelpleintje kleiner wordt.", "against"),
)
REPORTS = (
    ("Eerste opruimactie: 14 zakken zwerfvuil langs de oever, met 8 buren.", 16, False),
    ("De stad haalde de zakken op en plaatste twee extra vuilnisbakken.", None, True),
    ("Tweede ronde: de oever blijft properder, nog 6 zakken.", 10, False),
)


def map_center() -> tuple[float, float]:
    """`settings.map_center`, read from the environment as the app reads it: the demo is
    loaded without the app's settings, and needs only this one."""
    [setting] = [s for s in SETTINGS if s.name == "map_center"]
    center: tuple[float, float] = setting.parse(os.environ.get(setting.env, setting.default))
    return center


def _people(session: Session) -> tuple[User, list[User], list[User]]:
    """The proposer, the organisation's other members and the advisers; one hash for all."""
    password_hash = hash_password(DEMO_PASSWORD)
    proposer = demo_resident(session, PROPOSER, "Bea Bewoner", password_hash)
    members = [demo_resident(session, *person, password_hash) for person in MEMBERS]
    advisers = [demo_resident(session, *person, password_hash) for person in ADVISERS]
    return proposer, members, advisers


def _organisation(session: Session, proposer: User, members: list[User]) -> Organisation:
    organisation = organisations.do_create_organisation(
        session,
        proposer,
        OrganisationDraft(
            ORGANISATION,
            "informal_group",
            "Buren uit de Rabotwijk die samen zorgen voor hun straten, pleintjes en groen.",
        ),
    )
    assert organisation.id is not None
    for member in members:
        organisations.do_add_member(session, organisation.id, proposer, member.email)
    return organisation


def _draft(demo: DemoPact, center: tuple[float, float], organisation_id: int) -> PactDraft:
    today = dt.date.today()
    return PactDraft(
        title=demo.title,
        description=(
            f"{demo.title}: een project van buren voor buren. We nodigen iedereen uit om mee "
            "te doen en houden de stad op de hoogte van wat we doen."
        ),
        category=demo.category,
        latitude=round(center[0] + demo.offset[0], 6),
        longitude=round(center[1] + demo.offset[1], 6),
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=395),
        commitments="We organiseren het werk, zorgen voor vrijwilligers en melden elke maand "
        "wat we deden.",
        organisation_id=organisation_id if demo.by_organisation else None,
        resources=list(demo.resources),
    )


def _open_consultation(session: Session, pact_id: int, clerk: User) -> None:
    """The city grants what was asked, except a budget above € 500."""
    resources = session.exec(
        select(PactResource).where(PactResource.pact_id == pact_id).order_by(col(PactResource.id))
    ).all()
    decisions = []
    for resource in resources:
        assert resource.id is not None
        if resource.budget_eur is not None and resource.budget_eur > 500:
            decisions.append(ResourceDecisionDraft(resource.id, "refused", "Te duur dit jaar."))
        else:
            decisions.append(ResourceDecisionDraft(resource.id, "granted", "Toegekend."))
    actions.do_open_consultation(session, pact_id, clerk, ConsultationDraft(decisions, 14))


def _advise(session: Session, pact_id: int, proposer: User, advisers: list[User]) -> None:
    """Three neighbours advise; the proposer answers the first."""
    first = None
    for adviser, (body, stance) in zip(advisers, ADVICE_GIVEN, strict=True):
        comment = actions.do_advise(session, pact_id, adviser, AdviceDraft(body, stance))
        first = first or comment
    assert first is not None
    reply = AdviceDraft("Dank je! We rekenen op je.", None, first.id)
    actions.do_advise(session, pact_id, proposer, reply)


def _close_consultation(session: Session, pact_id: int) -> None:
    """End the consultation now and close it, as the scheduler's job would at its end."""
    pact = session.get(Pact, pact_id)
    assert pact is not None
    pact.consultation_closes_at = utcnow() - dt.timedelta(seconds=1)
    session.add(pact)
    session.flush()
    lifecycle.close_consultation(session, utcnow())


def _walk(
    session: Session,
    demo: DemoPact,
    pact_id: int,
    proposer: User,
    clerk: User,
    advisers: list[User],
) -> None:
    """Take the draft through the real steps until it has `demo.status`."""
    if demo.status == S.draft:
        return
    actions.do_submit_pact(session, pact_id, proposer)
    if demo.status == S.submitted:
        return
    actions.do_take_for_assessment(session, pact_id, clerk, "Dienst Publieke Ruimte")
    if demo.status == S.changes_requested:
        reason = "Geef aan op welke dagen het lokaal nodig is en voor hoeveel deelnemers."
        actions.do_request_changes(session, pact_id, clerk, reason)
        return
    if demo.status == S.rejected:
        reasons = "Het plein is die zomer al volgeboekt; een straatfeest kan via een evenement."
        actions.do_reject(session, pact_id, clerk, reasons)
        return
    if demo.status == S.in_assessment:
        return
    _open_consultation(session, pact_id, clerk)
    _advise(session, pact_id, proposer, advisers)
    if demo.status == S.consultation:
        return
    _close_consultation(session, pact_id)
    response = "We vragen de proposers om het speelpleintje vrij te houden; de rest blijft."
    actions.do_respond_to_advice(session, pact_id, clerk, response)
    actions.do_sign(session, pact_id, clerk)
    if demo.status == S.awaiting_signatures:
        return  # the proposers still have to sign: Bea Bewoner can do so in the demo
    actions.do_sign(session, pact_id, proposer)
    if demo.status == S.ended:
        reason = "De bakken werden twee keer vernield; we stoppen en zoeken een betere plek."
        actions.do_end_early(session, pact_id, proposer, reason)
        return
    for body, hours, by_city in REPORTS:
        reporter = clerk if by_city else proposer
        actions.do_report_progress(session, pact_id, reporter, ProgressDraft(body, hours), [])
    if demo.status == S.completed:
        final = "De muurschildering is af en werd ingehuldigd met een buurtfeest."
        actions.do_complete(session, pact_id, proposer, ProgressDraft(final, 24), [])


def load(db: Database) -> None:
    with db.read() as session:
        if session.exec(select(Organisation.id).where(Organisation.name == ORGANISATION)).first():
            return
    center = map_center()
    with db.write() as session:
        clerk = user_by_email(session, "griffier@demostad.example")
        if clerk is None:
            return  # the shell's demo accounts come first (participation.demo)
        proposer, members, advisers = _people(session)
        organisation = _organisation(session, proposer, members)
        assert organisation.id is not None
        for demo in PACTS:
            pact = actions.do_create_pact(
                session, proposer, _draft(demo, center, organisation.id), []
            )
            assert pact.id is not None
            _walk(session, demo, pact.id, proposer, clerk, advisers)
