"""Demo data: a municipality with one account per role. Loading it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from participation.actions import do_create_user, user_by_email
from participation.database import Database, utcnow
from participation.features import feature_modules
from participation.models import Role, User, UserRole

DEMO_PASSWORD = "inspraak-demo-2026"  # noqa: S105 - published on purpose, demo accounts only


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount(Role.resident, "bewoner@demostad.example", "Bea Bewoner"),
    DemoAccount(Role.council_member, "raadslid@demostad.example", "Rik Raadslid"),
    DemoAccount(Role.clerk, "griffier@demostad.example", "Greet Griffier"),
    DemoAccount(Role.moderator, "moderator@demostad.example", "Mo Moderator"),
    DemoAccount(Role.admin, "beheerder@demostad.example", "Bert Beheerder"),
)


def demo_resident(session: Session, email: str, display_name: str, password_hash: str) -> User:
    """The verified demo account with this address, made if missing. The caller hashes the demo
    password once for all its accounts: hashing is slow on purpose, once per account would be
    most of the demo's loading time."""
    user = user_by_email(session, email)
    if user is None:
        user = User(
            email=email,
            display_name=display_name,
            password_hash=password_hash,
            email_verified_at=utcnow(),
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        session.add(UserRole(user_id=user.id, role=Role.resident.value))
    return user


def load_demo(db: Database) -> list[DemoAccount]:
    with db.write() as session:
        for account in DEMO_ACCOUNTS:
            if user_by_email(session, account.email) is None:
                do_create_user(
                    session,
                    email=account.email,
                    display_name=account.display_name,
                    password=DEMO_PASSWORD,
                    roles=(account.role,),
                    verified=True,
                )
    for module in feature_modules("demo"):
        module.load(db)
    return list(DEMO_ACCOUNTS)
