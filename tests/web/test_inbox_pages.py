"""A section of the home page with more items than it shows: the count is the whole
section's, and its pages go through every item once. Sections say who holds a step and
lead to where it is taken."""

import re
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from qms import clock
from qms.services import inbox
from qms.services.documents import revisions
from qms.services.inbox import SHOWN_PER_SECTION
from tests.helpers import act, new_draft
from tests.pinned_clock import NOW
from tests.seed import PASSWORD
from tests.services.test_distribution import listed_document

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


def test_the_home_page_says_who_holds_a_step_and_leads_to_late_readers(  # type: ignore[no-untyped-def]
    web_engine: Engine, as_user
) -> None:
    new_draft(web_engine, "QT-01")
    act(web_engine, revisions.submit, "thu", code="QT-01", password=PASSWORD, reviewer="mai")
    home = as_user("thu").get("/").text
    waiting = home.split('id="inbox-waiting"')[1].split("</section>")[0]
    assert "chờ Đỗ Thị Thanh Mai xem xét từ 04/12/2026" in waiting
    assert 'href="/documents/QT-01?issue=1"' in waiting

    act(web_engine, revisions.review, "mai", code="QT-01", accept=True, password=PASSWORD)
    act(web_engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)
    act(web_engine, revisions.publish, "thu", code="QT-01")
    with clock.pinned(NOW + timedelta(days=10)):  # Monday 14 December: due on the 18th
        due = as_user("hung").get("/").text.split('id="inbox-due_soon"')[1].split("</section>")[0]
        assert "Cần đọc và xác nhận" in due
        assert "hạn 18/12/2026" in due
    with clock.pinned(NOW + timedelta(days=17)):  # Monday 21 December: late
        late = as_user("nam").get("/").text.split('id="inbox-late_readers"')[1]
        assert 'href="/documents/QT-01/readers"' in late.split("</section>")[0]


def test_the_home_page_says_more_than_when_it_stopped_counting(  # type: ignore[no-untyped-def]
    web_engine: Engine, as_user, monkeypatch
) -> None:
    for code in ("QT-01", "QT-02", "QT-03"):
        new_draft(web_engine, code)
        act(web_engine, revisions.submit, "thu", code=code, password=PASSWORD, reviewer="mai")
        act(web_engine, revisions.review, "mai", code=code, accept=True, password=PASSWORD)
        act(web_engine, revisions.approve, "hai", code=code, password=PASSWORD)
        act(web_engine, revisions.publish, "thu", code=code)
    monkeypatch.setattr(inbox, "COUNTED_ON_HOME", 2)
    monkeypatch.setattr(inbox, "SHOWN_PER_SECTION", 1)
    with clock.pinned(NOW + timedelta(days=17)):  # Monday 21 December: all three late
        home = as_user("nam").get("/").text
        section = home.split('id="inbox-late_readers"')[1].split("</section>")[0]
        assert '<span class="count">hơn 2</span>' in section
        assert "và hơn 1 mục khác" in section
        whole = as_user("nam").get("/inbox/late_readers").text
        assert '<span class="count">3</span>' in whole


@pytest.mark.parametrize(
    ("language", "count", "where", "counted_where"),
    [
        ("vi", "hơn 2", "Trang 2", "Trang 2/"),
        ("en", "more than 2", "Page 2", "Page 2 of"),
    ],
)
def test_a_section_counted_up_to_a_limit_pages_on_with_next(  # type: ignore[no-untyped-def]
    web_engine: Engine,
    as_user,
    monkeypatch,
    language: str,
    count: str,
    where: str,
    counted_where: str,
) -> None:
    for code in ("QT-01", "QT-02", "QT-03"):
        listed_document(web_engine, code)
    monkeypatch.setattr(inbox, "COUNTED_ON_PAGE", 2)
    monkeypatch.setattr(inbox, "SHOWN_PER_SECTION", 1)
    with clock.pinned(NOW + timedelta(days=17)):  # Monday 21 December: all three late
        nam = as_user("nam")
        nam.choose_language(language)
        second = nam.get("/inbox/late_readers", params={"page": 2}).text
        last = nam.get("/inbox/late_readers", params={"page": 3}).text
    assert f'<span class="count">{count}</span>' in second
    assert where in second
    assert counted_where not in second  # the last page is not known
    assert 'href="/inbox/late_readers?page=3" rel="next"' in second
    assert 'href="/inbox/late_readers?page=1" rel="prev"' in second
    assert second.count('class="pager-end"') == 1  # the first page, no last
    assert 'rel="next"' not in last
    assert len(re.findall(r'href="/documents/QT-0\d/readers"', last)) == 1
