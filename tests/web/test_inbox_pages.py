"""A section of the home page with more items than it shows: the count is the whole
section's, and its pages go through every item once."""

import re

from sqlalchemy.engine import Engine

from qms.services.inbox import SHOWN_PER_SECTION
from tests.helpers import new_draft

DRAFTS = SHOWN_PER_SECTION + 3
_CODE = re.compile(r"href=\"/documents/(QT-\d{2})\?issue=")


def _codes(html: str) -> list[str]:
    section = html.split('id="inbox-drafts"')[1].split("</section>")[0]
    return _CODE.findall(section)


def test_a_long_section_is_counted_and_paged(web_engine: Engine, as_user) -> None:  # type: ignore[no-untyped-def]
    for n in range(DRAFTS):
        new_draft(web_engine, f"QT-{n:02d}", title=f"Quy trình {n}")
    thu = as_user("thu")
    home = thu.get("/").text
    assert f'<span class="count">{DRAFTS}</span>' in home.split('id="inbox-drafts"')[1]
    first = _codes(home)
    assert len(first) == SHOWN_PER_SECTION
    assert 'href="/inbox/drafts?page=2"' in home
    second = thu.get("/inbox/drafts", params={"page": 2})
    assert second.status_code == 200
    rest = _codes(second.text)
    assert len(rest) == DRAFTS - SHOWN_PER_SECTION
    assert sorted(first + rest) == [f"QT-{n:02d}" for n in range(DRAFTS)]
    assert 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    assert _codes(thu.get("/inbox/drafts", params={"page": 3}).text) == []


def test_a_section_the_user_has_not_is_not_found(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("lan").get("/inbox/drafts").status_code == 404
    assert as_user("thu").get("/inbox/drafts", params={"page": 0}).status_code == 422
