"""A comment's own address: `/comments/{id}` leads to its place in its discussion.

Moderation and notifications link to any comment through the content registry without
knowing what it is about; this page sends the visitor on to the subject's page.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.comments import Comment, subject_url
from participation.web import see_other


def comment(request: Request) -> Response:
    with auth.database(request).read() as session:
        found = session.get(Comment, request.path_params["comment_id"])
        url = subject_url(found) if found is not None else None
    if url is None:
        raise HTTPException(404)
    return see_other(url)
