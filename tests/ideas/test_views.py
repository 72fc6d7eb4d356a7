"""Idea pages through HTTP, as residents and clerks use them (with and without htmx)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from ideas import actions, queries
from ideas.models import Idea, IdeaCategory
from participation.database import Database, utcnow
from participation.models import User
from participation.visibility import Visibility
from tests.helpers import (
    HOSTILE,
    Browser,
    HoldAll,
    create_user,
    field_error,
    flashes,
    in_english,
    jpeg,
    mute,
    select_one,
    set_visible,
    soup,
)
from tests.ideas.conftest import post_idea


def test_post_an_idea_with_a_place_and_a_photo(
    browser: Browser, resident: User, category: IdeaCategory
) -> None:
    browser.login("ann@example.be")
    form = browser.get("/ideas/new")
    assert select_one(form, "form[action='/ideas'][enctype='multipart/form-data']")
    response = browser.post(
        "/ideas",
        {
            "title": "Zebrapad aan de school",
            "body": "Kinderen steken hier **gevaarlijk** over.",
            "category": str(category.id),
            "latitude": "51,0543",
            "longitude": "3.7174",
        },
        files={"photos": ("school.jpg", jpeg(), "image/jpeg")},
    )
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert select_one(page, "h1").get_text() == "Zebrapad aan de school"
    assert select_one(page, ".idea__body strong").get_text() == "gevaarlijk"
    assert select_one(page, "[data-idea-map]")["data-lat"] == "51.0543"
    photo = select_one(page, ".photos img")
    assert browser.get(str(photo["src"])).headers["content-type"] == "image/webp"
    assert "Mobiliteit" in select_one(page, ".idea__meta").get_text()


def test_errors_keep_the_text_and_name_each_field(browser: Browser, resident: User) -> None:
    browser.login("ann@example.be")
    browser.get("/ideas/new")
    response = browser.post(
        "/ideas",
        {
            "title": "x" * 151,
            "body": "Mijn uitleg",
            "category": "999",
            "latitude": "95",
            "longitude": "",
        },
        files={"photos": ("not.jpg", b"GIF89a not really", "image/jpeg")},
    )
    assert response.status_code == 400
    for name in ("title", "category", "latitude"):
        assert field_error(response, name), name
    assert select_one(response, "#field-title")["value"] == "x" * 151
    assert select_one(response, "#field-body").get_text() == "Mijn uitleg"


def test_a_bad_photo_is_refused_with_a_message(browser: Browser, resident: User) -> None:
    browser.login("ann@example.be")
    browser.get("/ideas/new")
    response = browser.post(
        "/ideas",
        {"title": "Bankjes", "body": "Meer bankjes"},
        files={"photos": ("fake.jpg", b"\xff\xd8\xff not a jpeg", "image/jpeg")},
    )
    assert response.status_code == 400
    assert field_error(response, "photos")


def test_hostile_text_is_harmless_everywhere(
    browser: Browser, db: Database, resident: User, neighbour: User
) -> None:
    idea = post_idea(db, resident, title=HOSTILE, body=HOSTILE)
    browser.login("bob@example.be")
    browser.get(f"/ideas/{idea.id}")
    browser.post(f"/ideas/{idea.id}/comments", {"body": HOSTILE})
    for path in (f"/ideas/{idea.id}", "/ideas", "/ideas/similar?title=script+alert"):
        page = soup(browser.get(path))
        assert page.find("script", string="alert(1)") is None, path
        assert page.find("img", attrs={"src": "x"}) is None, path
        assert not page.select("main [hx-post='/logout']"), path
        assert not page.select(".idea__body [id], .comment__body [id], .similar [id]"), path


def test_support_with_htmx_returns_the_fragment(
    browser: Browser, idea: Idea, neighbour: User
) -> None:
    browser.login("bob@example.be")
    browser.get(f"/ideas/{idea.id}")
    response = browser.client.post(
        f"/ideas/{idea.id}/support",
        headers={"X-CSRF-Token": browser.csrf_token, "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert select_one(response, "#support strong").get_text() == "1"
    assert select_one(response, "#support button")["aria-pressed"] == "true"
    assert select_one(response, "#support form")["hx-post"] == f"/ideas/{idea.id}/unsupport"


def test_support_without_javascript_redirects_back(
    browser: Browser, idea: Idea, neighbour: User
) -> None:
    browser.login("bob@example.be")
    browser.get(f"/ideas/{idea.id}")
    response = browser.post(f"/ideas/{idea.id}/support")
    assert response.status_code == 303
    page = browser.get(f"/ideas/{idea.id}")
    assert select_one(page, "#support strong").get_text() == "1"
    browser.post(f"/ideas/{idea.id}/unsupport")
    assert select_one(browser.get(f"/ideas/{idea.id}"), "#support strong").get_text() == "0"


def test_comments_reply_and_load_more(
    browser: Browser, db: Database, idea: Idea, neighbour: User
) -> None:
    browser.login("bob@example.be")
    browser.get(f"/ideas/{idea.id}")
    missing = browser.post(f"/ideas/{idea.id}/comments", {"body": "  "})
    assert missing.status_code == 400
    for number in range(22):
        browser.post(f"/ideas/{idea.id}/comments", {"body": f"Reactie {number}", "stance": "for"})
    page = browser.get(f"/ideas/{idea.id}")
    first = soup(page).select("#comment-list > li.comment")
    assert len(first) == 20
    more = select_one(page, "#more-comments a")
    fragment = browser.get(str(more["hx-get"]))
    rest = soup(fragment).select("li.comment")
    assert [c.select(".comment__body")[0].get_text(strip=True) for c in rest] == [
        "Reactie 20",
        "Reactie 21",
    ]
    no_js = browser.get(str(more["href"]).split("#")[0])
    assert len(soup(no_js).select("#comment-list > li.comment")) == 2
    first_id = str(first[0].select("article")[0]["id"]).removeprefix("comment-")
    reply = browser.post(f"/ideas/{idea.id}/comments", {"body": "Eens", "parent_id": first_id})
    assert reply.status_code == 303
    page = browser.get(f"/ideas/{idea.id}")
    assert (
        select_one(page, f"#comment-{first_id} + ul .comment__body").get_text(strip=True) == "Eens"
    )


def test_clerk_answers_and_the_timeline_shows_it(browser: Browser, idea: Idea, clerk: User) -> None:
    browser.login("greet@example.be")
    page = browser.get(f"/ideas/{idea.id}")
    assert select_one(page, "form[action$='/answers']")
    empty = browser.post(f"/ideas/{idea.id}/answers", {"status": "accepted", "body": ""})
    assert empty.status_code == 400
    assert select_one(empty, "#answer-body-error")
    browser.post(f"/ideas/{idea.id}/answers", {"status": "accepted", "body": "We doen het."})
    page = browser.get(f"/ideas/{idea.id}")
    step = select_one(page, ".timeline__step--official")
    assert "We doen het." in step.get_text()
    assert select_one(page, ".idea__meta .status").get_text() == "Aanvaard"


def test_residents_see_no_answer_form(browser: Browser, idea: Idea, resident: User) -> None:
    browser.login("ann@example.be")
    assert not soup(browser.get(f"/ideas/{idea.id}")).select("form[action$='/answers']")


def test_the_author_edits_and_withdraws(browser: Browser, idea: Idea, resident: User) -> None:
    browser.login("ann@example.be")
    form = browser.get(f"/ideas/{idea.id}/edit")
    assert select_one(form, "#field-title")["value"] == idea.title
    saved = browser.post(
        f"/ideas/{idea.id}/edit", {"title": "Zebrapad en fietspad", "body": "Nieuw"}
    )
    assert saved.status_code == 303
    browser.post(f"/ideas/{idea.id}/withdraw")
    page = browser.get(f"/ideas/{idea.id}")
    assert select_one(page, "h1").get_text() == "Zebrapad en fietspad"
    assert select_one(page, ".notice--warning")
    assert not soup(page).select("#support form")
    assert browser.get(f"/ideas/{idea.id}/edit").status_code == 409


def test_another_resident_cannot_edit(browser: Browser, idea: Idea, neighbour: User) -> None:
    browser.login("bob@example.be")
    assert browser.get(f"/ideas/{idea.id}/edit").status_code == 403


def test_the_list_filters_searches_and_pages(
    browser: Browser, db: Database, resident: User, category: IdeaCategory
) -> None:
    for number in range(25):
        post_idea(db, resident, title=f"Idee nummer {number}")
    post_idea(db, resident, title="Fietsenstallingen aan het station", category_id=category.id)
    page = browser.get("/ideas")
    titles = [a.get_text() for a in soup(page).select(".idea-card__title a")]
    assert titles[0] == "Fietsenstallingen aan het station"
    assert len(titles) == 20
    second = browser.get(str(select_one(page, "a[rel=next]")["href"]))
    more = [a.get_text() for a in soup(second).select(".idea-card__title a")]
    assert len(more) == 6
    assert not set(titles) & set(more)
    found = browser.get("/ideas?q=fietsenstalling")
    assert [a.get_text() for a in soup(found).select(".idea-card__title a")] == [
        "Fietsenstallingen aan het station"
    ]
    filtered = browser.get(f"/ideas?category={category.id}")
    assert len(soup(filtered).select(".idea-card")) == 1
    nothing = browser.get("/ideas?q=onbestaandwoord")
    assert select_one(nothing, ".empty")


def test_a_search_with_many_matches_is_sorted_among_its_newest_and_says_so(
    browser: Browser,
    db: Database,
    resident: User,
    neighbour: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queries, "SEARCH_SORT_WINDOW", 3)
    posted = [post_idea(db, resident, title=f"Fietspad {number}") for number in range(5)]
    post_idea(db, resident, title="Zitbank in het park")
    with db.write() as session:
        for supporter, idea in [
            (resident, posted[0]),
            (neighbour, posted[0]),
            (neighbour, posted[3]),
        ]:
            assert idea.id is not None
            actions.do_support(session, idea.id, supporter, threshold=100)

    def listed(url: str) -> tuple[list[str], bool]:
        page = browser.get(url)
        titles = [a.get_text() for a in soup(page).select(".idea-card__title a")]
        return titles, soup(page).select_one("p.notice") is not None

    # The three newest matches, most supported first; the oldest (most supported) is not read.
    assert listed("/ideas?q=fietspad&sort=supported") == (
        ["Fietspad 3", "Fietspad 4", "Fietspad 2"],
        True,
    )
    newest, noted = listed("/ideas?q=fietspad")
    assert newest == [f"Fietspad {n}" for n in (4, 3, 2, 1, 0)]
    assert not noted
    assert listed("/ideas?q=zitbank&sort=supported") == (["Zitbank in het park"], False)
    assert listed("/ideas?sort=supported")[0][0] == "Fietspad 0"


def test_random_order_is_stable_for_a_visitor_and_complete(
    browser: Browser, db: Database, resident: User
) -> None:
    for number in range(30):
        post_idea(db, resident, title=f"Idee {number}")
    seen: list[str] = []
    url: str | None = "/ideas?sort=random"
    while url:
        page = browser.get(url)
        seen += [a.get_text() for a in soup(page).select(".idea-card__title a")]
        link = soup(page).select_one("a[rel=next]")
        url = str(link["href"]) if link else None
    assert sorted(seen) == sorted(f"Idee {n}" for n in range(30))
    again = [
        a.get_text() for a in soup(browser.get("/ideas?sort=random")).select(".idea-card__title a")
    ]
    assert again == seen[:20]


def test_similar_ideas_are_suggested(browser: Browser, db: Database, resident: User) -> None:
    post_idea(db, resident, title="Fietsenstalling aan het station")
    fragment = browser.get("/ideas/similar?title=Nieuwe fietsenstalling")
    assert [a.get_text() for a in soup(fragment).select("#similar-ideas a")] == [
        "Fietsenstalling aan het station"
    ]
    assert not soup(browser.get("/ideas/similar?title=xyz")).select("#similar-ideas a")


def test_clerk_manages_categories(browser: Browser, db: Database, clerk: User) -> None:
    browser.login("greet@example.be")
    browser.get("/ideas/categories")
    bad = browser.post("/ideas/categories", {"name_nl": "Groen", "name_fr": "", "name_en": "Green"})
    assert bad.status_code == 400
    assert field_error(bad, "name_fr")
    browser.post("/ideas/categories", {"name_nl": "Groen", "name_fr": "Vert", "name_en": "Green"})
    page = browser.get("/ideas/categories")
    assert "Groen" in select_one(page, ".category-list").get_text()
    with db.read() as session:
        from sqlmodel import select

        category = session.exec(select(IdeaCategory)).one()
    browser.post(f"/ideas/categories/{category.id}", {"active": "0"})
    new_idea_form = browser.get("/ideas/new")
    assert "Groen" not in select_one(new_idea_form, "#field-category").get_text()


def test_unknown_idea_is_a_404(browser: Browser) -> None:
    assert browser.get("/ideas/9999").status_code == 404


def test_the_unverified_are_asked_to_confirm_first(browser: Browser, db: Database) -> None:
    create_user(db, email="new@example.be", verified=False)
    browser.login("new@example.be")
    response = browser.get("/ideas/new")
    assert response.status_code == 403


def test_many_residents_reading_at_once_all_get_the_page(
    browser: Browser, db: Database, idea: Idea, neighbour: User
) -> None:
    """Each request holds at most one database connection, so a crowd never waits for one."""
    browser.login("bob@example.be")
    browser.post(f"/ideas/{idea.id}/comments", {"body": "Eerste reactie"})
    with ThreadPoolExecutor(max_workers=48) as pool:
        statuses = list(
            pool.map(lambda _: browser.client.get(f"/ideas/{idea.id}").status_code, range(96))
        )
    assert set(statuses) == {200}


# What moderation decided, on the idea page (set as moderation does: through the registry).


def test_the_public_sees_a_placeholder_with_the_reason_and_nothing_of_the_idea(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author, title=HOSTILE[:150], body=f"Geheim {HOSTILE}")
    set_visible(db, "idea", idea.id, Visibility.hidden, "insult")
    in_english(browser)
    for logged_in in (False, True):
        if logged_in:
            browser.login("rik@example.be")
        page = browser.get(f"/ideas/{idea.id}")
        assert page.status_code == 200
        assert select_one(page, "h1").get_text() == "Hidden by moderation"
        assert select_one(page, ".moderation-reason").get_text() == "Reason: Insult or hate"
        assert "Geheim" not in page.text
        assert "alert" not in page.text
        assert not soup(page).select(".report-link, #support, .comment-form")


def test_content_hidden_automatically_says_so_not_a_moderators_decision(
    browser: Browser, db: Database, author: User
) -> None:
    idea = post_idea(db, author)
    set_visible(db, "idea", idea.id, Visibility.auto_hidden, None)
    page = in_english(browser).get(f"/ideas/{idea.id}")
    assert select_one(page, "h1").get_text() == (
        "Hidden automatically after reports, pending review"
    )
    assert "Hidden by moderation" not in page.text


def test_the_author_reads_their_hidden_idea_with_why_and_how_to_appeal(
    browser: Browser, db: Database, author: User
) -> None:
    idea = post_idea(db, author, title=HOSTILE[:150])
    set_visible(db, "idea", idea.id, Visibility.hidden, "spam")
    browser.login("eva@example.be")
    page = browser.get(f"/ideas/{idea.id}")
    assert select_one(page, "h1").get_text() == HOSTILE[:150]
    assert "<script>alert(1)</script>" not in page.text
    note = select_one(page, ".moderation-note")
    assert "Hidden by moderation: Spam" in note.get_text()
    assert "Only you and the moderators can see it." in note.get_text()
    assert select_one(page, ".moderation-note a")["href"] == "/me/moderation"
    # Nothing to take part in while it is hidden.
    assert not soup(page).select("#support, .comment-form")


def test_held_content_is_its_authors_and_the_moderators_alone(
    browser: Browser, db: Database, author: User, reader: User, moderator: User
) -> None:
    idea = post_idea(db, author)
    set_visible(db, "idea", idea.id, Visibility.held, None)
    assert in_english(browser).get(f"/ideas/{idea.id}").status_code == 404
    browser.login("rik@example.be")
    assert browser.get(f"/ideas/{idea.id}").status_code == 404
    assert browser.get(f"/ideas/{idea.id}/comments?after=0").status_code == 404
    for email in ("eva@example.be", "mo@example.be"):
        browser.login(email)
        page = browser.get(f"/ideas/{idea.id}")
        assert select_one(page, "h1").get_text() == idea.title
        note = select_one(page, ".moderation-note").get_text()
        assert "Waiting for a moderator before it is public." in note
    set_visible(db, "idea", idea.id, Visibility.public, None)
    page = browser.get(f"/ideas/{idea.id}")
    assert not soup(page).select(".moderation-note")


def test_the_report_link_names_the_idea_for_others_only(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author)
    assert not soup(in_english(browser).get(f"/ideas/{idea.id}")).select(".report-link")
    browser.login("eva@example.be")
    assert not soup(browser.get(f"/ideas/{idea.id}")).select(".report-link")
    browser.login("rik@example.be")
    link = select_one(browser.get(f"/ideas/{idea.id}"), ".report-link")
    assert link.get_text() == "Report"
    assert link["aria-label"] == "Report this idea"
    assert link["href"] == (
        f"/reports/new?content_type=idea&content_id={idea.id}&next=/ideas/{idea.id}"
    )


def test_a_muted_resident_reads_and_supports_but_cannot_post(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author)
    mute(db, reader, dt.datetime(2099, 3, 1, 12, 0, tzinfo=dt.UTC))
    browser.login("rik@example.be")
    for response in (
        browser.get("/ideas/new"),
        browser.post("/ideas", {"title": "Nog een idee", "body": "Tekst"}),
        browser.post(f"/ideas/{idea.id}/comments", {"body": "Hallo"}),
    ):
        assert response.status_code == 403
        assert "you can post and comment again from March 1, 2099" in response.text
        assert "1:00:00" in response.text  # 12:00 UTC is 13:00 in Brussels
    page = browser.get(f"/ideas/{idea.id}")
    assert page.status_code == 200
    assert "March 1, 2099" in select_one(page, ".posting-refused").get_text()
    assert not soup(page).select(".comment-form")
    assert browser.post(f"/ideas/{idea.id}/support").status_code == 303
    with db.read() as session:
        stored = session.get(Idea, idea.id)
        assert stored is not None
        assert stored.support_count == 1
        assert len(session.exec(select(Idea)).all()) == 1


def test_a_muted_author_cannot_edit_and_a_past_mute_is_over(
    browser: Browser, db: Database, author: User
) -> None:
    idea = post_idea(db, author)
    mute(db, author, utcnow() + dt.timedelta(days=2))
    browser.login("eva@example.be")
    edit = {"title": "Nieuwe titel", "body": "Nieuwe tekst"}
    assert browser.get(f"/ideas/{idea.id}/edit").status_code == 403
    assert browser.post(f"/ideas/{idea.id}/edit", edit).status_code == 403
    mute(db, author, utcnow() - dt.timedelta(minutes=1))
    assert browser.post(f"/ideas/{idea.id}/edit", edit).status_code == 303


def test_a_new_idea_that_screening_holds_waits_for_a_moderator(
    browser: Browser, db: Database, author: User, hold_all: HoldAll
) -> None:
    browser.login("eva@example.be")
    response = browser.post("/ideas", {"title": "Zebrapad hier", "body": "Graag"})
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert flashes(page) == ["Your idea is saved. A moderator looks at it first."]
    assert "Waiting for a moderator" in select_one(page, ".moderation-note").get_text()
    assert hold_all.screened[0][0] == "idea"
    assert hold_all.screened[0][2] == "Zebrapad hier\nGraag"
    browser.post("/logout")
    assert "Zebrapad hier" not in browser.get("/ideas").text
