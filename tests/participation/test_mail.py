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


def test_extra_headers_such_as_list_unsubscribe_reach_the_message_unfolded(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env({"INSPRAAK_VAR_DIR": str(tmp_path)})
    url = "https://inspraak.example.be/unsubscribe/" + "x" * 120
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    Mailer(settings).send("bea@example.be", "Nieuws", "Tekst", headers)
    [message] = Outbox(tmp_path / "outbox").to("bea@example.be")
    assert message["List-Unsubscribe"] == f"<{url}>"  # a mail client reads it verbatim
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
