"""User Markdown becomes safe HTML: an allowlist, no scripts, ids or htmx attributes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from bs4 import BeautifulSoup

from participation.markup import plain_text, render_markdown

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="/x" hx-post="/logout" hx-trigger="load" id="main">x</a>',
    '<div data-hx-get="/x" style="color:red" onclick="alert(1)">x</div>',
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    "![pic](https://evil.example/track.png)",
]


@pytest.mark.parametrize("hostile", XSS)
def test_hostile_markup_is_made_harmless(hostile: str) -> None:
    page = BeautifulSoup(str(render_markdown(hostile)), "html.parser")
    assert not page.find_all(["script", "img", "iframe", "svg", "div"])
    for tag in page.find_all(True):
        for attribute in tag.attrs:
            assert attribute in {"href", "title", "rel"}, (hostile, attribute)
        assert not str(tag.get("href", "")).startswith("javascript")


def test_markdown_subset_and_links() -> None:
    page = BeautifulSoup(
        str(render_markdown("**vet** en *schuin*\n\n- een\n- twee\n\nhttps://gent.be")),
        "html.parser",
    )
    assert page.find("strong").get_text() == "vet"  # type: ignore[union-attr]
    assert [li.get_text() for li in page.find_all("li")] == ["een", "twee"]
    link = page.find("a")
    assert link is not None
    assert link["href"] == "https://gent.be"
    assert link["rel"] == ["nofollow", "ugc", "noopener"]


def test_plain_text_for_previews() -> None:
    assert plain_text("**Hallo** & <b>welkom</b>\n\nbij ons") == "Hallo & welkom bij ons"
    assert plain_text("woord " * 100, limit=20).endswith("…")


def test_rendering_is_safe_from_many_threads_at_once() -> None:
    texts = [f"reactie **{n}** met https://gent.be/{n} en *nadruk*" for n in range(400)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        rendered = list(pool.map(lambda text: str(render_markdown(text)), texts))
    assert all("<strong>" in html for html in rendered)
