"""Outgoing mail: through SMTP when configured, otherwise into var/outbox/ for developers."""

from __future__ import annotations

import datetime as dt
import secrets
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from participation.settings import Settings


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.smtp_url = settings.smtp_url
        self.sender = settings.mail_from
        self.outbox = settings.var_path / "outbox"

    def send(
        self, to: str, subject: str, body: str, headers: Mapping[str, str] | None = None
    ) -> None:
        """Send a plain-text message; `headers` adds more (List-Unsubscribe, say)."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        message["Message-ID"] = make_msgid(domain="inspraak")
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(body)
        # Long header lines stay as they are instead of being RFC 2047-encoded: a mail client
        # must read the unsubscribe URL verbatim (RFC 8058). RFC 5322 allows 998 characters.
        message.policy = message.policy.clone(max_line_length=998)
        if self.smtp_url:
            self._send_smtp(message)
        else:
            self._write_outbox(message)

    def _write_outbox(self, message: EmailMessage) -> Path:
        self.outbox.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.outbox / f"{stamp}-{secrets.token_hex(4)}.eml"
        path.write_bytes(message.as_bytes())
        return path

    def _send_smtp(self, message: EmailMessage) -> None:
        url = urlsplit(self.smtp_url)
        host = url.hostname or "localhost"
        if url.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, url.port or 465, timeout=30)
        else:
            client = smtplib.SMTP(host, url.port or 587, timeout=30)
            client.starttls()
        with client:
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(message)
