"""Demo problem reports for Demostad: three departments with six categories, a worker for
the roads, and some thirty reports around the map's centre in every status: new and
overdue, acknowledged, being fixed, fixed (confirmed, reopened), referred elsewhere, not
handled, and duplicates merged into the report they repeat.

Built through the actions residents and handlers use, so the timelines and notifications
are the real ones. Reports that should be old are aged afterwards (their creation and due
times moved back), as time would have done. Loading twice changes nothing: a second load
finds the first department and stops.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from participation.actions import user_by_email
from participation.database import Database
from participation.demo import DEMO_PASSWORD, demo_resident
from participation.models import User
from participation.passwords import hash_password
from participation.settings import Settings
from problems import admin, handling, reporting
from problems.forms import ReportDraft
from problems.handling_forms import CategoryDraft, DepartmentDraft
from problems.models import Department, ProblemReport

DEPARTMENTS = ("Wegen", "Groen", "Netheid")
# slug, nl, fr, en, department, handling days
CATEGORIES = (
    ("pothole", "Put in de weg", "Nid-de-poule", "Pothole", "Wegen", 14),
    ("streetlight", "Straatlicht kapot", "Éclairage en panne", "Broken streetlight", "Wegen", 7),
    ("illegal-dumping", "Sluikstort", "Dépôt clandestin", "Illegal dumping", "Netheid", 3),
    ("graffiti", "Graffiti", "Graffiti", "Graffiti", "Netheid", 14),
    ("broken-bench", "Kapotte zitbank", "Banc cassé", "Broken bench", "Groen", 21),
    ("overgrown-path", "Overwoekerd pad", "Sentier envahi", "Overgrown path", "Groen", 30),
)
CLERK = "griffier@demostad.example"
WORKER = ("wegen@demostad.example", "Wout Wegen")


@dataclass(frozen=True)
class DemoReport:
    category: str
    description: str
    status: str  # where the handlers take it; "merged" merges it into the report before it
    age_days: int  # how long ago it was reported
    note: str = ""
    answer: str = ""  # the reporter's answer to "fixed": "confirm" or "reopen"


NOTE = "We hebben uw melding goed ontvangen en plannen de herstelling."
FIXED = "Hersteld door de ploeg van de dienst. Bedankt voor de melding!"
REPORTS = (
    DemoReport("pothole", "Diepe put in het fietspad, gevaarlijk bij regen.", "new", 1),
    DemoReport("pothole", "Put voor huisnummer 12, auto's wijken uit.", "new", 30),
    DemoReport("pothole", "Zelfde put als hierboven, voor nummer 12.", "merged", 29),
    DemoReport("streetlight", "De lantaarnpaal aan de speeltuin brandt niet meer.", "new", 12),
    DemoReport("streetlight", "Drie lampen op rij uit in de Sleepstraat.", "acknowledged", 4, NOTE),
    DemoReport("streetlight", "Lamp flikkert de hele nacht.", "in_progress", 9, NOTE),
    DemoReport("streetlight", "Paal scheef na aanrijding.", "fixed", 20, FIXED, "confirm"),
    DemoReport("illegal-dumping", "Zakken afval naast de glasbol.", "new", 0),
    DemoReport("illegal-dumping", "Zakken afval aan de glasbol, weer.", "merged", 0),
    DemoReport("illegal-dumping", "Oude matras op de stoep.", "new", 6),
    DemoReport("illegal-dumping", "Bouwafval langs het jaagpad.", "acknowledged", 5, NOTE),
    DemoReport("illegal-dumping", "Koelkast achtergelaten aan het park.", "fixed", 8, FIXED),
    DemoReport("graffiti", "Tags op de gevel van de bibliotheek.", "new", 3),
    DemoReport("graffiti", "Graffiti op het bushokje.", "in_progress", 25, NOTE),
    DemoReport("graffiti", "Scheldwoorden op de muur van de school.", "fixed", 15, FIXED, "reopen"),
    DemoReport(
        "graffiti",
        "Graffiti op de spoorwegbrug.",
        "not_ours",
        10,
        "De spoorwegbrug is van Infrabel: wij hebben uw melding aan hen doorgegeven.",
    ),
    DemoReport("broken-bench", "Zitbank in het park heeft een gebroken lat.", "new", 2),
    DemoReport("broken-bench", "Bank aan de vijver wiebelt.", "acknowledged", 7, NOTE),
    DemoReport("broken-bench", "Rugleuning afgebroken.", "fixed", 40, FIXED, "confirm"),
    DemoReport(
        "broken-bench",
        "Bank staat op privéterrein van de school.",
        "rejected",
        14,
        "Deze bank staat op het terrein van de school; de school beheert ze zelf.",
    ),
    DemoReport("overgrown-path", "Braamstruiken over het wandelpad.", "new", 45),
    DemoReport("overgrown-path", "Brandnetels langs het schoolpad.", "in_progress", 12, NOTE),
    DemoReport("overgrown-path", "Pad naar de volkstuinen onbegaanbaar.", "fixed", 50, FIXED),
    DemoReport("overgrown-path", "Hoog gras aan de speeltuin.", "acknowledged", 35, NOTE),
    DemoReport("pothole", "Verzakte tegels aan de bushalte.", "in_progress", 3, NOTE),
    DemoReport(
        "pothole",
        "Put in de parking van het zwembad.",
        "not_ours",
        6,
        "Privéparking: de uitbater van het zwembad is verwittigd.",
    ),
    DemoReport(
        "streetlight",
        "Straatlicht brandt overdag.",
        "rejected",
        9,
        "Dit licht hoort zo te branden: het is een tunnelverlichting.",
    ),
    DemoReport("graffiti", "Tekening op de elektriciteitskast.", "acknowledged", 1, NOTE),
    DemoReport("broken-bench", "Picknicktafel zonder zitplank.", "in_progress", 19, NOTE),
    DemoReport("overgrown-path", "Takken hangen over het fietspad.", "fixed", 5, FIXED, "confirm"),
)
# Where each status leads through: a handler moves a report forward step by step.
PATHS = {
    "new": (),
    "acknowledged": ("acknowledged",),
    "in_progress": ("acknowledged", "in_progress"),
    "fixed": ("acknowledged", "in_progress", "fixed"),
    "not_ours": ("not_ours",),
    "rejected": ("rejected",),
}


def _departments(session: Session, clerk: User) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name in DEPARTMENTS:
        department = admin.do_create_department(session, clerk, DepartmentDraft(name, ""))
        assert department.id is not None
        ids[name] = department.id
    for slug, nl, fr, en, department_name, days in CATEGORIES:
        draft = CategoryDraft(slug, nl, fr, en, ids[department_name], days, True)
        admin.do_save_category(session, clerk, draft)
    return ids


def _place(number: int, settings: Settings) -> tuple[float, float]:
    """Spread around the map's centre on a small spiral, the same at every load."""
    latitude, longitude = settings.map_center
    ring = 1 + number // 6
    step = number % 6
    offsets = ((1, 0), (0.5, 0.87), (-0.5, 0.87), (-1, 0), (-0.5, -0.87), (0.5, -0.87))
    return (
        round(latitude + 0.003 * ring * offsets[step][0], 6),
        round(longitude + 0.0045 * ring * offsets[step][1], 6),
    )


