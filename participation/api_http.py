"""HTTP for the open data: CORS for GET, validators with 304 answers, caching, a rate limit.

One plain ASGI middleware for `/api/v1/...` and the feeds and exports (`.atom`, `.ics`, `.csv`,
`.geojson`, `.jsonld`), so that every machine-readable answer behaves the same whichever
feature wrote its view, and the views stay free of HTTP plumbing.

- CORS: any origin may read (GET, HEAD) this public data; a preflight for GET is answered
  here with 204. Other methods get no CORS headers, so a foreign page can never send them.
- Validators: a 200 answer to GET gets a strong `ETag` (a hash of its body) unless the view set
  one, and `Cache-Control: public, max-age=60` unless the view set its own. A request whose
  `If-None-Match` matches, or (without `If-None-Match`) whose `If-Modified-Since` is not older
  than the view's `Last-Modified`, gets `304 Not Modified` without a body. A body larger than
  BUFFER_LIMIT is passed on as it streams, without an ETag, rather than held in memory.
- Rate limit: `settings.api_rate_limit` requests per minute per address (0: none), counted in
  participation.ratelimit's table so that every worker counts together. An address that went
  over is then refused from memory until its window ends, so a client hammering the API costs
  no database write per request.
"""

from __future__ import annotations

import hashlib
import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any

from anyio import to_thread
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from participation import ratelimit
from participation.database import Database
from participation.i18n import N_, gettext
from participation.settings import Settings
from participation.web import client_address

log = logging.getLogger(__name__)

OPEN_DATA_SUFFIXES = (".atom", ".ics", ".csv", ".geojson", ".jsonld")
READ_METHODS = frozenset({"GET", "HEAD"})
DEFAULT_CACHE_CONTROL = "public, max-age=60"
BUFFER_LIMIT = 8 * 2**20  # bytes; larger answers stream on without an ETag
# Headers a reader may send in a cross-origin GET, and may read from our answer.
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Link"
PREFLIGHT_MAX_AGE = "86400"
# What a 304 leaves out: it has no body to describe.
_BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding"})
RATE_LIMITED = N_("Too many requests from your address: wait a little before you try again.")


def is_open_data(path: str) -> bool:
    return path.startswith("/api/v1/") or path.endswith(OPEN_DATA_SUFFIXES)


def body_etag(body: bytes) -> str:
    """A strong validator: the same bytes give the same tag, in every worker and after a restart."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _tags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header, compared weakly as RFC 9110 asks for it."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def not_modified(request: Headers, etag: str | None, last_modified: str | None) -> bool:
    """Whether the client's copy is current (RFC 9110 section 13.2.2: If-None-Match wins)."""
    if_none_match = request.get("if-none-match")
    if if_none_match is not None:
        tags = _tags(if_none_match)
        return etag is not None and ("*" in tags or etag.removeprefix("W/") in tags)
    if_modified_since = request.get("if-modified-since")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC says


def _cors(headers: MutableHeaders) -> None:
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS


def _preflight() -> Response:
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
        },
    )


class OpenDataMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.rule = (
            ratelimit.RateLimit("api-address", settings.api_rate_limit, 60)
            if settings.api_rate_limit > 0
            else None
        )
        # Addresses over the limit, and when their window ends (time.time()).
        self.blocked: dict[str, float] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_open_data(scope["path"]):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        request = Headers(scope=scope)
        if method == "OPTIONS" and request.get("access-control-request-method") in READ_METHODS:
            await _preflight()(scope, receive, send)
            return
        if self.rule is not None:
            retry_after = await self._admit(scope)
            if retry_after:
                await self._refuse(retry_after, method in READ_METHODS)(scope, receive, send)
                return
        if method not in READ_METHODS:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _ReadAnswer(request, send, buffer=method == "GET").send)

    async def _admit(self, scope: Scope) -> int:
        """Count the request; 0 if it may go on, else the seconds until the window ends."""
        assert self.rule is not None
        address = client_address(HTTPConnection(scope))
        now = time.time()
        until = self.blocked.get(address)
        if until is not None:
            if until > now:
                return max(1, round(until - now))
            del self.blocked[address]
        db: Database = scope["app"].state.db
        try:
            await to_thread.run_sync(self._hit, db, address)
        except ratelimit.RateLimited as refused:
            if len(self.blocked) > 10_000:  # forget the windows that ended
                self.blocked = {a: t for a, t in self.blocked.items() if t > now}
            self.blocked[address] = now + refused.retry_after
            return refused.retry_after
        except SQLAlchemyError:
            # The data is public: a database that cannot count should not also refuse readers.
            log.warning("API rate limit not counted for %s", address, exc_info=True)
        return 0

    def _hit(self, db: Database, address: str) -> None:
        assert self.rule is not None
        with db.write() as session:
            ratelimit.check_and_hit(session, self.rule, address)

    @staticmethod
    def _refuse(retry_after: int, cors: bool) -> Response:
        response = JSONResponse(
            {"error": {"code": "rate_limited", "message": gettext(RATE_LIMITED)}},
            status_code=429,
            headers={"Retry-After": str(retry_after)},
        )
        if cors:
            _cors(response.headers)
        return response


class _ReadAnswer:
    """The `send` of one GET or HEAD: adds CORS and caching headers, and turns a 200 into a 304
    when the client's copy is current. A GET's body is held (up to BUFFER_LIMIT) to hash it."""

    def __init__(self, request: Headers, send: Send, *, buffer: bool) -> None:
        self.request = request
        self.downstream = send
        self.buffer = buffer
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.passing = False  # sending on as it comes
        self.swallowing = False  # a 304 was sent: the view's body goes nowhere

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await self._started(message)
        elif message["type"] != "http.response.body" or self.passing:
            await self.downstream(message)
        elif self.swallowing:
            if not message.get("more_body", False):
                await self.downstream({"type": "http.response.body", "body": b""})
        else:
            await self._held(message)

    async def _started(self, message: Message) -> None:
        headers = MutableHeaders(scope=message)
        _cors(headers)
        if message["status"] != 200:
            self.passing = True
            await self.downstream(message)
            return
        headers.setdefault("Cache-Control", DEFAULT_CACHE_CONTROL)
        if "vary" not in headers:
            headers["Vary"] = "Accept-Language"
        etag = headers.get("etag")
        if etag is not None or not self.buffer:
            # The view chose its own validator (or this is a HEAD): no need to see the body.
            if not_modified(self.request, etag, headers.get("last-modified")):
                self.swallowing = True
                await self.downstream(_as_304(message))
                return
            self.passing = True
            await self.downstream(message)
            return
        self.start = message

    async def _held(self, message: Message) -> None:
        assert self.start is not None
        body: bytes = message.get("body", b"")
        more: bool = message.get("more_body", False)
        self.chunks.append(body)
        self.size += len(body)
        if more and self.size <= BUFFER_LIMIT:
            return
        if more:  # too large to hold: on it goes, as it streams
            self.passing = True
            await self.downstream(self.start)
            held = b"".join(self.chunks)
            self.chunks = []
            await self.downstream({"type": "http.response.body", "body": held, "more_body": True})
            return
        whole = b"".join(self.chunks)
        self.chunks = []
        headers = MutableHeaders(scope=self.start)
        etag = headers["ETag"] = body_etag(whole)
        if not_modified(self.request, etag, headers.get("last-modified")):
            await self.downstream(_as_304(self.start))
            await self.downstream({"type": "http.response.body", "body": b""})
            return
        await self.downstream(self.start)
        await self.downstream({"type": "http.response.body", "body": whole})


def _as_304(start: Message) -> dict[str, Any]:
    kept = [(k, v) for k, v in start["headers"] if k.decode("latin-1").lower() not in _BODY_HEADERS]
    return {"type": "http.response.start", "status": 304, "headers": kept}
