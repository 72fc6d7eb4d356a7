"""How a `check_*` function says no: a status code and a message for the user."""

from __future__ import annotations


class Refused(Exception):
    """The action may not happen now; views turn this into 403/404/409 with the message."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
