"""Named routes of the streaming package, mounted by the app factory."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
