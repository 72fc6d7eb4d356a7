"""Account emails, sent by event subscribers after the transaction that asked for them commits."""

from __future__ import annotations

from participation.database import Database
from participation.events import Event, EventBus
from participation.i18n import gettext, use_language
from participation.links import RESET_PASSWORD, VERIFY_EMAIL, Links
from participation.mail import Mailer
from participation.models import User
from participation.settings import Settings


class AccountEmails:
    def __init__(self, settings: Settings, db: Database, mailer: Mailer, links: Links) -> None:
        self.settings = settings
        self.db = db
        self.mailer = mailer
        self.links = links

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe("account.registered", self.verification)
        bus.subscribe("account.registered_again", self.registered_again)
        bus.subscribe("account.password_reset_requested", self.password_reset)
        bus.subscribe("account.password_changed", self.password_changed)

    def _user(self, event: Event) -> User | None:
        with self.db.read() as session:
            return session.get(User, event.data["user_id"])

    def _send(self, user: User, subject: str, lines: list[str]) -> None:
        greeting = gettext("Hello %(name)s,") % {"name": user.display_name}
        signature = gettext("The team of %(place)s") % {"place": self.settings.municipality_name}
        body = "\n\n".join([greeting, *lines, signature]) + "\n"
        self.mailer.send(user.email, subject, body)

    def verification(self, event: Event) -> None:
        user = self._user(event)
        if user is None or user.id is None:
            return
        link = f"{self.settings.base_url}/verify/{self.links.make(VERIFY_EMAIL, user.id)}"
        with use_language(user.language):
            self._send(
                user,
                gettext("Confirm your email address"),
                [
                    gettext("Welcome! Open this link to confirm your email address:"),
                    link,
                    gettext("The link works once and for three days."),
                ],
            )

    def registered_again(self, event: Event) -> None:
        user = self._user(event)
        if user is None:
            return
        with use_language(user.language):
            self._send(
                user,
                gettext("Someone tried to register with your email address"),
                [
                    gettext(
                        "Someone tried to create a new account with this email address, "
                        "but you already have one. If it was you, log in or reset your "
                        "password:"
                    ),
                    f"{self.settings.base_url}/password/forgot",
                    gettext("If it was not you, you can ignore this message."),
                ],
            )

    def password_reset(self, event: Event) -> None:
        user = self._user(event)
        if user is None or user.id is None:
            return
        token = self.links.make(RESET_PASSWORD, user.id, user.password_hash)
        with use_language(user.language):
            self._send(
                user,
                gettext("Choose a new password"),
                [
                    gettext("Open this link to choose a new password:"),
                    f"{self.settings.base_url}/password/reset/{token}",
                    gettext(
                        "The link works once and for one hour. If you did not ask for it, "
                        "you can ignore this message: your password stays the same."
                    ),
                ],
            )

    def password_changed(self, event: Event) -> None:
        user = self._user(event)
        if user is None:
            return
        with use_language(user.language):
            self._send(
                user,
                gettext("Your password was changed"),
                [
                    gettext(
                        "Your password was just changed and every session was logged out. "
                        "If you did not do this, reset your password at once:"
                    ),
                    f"{self.settings.base_url}/password/forgot",
                ],
            )