def _handle(session: Session, clerk: User, report: ProblemReport, item: DemoReport) -> None:
    assert report.id is not None
    steps = PATHS[item.status]
    for status in steps:
        note = item.note if status == steps[-1] else ""
        referral = item.note if status == "not_ours" else ""
        handling.do_set_status(session, clerk, report.id, status, note, referral)
    if item.answer and report.author_id is not None:
        reporter = session.get(User, report.author_id)
        assert reporter is not None
        handling.do_confirm(session, reporter, report.id, item.answer == "confirm")


def _age(session: Session, report_id: int, days: int) -> None:
    """Move the report back in time, its due date with it, as if reported `days` ago."""
    shift = dt.timedelta(days=days)
    found = session.get(ProblemReport, report_id)
    assert found is not None
    found.created_at -= shift
    found.due_at -= shift
    session.add(found)


def load(db: Database, settings: Settings | None = None) -> None:
    """`settings` default to the environment's, as the app reads them: the demo is loaded
    without the app (the place, the boundary and the neighbourhoods come from them)."""
    settings = settings or Settings.from_env()
    with db.read() as session:
        if session.exec(select(Department).where(Department.name == DEPARTMENTS[0])).first():
            return
    with db.write() as session:
        clerk = user_by_email(session, CLERK)
        if clerk is None:
            return
        departments = _departments(session, clerk)
        password_hash = hash_password(DEMO_PASSWORD)
        worker = demo_resident(session, WORKER[0], WORKER[1], password_hash)
        admin.do_add_worker(session, clerk, departments["Wegen"], worker.email)
        reporters = [
            demo_resident(session, f"buur{n}@demostad.example", f"Buur {n}", password_hash)
            for n in range(1, 13)
        ]
        category_ids = {c.slug: c.id for c in reporting.active_categories(session)}
        previous: ProblemReport | None = None
        for number, item in enumerate(REPORTS):
            merging = item.status == "merged" and previous is not None
            if merging and previous is not None:  # the same place, a few metres off
                latitude, longitude = previous.latitude + 0.00004, previous.longitude
            else:
                latitude, longitude = _place(number, settings)
            category_id = category_ids[item.category]
            assert category_id is not None
            draft = ReportDraft(category_id, latitude, longitude, "", item.description, "none")
            report = reporting.do_report_problem(
                session,
                reporters[number % len(reporters)],
                draft,
                [],
                settings=settings,
                address="demo",
            )
            assert report.id is not None
            _age(session, report.id, item.age_days)
            if merging and previous is not None and previous.id is not None:
                handling.do_merge(session, clerk, report.id, previous.id)
            else:
                _handle(session, clerk, report, item)
            previous = report
