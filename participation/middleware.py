"""The middleware stack, outermost first: security headers, cookies and language, body limit, CSRF.

Each is plain ASGI so that the language context variable reaches the views.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from participation.context import SCOPE_KEY, RequestContext
from participation.i18n import negotiate, set_language
from participation.settings import LANGUAGES, Settings

SESSION_COOKIE = "inspraak_session"
LANGUAGE_COOKIE = "inspraak_language"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The one-click unsubscribe of RFC 8058: a mail client posts it without cookies, so without a
# token; the signed token in the path is the proof (participation.email_views.unsubscribe).
CSRF_EXEMPT = re.compile(r"/unsubscribe/[^/]+")


def content_security_policy(settings: Settings) -> str:
    """No inline script or style; images only from us and the map tile server."""
    tiles = urlsplit(settings.map_tile_url.replace("{s}.", "*."))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: {tiles.scheme}://{tiles.netloc}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


ErrorPage = Callable[[Request, int, str], Response]


def csrf_token(secret_key: str, subject: str) -> str:
    digest = hmac.new(secret_key.encode(), b"csrf|" + subject.encode(), hashlib.sha256)
    return digest.hexdigest()


def _cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope["headers"]:
        if name == b"cookie":
            parsed: SimpleCookie = SimpleCookie()
            try:
                parsed.load(value.decode("latin-1"))
            except Exception:
                return {}
            return {key: morsel.value for key, morsel in parsed.items()}
    return {}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.https = settings.base_url.startswith("https://")
        self.policy = content_security_policy(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", self.policy)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self)"
                if self.https:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse bodies over the limit with 413, whether they announce their length or not."""

    def __init__(self, app: ASGIApp, settings: Settings, error_page: ErrorPage) -> None:
        self.app = app
        self.limit = settings.max_request_bytes
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(scope, receive, send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = self.error_page(request, 413, "")
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


# What a session cookie says: the login token, the anonymous id, the flash messages.
CookieSession = tuple[str | None, str | None, tuple[tuple[str, str], ...]]


class SessionCookieMiddleware:
    """Read the signed session cookie into the request context; write cookies on the way out.

    The one session cookie carries the session (a login token, or an anonymous id for the CSRF
    token of a visitor) and the flash messages for the next page, so that the site sets no
    cookies but this one and the language.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.serializer = URLSafeSerializer(settings.secret_key, salt="inspraak.session")
        self.max_age = settings.session_days * 24 * 3600
        self.secure = "; Secure" if settings.base_url.startswith("https://") else ""
        self.default_language = settings.default_language
        # A browser sends the same cookie with request after request: checking its signature
        # and parsing it once is enough (keyed by the exact string, so a forgery is its own key).
        self._decode = functools.lru_cache(maxsize=4096)(self._decode_cookie)

    def _decode_cookie(
        self, raw: str
    ) -> tuple[str | None, str | None, tuple[tuple[str, str], ...]]:
        """The login token, the anonymous id and the flash messages a session cookie carries;
        (None, None, ()) for a forged or damaged one."""
        try:
            kind, value, raw_flashes = self.serializer.loads(raw)
            flashes = tuple((str(c), str(m)) for c, m in raw_flashes)
        except (BadSignature, TypeError, ValueError):
            return None, None, ()
        if not isinstance(value, str) or not value:
            return None, None, ()
        return (value if kind == "t" else None), (value if kind == "a" else None), flashes

    def _read(self, cookies: dict[str, str]) -> RequestContext:
        raw = cookies.get(SESSION_COOKIE)
        token, anonymous, flashes = self._decode(raw) if raw else (None, None, ())
        context = RequestContext(
            session_token=token, anonymous_id=anonymous or secrets.token_urlsafe(24)
        )
        context.has_cookie = anonymous is not None or token is not None
        context.flashes_in = list(flashes)
        return context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        context = self._read(cookies)
        language = cookies.get(LANGUAGE_COOKIE)
        if language in LANGUAGES:
            context.language = language
        else:
            accept = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
            context.language = negotiate(accept, self.default_language)
        set_language(context.language)
        scope[SCOPE_KEY] = context
        if scope["type"] == "websocket":
            # No cookie to set on a websocket; its `send` goes unwrapped, as the live
            # sockets send every message to thousands of viewers through it.
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for cookie in self._cookies_to_set(context):
                    headers.append("Set-Cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    def _cookie(self, name: str, value: str, max_age: int | None) -> str:
        age = f"; Max-Age={max_age}" if max_age is not None else ""
        return f"{name}={value}; Path=/; HttpOnly; SameSite=Lax{self.secure}{age}"

    def _session_cookie(self, context: RequestContext) -> str | None:
        """The session cookie when the session or the flash messages change, else None."""
        flashes_changed = bool(context.flashes_out) or (
            context.flashes_shown and bool(context.flashes_in)
        )
        if context.new_session_token:
            kind, value, max_age = "t", context.new_session_token, self.max_age
        elif context.end_session or context.cookie_needed:
            kind, value, max_age = "a", context.anonymous_id, None
        elif not flashes_changed:
            return None
        elif context.session_token:
            kind, value, max_age = "t", context.session_token, self.max_age
        else:
            kind, value, max_age = "a", context.anonymous_id, None
        # New messages replace unshown ones (a double click says "saved" once); messages a
        # page has shown are gone; others wait for the next page.
        flashes = context.flashes_out or ([] if context.flashes_shown else context.flashes_in)
        payload = self.serializer.dumps([kind, value, flashes])
        return self._cookie(SESSION_COOKIE, payload, max_age)

    def _cookies_to_set(self, context: RequestContext) -> list[str]:
        cookies = []
        session_cookie = self._session_cookie(context)
        if session_cookie is not None:
            cookies.append(session_cookie)
        if context.new_language:
            cookies.append(self._cookie(LANGUAGE_COOKIE, context.new_language, 365 * 24 * 3600))
        return cookies


class CSRFMiddleware:
    """Every state-changing request carries the token bound to this browser's session."""

    def __init__(self, app: ASGIApp, settings: Settings, error_page: ErrorPage) -> None:
        self.app = app
        self.secret_key = settings.secret_key
        self.base_origin = settings.base_url
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or CSRF_EXEMPT.fullmatch(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        context: RequestContext = scope[SCOPE_KEY]
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            context.form = await request.form()
        try:
            if not self._same_origin(request):
                response = self.error_page(request, 403, "origin")
            elif not self._token_ok(request, context):
                response = self.error_page(request, 403, "csrf")
            else:
                await self.app(scope, receive, send)
                return
            await response(scope, receive, send)
        finally:
            await context.form.close()  # uploaded files live in temporary files until now

    def _same_origin(self, request: Request) -> bool:
        origin = request.headers.get("origin")
        if origin is None:
            return True
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        return origin in (own, self.base_origin)

    def _token_ok(self, request: Request, context: RequestContext) -> bool:
        given = request.headers.get(CSRF_HEADER) or context.form.get(CSRF_FIELD)
        if not isinstance(given, str) or not given:
            return False
        expected = csrf_token(self.secret_key, context.csrf_subject)
        return hmac.compare_digest(given, expected)
