"""The audit checklist at scale: the items still to answer or the nonconforming ones, a
contents bar of its clauses with counts from the database, and pages of items."""

import re
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import ValidationError
from qms.services.audits import checklist_pages
from qms.services.people import users
from tests.services.capa_setup import today
from tests.web.client import WebClient
from tests.web.records_setup import ref_from

Login = Callable[[str], WebClient]


def _audit_of_two_clauses(engine: Engine, binh: WebClient) -> str:
    day = today(engine).isoformat()
    planned = binh.form(
        "/audits/new",
        {
            "departments": ["MC"],
            "clauses": "7.5.3, 8.2.1",
            "lead": "binh",
            "auditee_rep": "lan",
            "planned_start": day,
            "planned_end": day,
            "objectives": "Đánh giá Bộ phận Một cửa",
        },
    )
    assert planned.status_code == 303, planned.text
    ref = ref_from(planned.headers["location"])
    assert binh.form(f"/audits/{ref}/start").status_code == 303
    return ref


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="item-(\d+)"', html)]


def test_views_contents_bar_and_counts(web_engine: Engine, as_user: Login) -> None:
    binh = as_user("binh")
    ref = _audit_of_two_clauses(web_engine, binh)
    page = binh.get(f"/audits/{ref}/checklist").text
    every = _numbers(page)
    assert len(every) >= 3
    first, second = every[0], every[1]
    assert binh.form(f"/audits/{ref}/items/{first}", {"result": "C"}).status_code == 303
    nc = binh.form(
        f"/audits/{ref}/items/{second}",
        {
            "result": "NC_MINOR",
            "evidence": "Sổ theo dõi tháng 3",
            "finding": "Sổ theo dõi chưa cập nhật",
        },
    )
    assert nc.status_code == 303, nc.text
    page = binh.get(f"/audits/{ref}/checklist").text
    assert f"Tất cả ({len(every)})" in page
    assert f"Chưa trả lời ({len(every) - 2})" in page
    assert "Không phù hợp (1)" in page
    # The contents bar: each clause, a jump to it, its counts.
    assert f'href="/audits/{ref}/checklist?show=all&amp;clause=7.5.3"' in page
    assert f'href="/audits/{ref}/checklist?show=all&amp;clause=8.2.1"' in page
    unanswered = binh.get(f"/audits/{ref}/checklist", params={"show": "unanswered"}).text
    assert _numbers(unanswered) == every[2:]
    nonconforming = binh.get(f"/audits/{ref}/checklist", params={"show": "nonconforming"}).text
    assert _numbers(nonconforming) == [second]
    assert "Sổ theo dõi chưa cập nhật" in nonconforming  # its finding, on the page
    clause = binh.get(f"/audits/{ref}/checklist", params={"clause": "8.2.1"}).text
    assert _numbers(clause)
    assert set(_numbers(clause)) < set(every)
    refused = binh.get(f"/audits/{ref}/checklist", params={"show": "secret"})
    assert refused.status_code == 422


def test_items_are_paged_in_the_database(web_engine: Engine, as_user: Login) -> None:
    binh = as_user("binh")
    ref = _audit_of_two_clauses(web_engine, binh)
    with read_session(web_engine) as session:
        viewer = users.get_user(session, "binh")
        whole = checklist_pages.checklist_page(session, viewer=viewer, ref=ref, per_page=1000)
        numbers = [item.number for item in whole.items]
        pages = [
            checklist_pages.checklist_page(session, viewer=viewer, ref=ref, per_page=2, page=n)
            for n in range(1, whole.total // 2 + 2)
        ]
        assert [item.number for p in pages for item in p.items] == numbers
        assert pages[0].total == whole.total == len(numbers)
        assert pages[0].pages == -(-len(numbers) // 2)
        assert sum(h.items for h in whole.contents) == whole.total
        assert [h.clause for h in whole.contents] == sorted(
            (h.clause for h in whole.contents), key=lambda c: [int(p) for p in c.split(".")]
        )
        with pytest.raises(ValidationError):
            checklist_pages.checklist_page(session, viewer=viewer, ref=ref, show="everything")
