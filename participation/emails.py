"""Account emails, sent by event subscribers after the transaction that asked for them commits."""

from __future__ import annotations

from collections.abc import Callable

from participation.database import Database
from participation.events import Event, EventBus
from participation.i18n import gettext, use_language
from participation.links import RESET_PASSWORD, VERIFY_EMAIL, Links
from participation.mail import Mailer
from participation.models import User
from participation.settings import Settings

Composer = Callable[[User], tuple[str, list[str]]]


class AccountEmails:
    def __init__(self, settings: Settings, db: Database, mailer: Mailer, links: Links) -> None:
        self.settings = settings
        self.db = db
        self.mailer = mailer
        self.links = links

    def subscribe(self, bus: EventBus) -> None:
        composers: dict[str, Composer] = {
            "account.registered": self.verification,
            "account.registered_again": self.registered_again,
            "account.password_reset_requested": self.password_reset,
            "account.password_changed": self.password_changed,
        }
        for name, compose in composers.items():
            bus.subscribe(name, self._sender(compose))

    def _sender(self, compose: Composer) -> Callable[[Event], None]:
        def send(event: Event) -> None:
            with self.db.read() as session:
                user = session.get(User, event.data["user_id"])
            if user is None:
                return
            with use_language(user.language):
                subject, lines = compose(user)
                greeting = gettext("Hello %(name)s,") % {"name": user.display_name}
                place = self.settings.municipality_name
                signature = gettext("The team of %(place)s") % {"place": place}
            body = "\n\n".join([greeting, *lines, signature]) + "\n"
            self.mailer.send(user.email, subject, body)

        return send

    def _url(self, path: str) -> str:
        return f"{self.settings.base_url}{path}"

    def verification(self, user: User) -> tuple[str, list[str]]:
        assert user.id is not None
        token = self.links.make(VERIFY_EMAIL, user.id)
        return gettext("Confirm your email address"), [
            gettext("Welcome! Open this link to confirm your email address:"),
            self._url(f"/verify/{token}"),
            gettext("The link works once and for three days."),
        ]

    def registered_again(self, _user: User) -> tuple[str, list[str]]:
        return gettext("Someone tried to register with your email address"), [
            gettext(
                "Someone tried to create a new account with this email address, "
                "but you already have one. If it was you, log in or reset your "
                "password:"
            ),
            self._url("/password/forgot"),
            gettext("If it was not you, you can ignore this message."),
        ]

    def password_reset(self, user: User) -> tuple[str, list[str]]:
        assert user.id is not None
        token = self.links.make(RESET_PASSWORD, user.id, user.password_hash)
        return gettext("Choose a new password"), [
            gettext("Open this link to choose a new password:"),
            self._url(f"/password/reset/{token}"),
            gettext(
                "The link works once and for one hour. If you did not ask for it, "
                "you can ignore this message: your password stays the same."
            ),
        ]

    def password_changed(self, _user: User) -> tuple[str, list[str]]:
        return gettext("Your password was changed"), [
            gettext(
                "Your password was just changed and every session was logged out. "
                "If you did not do this, reset your password at once:"
            ),
            self._url("/password/forgot"),
        ]
