"""Mail goes to the outbox folder when no SMTP server is configured."""

from __future__ import annotations

from pathlib import Path

from participation.mail import Mailer
from participation.settings import Settings
from tests.helpers import Outbox


def test_without_smtp_mail_lands_in_the_outbox(tmp_path: Path) -> None:
    settings = Settings.from_env({"INSPRAAK_VAR_DIR": str(tmp_path)})
    Mailer(settings).send("bea@example.be", "Hallo Bea", "Welkom bij Inspraak: é, ç, ü.")
    [message] = Outbox(tmp_path / "outbox").to("bea@example.be")
    assert message["Subject"] == "Hallo Bea"
    assert message["From"] == settings.mail_from
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "é, ç, ü" in body.decode()
