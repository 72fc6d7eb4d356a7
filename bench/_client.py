"""A small HTTP/1.1 keep-alive client on asyncio streams, a closed-loop load generator, and
what both benchmarks need to talk to the app: its environment, a GET, the session cookie and
CSRF token of a reply, and the login of a resident."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from time import perf_counter
from urllib.parse import urlencode

from tests.server import app_env as served_app_env

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name.lower()]


class Connection:
    """One keep-alive connection to 127.0.0.1; requests on it go one after the other."""

    def __init__(self, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.port = port
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(port, reader, writer)

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Reply:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write("\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *header_lines = head.rstrip("\r\n").split("\r\n")
        pairs = [line.split(":", 1) for line in header_lines]
        reply_headers = [(key.strip().lower(), value.strip()) for key, value in pairs]
        status = int(status_line.split()[1])
        if status in (204, 304):  # no body, whatever the headers say
            return Reply(status, reply_headers, b"")
        lengths = [int(value) for key, value in reply_headers if key == "content-length"]
        if not lengths:
            raise RuntimeError(f"{method} {path}: reply without Content-Length")
        content = await self.reader.readexactly(lengths[0])
        return Reply(status, reply_headers, content)

    async def close(self) -> None:
        self.writer.close()
        with suppress(ConnectionError):  # the server may have dropped it first
            await self.writer.wait_closed()


@dataclass
class Sample:
    """Requests completed over some wall-clock time, and the latency of each (seconds)."""

    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def add(self, other: Sample) -> None:
        self.elapsed += other.elapsed
        self.latencies += other.latencies


async def load(
    port: int,
    path: str,
    headers: dict[str, str],
    connections: int,
    seconds: float,
    limit: int,
    *,
    method: str = "GET",
    statuses: Counter[int] | None = None,
) -> Sample:
    """Keep `connections` clients busy with `method` `path` for `seconds` or `limit` requests.

    A status other than 200 raises, unless `statuses` is given: then every status is counted
    there and the load goes on; a connection the server drops (as uvicorn does after an
    unhandled error) is opened again and counted as status 0."""
    pool = list(await asyncio.gather(*(Connection.open(port) for _ in range(connections))))
    sample = Sample()
    start = perf_counter()
    deadline = start + seconds

    async def client(index: int) -> None:
        while perf_counter() < deadline and len(sample.latencies) < limit:
            sent = perf_counter()
            try:
                reply = await pool[index].request(method, path, headers)
            except (ConnectionError, asyncio.IncompleteReadError):
                if statuses is None:
                    raise
                statuses[0] += 1
                await pool[index].close()
                pool[index] = await Connection.open(port)
                continue
            sample.latencies.append(perf_counter() - sent)
            if statuses is not None:
                statuses[reply.status] += 1
            elif reply.status != 200:
                raise RuntimeError(f"{method} {path} on port {port} gave {reply.status}")

    try:
        await asyncio.gather(*(client(index) for index in range(connections)))
        sample.elapsed = perf_counter() - start
    finally:
        await asyncio.gather(*(connection.close() for connection in pool))
    return sample


def app_env(database_url: str, var_dir: str, port: int) -> dict[str, str]:
    """The environment for the app served on `port`, on the database at `database_url`; the
    API's rate limit is off, since every request of a benchmark comes from one address."""
    return served_app_env(database_url, var_dir, port, INSPRAAK_API_RATE_LIMIT="0")


async def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> Reply:
    """GET `path` on a connection of its own; a status other than 200 raises."""
    connection = await Connection.open(port)
    try:
        reply = await connection.request("GET", path, headers)
    finally:
        await connection.close()
    if reply.status != 200:
        raise RuntimeError(f"GET {path} gave {reply.status}")
    return reply


def session_cookie(reply_headers: list[str]) -> str:
    """The `name=value` part of the session cookie a reply sets."""
    for cookie in reply_headers:
        if cookie.startswith("inspraak_session="):
            return cookie.split(";", 1)[0]
    raise RuntimeError("GET /login set no session cookie")


def csrf_token(page: Reply) -> str:
    """The CSRF token in a page's csrf-token meta tag."""
    token = CSRF_META.search(page.body.decode())
    if token is None:
        raise RuntimeError("GET /login has no csrf-token meta tag")
    return token.group(1)


def login_form(page: Reply, email: str, password: str) -> tuple[dict[str, str], bytes]:
    """The headers and body of the POST /login that follows the GET /login `page`."""
    form = {"email": email, "password": password, "csrf_token": csrf_token(page)}
    headers = {
        "Cookie": session_cookie(page.header("set-cookie")),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return headers, urlencode(form).encode()


@dataclass(frozen=True)
class Resident:
    user_id: int
    cookie: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie, "X-CSRF-Token": self.token, "HX-Request": "true"}


async def log_in(port: int, email: str, password: str, user_id: int) -> Resident:
    """GET /login, POST /login, then GET /login again for the token of the new session."""
    connection = await Connection.open(port)
    try:
        page = await connection.request("GET", "/login")
        headers, body = login_form(page, email, password)
        reply = await connection.request("POST", "/login", headers, body)
        if reply.status != 303:
            raise RuntimeError(f"POST /login for {email} gave {reply.status}, not 303")
        cookie = session_cookie(reply.header("set-cookie"))
        page = await connection.request("GET", "/login", {"Cookie": cookie})
        return Resident(user_id, cookie, csrf_token(page))
    finally:
        await connection.close()
