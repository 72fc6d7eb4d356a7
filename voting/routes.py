"""Named routes of the voting package, mounted by the app factory."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from participation.inline import inline_on_sqlite
from voting import (
    api,
    ballot_views,
    council_views,
    dashboard,
    feeds,
    import_views,
    oparl,
    oslo,
    question_views,
    views,
)

GET_POST = ["GET", "POST"]
POST = ["POST"]

routes: list[BaseRoute] = [
    # Meetings and their agenda: the public pages and the clerk's forms (views.py), and the
    # councils with their members (council_views.py).
    Route("/meetings", views.meetings, name="meetings"),
    Route("/meetings", views.create_meeting, methods=POST, name="create_meeting"),
    Route("/meetings/new", views.new_meeting, name="new_meeting"),
    Route("/meetings/{meeting_id:int}", views.meeting_detail, name="meeting"),
    Route(
        "/meetings/{meeting_id:int}/publish",
        views.publish_meeting,
        methods=POST,
        name="publish_meeting",
    ),
    Route(
        "/meetings/{meeting_id:int}/roles",
        views.meeting_roles,
        methods=POST,
        name="meeting_roles",
    ),
    Route("/meetings/{meeting_id:int}/items", views.add_item, methods=POST, name="add_item"),
    Route("/items/{item_id:int}/move", views.move_item, methods=POST, name="move_item"),
    Route("/items/{item_id:int}/documents", views.add_document, methods=POST, name="add_document"),
    Route("/documents/{document_id:int}", views.document, name="document"),
    Route("/items/{item_id:int}/links", views.link_item, methods=POST, name="link_item"),
    Route("/councils", council_views.councils, methods=GET_POST, name="councils"),
    Route("/councils/{council_id:int}", council_views.council, methods=GET_POST, name="council"),
    Route(
        "/councils/{council_id:int}/mandates",
        council_views.add_mandate,
        methods=POST,
        name="add_mandate",
    ),
    Route(
        "/mandates/{mandate_id:int}/end",
        council_views.end_mandate,
        methods=POST,
        name="end_mandate",
    ),
    # Voting: the item page, the members' and residents' votes, the chair (ballot_views.py);
    # the session controls and the council member's dashboard (dashboard.py).
    Route("/items/{item_id:int}", ballot_views.item_detail, name="item"),
    Route(
        "/items/{item_id:int}/council-vote",
        ballot_views.council_vote,
        methods=POST,
        name="council_vote",
    ),
    Route("/items/{item_id:int}/recusal", ballot_views.recusal, methods=POST, name="recusal"),
    Route(
        "/items/{item_id:int}/advisory-vote",
        inline_on_sqlite(ballot_views.advisory_vote),
        methods=POST,
        name="advisory_vote",
    ),
    Route("/items/{item_id:int}/ballot", ballot_views.ballot, methods=POST, name="ballot"),
    Route(
        "/meetings/{meeting_id:int}/session",
        dashboard.meeting_session,
        methods=POST,
        name="meeting_session",
    ),
    Route(
        "/meetings/{meeting_id:int}/check-in",
        dashboard.check_in,
        methods=POST,
        name="check_in",
    ),
    Route("/council", dashboard.dashboard, name="council_dashboard"),
    # Residents' questions to the council (question_views.py).
    Route("/questions", question_views.questions_list, name="questions"),
    Route("/questions", question_views.create_question, methods=POST, name="create_question"),
    Route("/questions/new", question_views.new_question, name="new_question"),
    Route("/questions/{question_id:int}", question_views.question_detail, name="question"),
    Route(
        "/questions/{question_id:int}/check",
        question_views.check_question,
        methods=POST,
        name="check_question",
    ),
    Route(
        "/questions/{question_id:int}/schedule",
        question_views.schedule_question,
        methods=POST,
        name="schedule_question",
    ),
    Route(
        "/questions/{question_id:int}/attendance",
        question_views.attendance,
        methods=POST,
        name="question_attendance",
    ),
    Route(
        "/questions/{question_id:int}/answer",
        question_views.answer_question,
        methods=POST,
        name="answer_question",
    ),
    Route(
        "/questions/{question_id:int}/reaction",
        question_views.react,
        methods=POST,
        name="question_reaction",
    ),
    Route(
        "/questions/{question_id:int}/withdraw",
        question_views.withdraw_question,
        methods=POST,
        name="withdraw_question",
    ),
    # Open data (api.py).
    Route("/api/v1/meetings", api.meetings, name="api_meetings"),
    Route("/api/v1/meetings/{meeting_id:int}", api.meeting, name="api_meeting"),
    Route(
        "/api/v1/meetings/{meeting_id:int}.jsonld", oslo.meeting_jsonld, name="api_meeting_jsonld"
    ),
    # OParl 1.1 (oparl.py): the system, the councils as bodies, and the objects they hold.
    Route("/api/v1/oparl", oparl.system, name="oparl_system"),
    Route("/api/v1/oparl/bodies", oparl.bodies, name="oparl_bodies"),
    Route("/api/v1/oparl/body/{council_id:int}", oparl.body, name="oparl_body"),
    Route(
        "/api/v1/oparl/body/{council_id:int}/meetings",
        oparl.body_meetings,
        name="oparl_body_meetings",
    ),
    Route(
        "/api/v1/oparl/body/{council_id:int}/people", oparl.body_people, name="oparl_body_people"
    ),
    Route(
        "/api/v1/oparl/body/{council_id:int}/organizations",
        oparl.body_organizations,
        name="oparl_body_organizations",
    ),
    Route(
        "/api/v1/oparl/body/{council_id:int}/papers", oparl.body_papers, name="oparl_body_papers"
    ),
    Route("/api/v1/oparl/meeting/{meeting_id:int}", oparl.meeting, name="oparl_meeting"),
    Route("/api/v1/oparl/agendaitem/{item_id:int}", oparl.agenda_item, name="oparl_agenda_item"),
    Route("/api/v1/oparl/person/{person_id:int}", oparl.person, name="oparl_person"),
    Route(
        "/api/v1/oparl/organization/{organization_id:int}",
        oparl.organization,
        name="oparl_organization",
    ),
    Route("/api/v1/oparl/paper/{item_id:int}", oparl.paper, name="oparl_paper"),
    # Feeds and exports (feeds.py).
    Route("/meetings.ics", feeds.meetings_ics, name="meetings_ics"),
    Route(
        "/councils/{council_id:int}/meetings.ics",
        feeds.council_meetings_ics,
        name="council_meetings_ics",
    ),
    Route("/decisions.atom", feeds.decisions_atom, name="decisions_atom"),
    Route("/decisions.csv", feeds.decisions_csv, name="decisions_csv"),
    # Importing an agenda from a council information system (import_views.py).
    Route(
        "/meetings/{meeting_id:int}/import",
        import_views.import_form,
        name="import_agenda",
    ),
    Route(
        "/meetings/{meeting_id:int}/import",
        import_views.import_preview,
        methods=POST,
        name="import_agenda_preview",
    ),
    Route(
        "/meetings/{meeting_id:int}/import/confirm",
        import_views.import_confirm,
        methods=POST,
        name="import_agenda_confirm",
    ),
]
