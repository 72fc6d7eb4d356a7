"""The baseline: a bare Starlette app that renders one Jinja2 page as large as the real one.

`BENCH_PAGE_BYTES` gives the size to reach; static text in the template makes up the
difference. The view is a plain `def`, run in the thread pool like Inspraak's own views.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from jinja2 import Environment, Template
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

TEMPLATE = """<!doctype html>
<html lang="{{ language }}">
<head>
  <meta charset="utf-8">
  <title>{{ title }} · {{ site }}</title>
  <meta name="csrf-token" content="{{ csrf_token }}">
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  <nav><ul>
  {% for link in links %}<li><a href="{{ link.href }}">{{ link.label }}</a></li>
  {% endfor %}</ul></nav>
  <main>
    <h1>{{ title }}</h1>
    <form method="post" action="/login">
      <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
      {% for name in fields %}<label for="{{ name }}">{{ name | capitalize }}</label>
      <input id="{{ name }}" name="{{ name }}">
      {% endfor %}<button type="submit">{{ title }}</button>
    </form>
    <p>@PADDING@</p>
  </main>
</body>
</html>
"""
FILLER = "Inspraak lets residents propose ideas, vote and follow the council. "
LINKS = [
    {"href": f"/{name}", "label": name.title()}
    for name in ("ideas", "votes", "meetings", "register", "login", "help")
]


def _context() -> dict[str, Any]:
    return {
        "language": "nl",
        "title": "Aanmelden",
        "site": "Demostad",
        "csrf_token": secrets.token_hex(32),
        "links": LINKS,
        "fields": ["email", "password"],
    }


def padded_template(env: Environment, target_bytes: int) -> Template:
    unpadded = env.from_string(TEMPLATE.replace("@PADDING@", ""))
    missing = max(0, target_bytes - len(unpadded.render(_context()).encode()))
    padding = (FILLER * (missing // len(FILLER) + 1))[:missing]
    return env.from_string(TEMPLATE.replace("@PADDING@", padding))


def create_app() -> Starlette:
    template = padded_template(
        Environment(autoescape=True), int(os.environ.get("BENCH_PAGE_BYTES", "0"))
    )

    def page(_request: Request) -> HTMLResponse:
        return HTMLResponse(template.render(_context()))

    return Starlette(routes=[Route("/login", page)])
