"""What the problem report browser tests share: a reporter and a clerk, a department with a
category, and an open report at the centre of the map (with a hostile description), written
with the app's own actions into the live server's database.

The tests find things by field id, CSS selector and attribute, never by a translated text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session

from participation.actions import do_create_user
from participation.models import Role
from participation.settings import Settings
from problems import admin, reporting
from problems.forms import ReportDraft
from problems.handling_forms import CategoryDraft, DepartmentDraft
from tests.browser.conftest import LiveServer
from tests.browser.ideas_world import create_people, in_database, person
from tests.helpers import PASSWORD

PROBLEM_URL = re.compile(r"/problems/(\d+)(?:#[\w-]+)?$")
NEW_PROBLEM_FORM = "main form#problem-form"
HOSTILE = '<script>alert("inspraak")</script><img src=x onerror=alert(1)>'


@dataclass(frozen=True)
class ProblemsWorld:
    reporter: str
    clerk: str
    reader: str  # reads English: the new texts reach the Dutch catalog later
    category_id: int
    existing_report: int  # open, at the map's centre, by someone else


def build_problems_world(server: LiveServer) -> ProblemsWorld:
    reader = "lezer@problems.test"
    reporter, clerk, neighbour = (
        "melder@problems.test",
        "griffie@problems.test",
        "buur@problems.test",
    )
    settings = Settings.from_env(server.env)

    def build(session: Session) -> ProblemsWorld:
        create_people(
            session,
            [
                (reporter, "Mia Melder", ()),
                (clerk, "Greet", (Role.clerk,)),
                (neighbour, "Bram", ()),
            ],
        )
        do_create_user(
            session,
            email=reader,
            display_name="Rita",
            password=PASSWORD,
            verified=True,
            language="en",
        )
        department = admin.do_create_department(
            session, person(session, clerk), DepartmentDraft("Wegen", "")
        )
        assert department.id is not None
        category = admin.do_save_category(
            session,
            person(session, clerk),
            CategoryDraft(
                "pothole", "Put in de weg", "Nid-de-poule", "Pothole", department.id, 14, True
            ),
        )
        assert category.id is not None
        existing = reporting.do_report_problem(
            session,
            person(session, neighbour),
            ReportDraft(category.id, *settings.map_center, "", f"Diepe put {HOSTILE}", "none"),
            [],
            settings=settings,
            address="192.0.2.50",
        )
        assert existing.id is not None
        return ProblemsWorld(reporter, clerk, reader, category.id, existing.id)

    return in_database(server, build)
