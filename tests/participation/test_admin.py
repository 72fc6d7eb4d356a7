"""The administrator grants and revokes roles; nobody else can."""

from __future__ import annotations

from participation.database import Database
from participation.models import Role, User
from tests.helpers import Browser, create_user, flashes, soup

HOSTILE = '"><script>alert(1)</script>'


def test_admin_grants_and_revokes_a_role(browser: Browser, db: Database) -> None:
    create_user(db, email="admin@example.be", name="Admin", roles=(Role.admin,))
    ann = create_user(db)
    browser.login("admin@example.be")
    page = browser.get("/admin/users?q=ann")
    assert [h.get_text() for h in soup(page).select(".user-row__name")] == ["Ann"]
    response = browser.post(f"/admin/users/{ann.id}/roles", {"role": "clerk", "action": "grant"})
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert "Griffier" in flashes(page)[0]
    held = [b.get_text(strip=True) for b in soup(page).select(".role-toggle--held")]
    assert "Griffier" in held
    browser.post(f"/admin/users/{ann.id}/roles", {"role": "clerk", "action": "revoke"})
    page = browser.get("/admin/users?q=ann")
    assert "Griffier" not in [
        b.get_text(strip=True) for b in soup(page).select(".role-toggle--held")
    ]


def test_revoking_a_role_ends_the_users_sessions(
    client_pair: tuple[Browser, Browser], db: Database
) -> None:
    admin, clerk = client_pair
    create_user(db, email="admin@example.be", name="Admin", roles=(Role.admin,))
    greet = create_user(db, email="greet@example.be", name="Greet", roles=(Role.clerk,))
    admin.login("admin@example.be")
    clerk.login("greet@example.be")
    admin.get("/admin/users")
    admin.post(f"/admin/users/{greet.id}/roles", {"role": "clerk", "action": "revoke"})
    assert clerk.get("/account").status_code == 303


def test_an_admin_cannot_remove_their_own_admin_role(browser: Browser, db: Database) -> None:
    admin = create_user(db, email="admin@example.be", name="Admin", roles=(Role.admin,))
    browser.login("admin@example.be")
    response = browser.post(f"/admin/users/{admin.id}/roles", {"role": "admin", "action": "revoke"})
    assert response.status_code == 409
    assert browser.get("/admin/users").status_code == 200


def test_residents_and_visitors_are_kept_out(browser: Browser, db: Database) -> None:
    ann = create_user(db)
    assert browser.get("/admin/users").status_code == 303
    browser.login("ann@example.be")
    assert browser.get("/admin/users").status_code == 403
    response = browser.post(f"/admin/users/{ann.id}/roles", {"role": "admin", "action": "grant"})
    assert response.status_code == 403


def test_unknown_account_and_bad_role(browser: Browser, db: Database) -> None:
    create_user(db, email="admin@example.be", name="Admin", roles=(Role.admin,))
    browser.login("admin@example.be")
    assert (
        browser.post("/admin/users/9999/roles", {"role": "clerk", "action": "grant"}).status_code
        == 404
    )
    assert (
        browser.post("/admin/users/1/roles", {"role": "king", "action": "grant"}).status_code == 400
    )
    assert browser.get("/admin/users?after=abc").status_code == 400


def test_the_list_pages_by_keyset(browser: Browser, db: Database) -> None:
    admin = create_user(db, email="admin@example.be", name="Admin", roles=(Role.admin,))
    with db.write() as session:  # many accounts at once: one argon2 hash, shared
        for number in range(55):
            session.add(
                User(
                    email=f"user{number}@example.be",
                    display_name=f"User {number}",
                    password_hash=admin.password_hash,
                )
            )
    browser.login("admin@example.be")
    first = browser.get("/admin/users")
    names = [h.get_text() for h in soup(first).select(".user-row__name")]
    assert len(names) == 50
    more = soup(first).select_one("a[href*='after=']")
    assert more is not None
    second = browser.get(str(more["href"]))
    rest = [h.get_text() for h in soup(second).select(".user-row__name")]
    assert len(rest) == 6
    assert not set(names) & set(rest)


def test_hostile_names_are_escaped_on_the_admin_page(browser: Browser, db: Database) -> None:
    create_user(db, email="admin@example.be", name="Admin", roles=(Role.admin,))
    create_user(db, email="eve@example.be", name=HOSTILE)
    browser.login("admin@example.be")
    page = browser.get("/admin/users?q=eve")
    assert soup(page).find("script", string="alert(1)") is None
    assert [h.get_text() for h in soup(page).select(".user-row__name")] == [HOSTILE]
