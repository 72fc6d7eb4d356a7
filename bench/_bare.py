"""The baseline: a bare Starlette app that renders one Jinja2 page as large as the real one.

`BENCH_PAGE_BYTES` gives the size to reach; static text in the template makes up the
difference. The view is a plain `def`, run in the thread pool like Inspraak's own views.

For benchmarks that compare pages of several sizes, `GET /page?bytes=N` (also POST, for a
form's answer) renders the same template padded to N bytes, and `GET /json?bytes=N` answers a
JSON list of items of about N bytes, serialised on each request.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from typing import Any

from jinja2 import Environment, Template
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
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


def json_items(target_bytes: int) -> list[dict[str, Any]]:
    """Items like an API list's, as many as make about `target_bytes` of JSON."""
    item = {
        "id": 12345,
        "title": "Meer fietsenstallingen aan het station",
        "excerpt": FILLER * 2,
        "status": "new",
        "support_count": 42,
        "url": "http://127.0.0.1:8000/ideas/12345",
    }
    each = len(JSONResponse(item).body) + 1
    return [dict(item, id=i) for i in range(max(1, target_bytes // each))]


def _size(request: Request) -> int:
    raw = request.query_params.get("bytes", "0")
    return min(int(raw), 10_000_000) if raw.isdigit() else 0


def create_app() -> Starlette:
    env = Environment(autoescape=True)
    template = padded_template(env, int(os.environ.get("BENCH_PAGE_BYTES", "0")))
    sized_items = lru_cache(maxsize=64)(json_items)

    @lru_cache(maxsize=64)
    def sized_template(size: int) -> Template:
        return padded_template(env, size)

    def page(_request: Request) -> HTMLResponse:
        return HTMLResponse(template.render(_context()))

    def sized_page(request: Request) -> HTMLResponse:
        return HTMLResponse(sized_template(_size(request)).render(_context()))

    def sized_json(request: Request) -> JSONResponse:
        items = [dict(item) for item in sized_items(_size(request))]
        return JSONResponse({"items": items, "next": None})

    return Starlette(
        routes=[
            Route("/login", page),
            Route("/page", sized_page, methods=["GET", "POST"]),
            Route("/json", sized_json),
        ]
    )
