"""The baseline of bench/live.py: a bare `websockets` server that broadcasts what it is given.

`python -m bench._live_bare PORT` serves websockets on 127.0.0.1:PORT (any path, without
compression, like the app under `inspraak serve`), on uvloop like uvicorn; each client just
waits. A plain `GET /publish?message=TEXT` answers 200 and hands TEXT to
`websockets.broadcast` for every open connection: the bench sends it the very bytes the app
sends its viewers for the same chair action.
"""

from __future__ import annotations

import sys
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import uvloop
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.http11 import Request, Response

from bench._live_viewers import raise_open_files


async def main(port: int) -> None:
    async def viewer(connection: ServerConnection) -> None:
        await connection.wait_closed()

    def publish(connection: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path != "/publish":
            return None
        for message in parse_qs(url.query).get("message", []):
            broadcast(connection.server.connections, message)
        return connection.respond(HTTPStatus.OK, "published\n")

    async with serve(
        viewer, "127.0.0.1", port, compression=None, process_request=publish, backlog=4096
    ) as server:
        await server.serve_forever()


if __name__ == "__main__":
    raise_open_files()
    uvloop.run(main(int(sys.argv[1])))
