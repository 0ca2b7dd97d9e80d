"""The audit trail viewer: filters, the CSV export, and the chain check with the anchor
to keep outside the system and against the anchors kept."""

import csv
import html
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta

from lxml import html as lxml_html
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.people import organisation
from qms.services.trail import anchors as trail_anchors
from qms.services.trail import chain as trail
from tests.helpers import drop_guards, effective_document, new_draft
from tests.web.client import WebClient

Login = Callable[[str], WebClient]
HOSTILE_TITLE = '=HYPERLINK("http://evil.example","x") <b>đậm</b>'
_ROW = re.compile(r'<tr><td data-label="#">(\d+)</td>')


def shown_seqs(html: str) -> list[int]:
    return [int(seq) for seq in _ROW.findall(html)]


def strings_in(value: object) -> list[str]:
    """Every string value in a decoded JSON payload."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def all_events(engine: Engine) -> list[trail.TrailEvent]:
    with read_session(engine) as session:
        return list(trail.iter_all(session))


def test_filters_narrow_the_events_newest_first(web_engine: Engine, as_user: Login) -> None:
    effective_document(web_engine, "QT-01")
    new_draft(web_engine, "QT-02", drafter="nam")
    binh = as_user("binh")  # signing in is on the trail too
    events = all_events(web_engine)

    page = binh.get("/trail").text
    assert shown_seqs(page) == [e.seq for e in reversed(events)][:100]
    options = re.findall(r'<option value="([a-z_]+)"', page)
    assert options == sorted({e.entity for e in events})

    qt01 = binh.get("/trail", params={"entity": "revision", "entity_id": "QT-01"}).text
    assert shown_seqs(qt01) == [
        e.seq
        for e in reversed(events)
        if e.entity == "revision" and e.entity_id.startswith("QT-01")
    ]
    by_nam = binh.get("/trail", params={"actor": "NAM"}).text
    assert shown_seqs(by_nam) == [e.seq for e in reversed(events) if e.actor == "nam"]
    assert shown_seqs(by_nam)

    with read_session(web_engine) as session:
        today = organisation.today(session)
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert shown_seqs(binh.get("/trail", params={"since": tomorrow}).text) == []
    assert len(shown_seqs(binh.get("/trail", params={"until": today.isoformat()}).text)) == min(
        100, len(events)
    )


def test_csv_export_follows_the_filters_oldest_first(web_engine: Engine, as_user: Login) -> None:
    new_draft(web_engine, "QT-02", title=HOSTILE_TITLE)
    new_draft(web_engine, "QT-03")
    admin = as_user("admin")
    response = admin.get("/trail.csv", params={"entity_id": "QT-02"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["seq", "at", "actor", "action", "entity", "entity_id", "payload", "hash"]
    expected = [e for e in all_events(web_engine) if e.entity_id.startswith("QT-02")]
    assert [int(r[0]) for r in rows[1:]] == [e.seq for e in expected]
    assert [r[7] for r in rows[1:]] == [e.hash for e in expected]
    # User text only ever sits inside the JSON payload: no cell starts like a formula.
    assert any(HOSTILE_TITLE in strings_in(json.loads(r[6])) for r in rows[1:])
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows[1:] for cell in r)


def test_chain_check_shows_the_anchor_to_keep(web_engine: Engine, as_user: Login) -> None:
    new_draft(web_engine, "QT-02")
    auditor = as_user("an")
    check = auditor.get("/trail/verify").text
    found = re.search(r'<code id="trail-anchor">([^<]+)</code>', check)
    assert found, check
    shown = json.loads(found.group(1).replace("&#34;", '"'))
    with read_session(web_engine) as session:
        newest = trail_anchors.take(session)
    assert (shown["seq"], shown["hash"]) == (newest.seq, newest.hash)
    assert "Mốc neo của chuỗi" in check


def _anchor_line(engine: Engine) -> str:
    with read_session(engine) as session:
        return trail_anchors.take(session).line()


def test_the_trail_is_checked_against_an_uploaded_or_pasted_anchors_file(
    web_engine: Engine, as_user: Login
) -> None:
    effective_document(web_engine, "QT-01")
    auditor = as_user("an")
    kept = [_anchor_line(web_engine)]
    new_draft(web_engine, "QT-02")
    kept.append(_anchor_line(web_engine))
    anchors_file = ("# anchors of the QMS trail\n" + "\n".join(kept) + "\n").encode()
    uploaded = auditor.form(
        "/trail/verify",
        files={"anchors_file": ("qms-anchors.jsonl", anchors_file, "application/json")},
        headers={"HX-Request": "true"},
    )
    assert uploaded.status_code == 200
    assert "Đã đối chiếu 2 mốc neo; tất cả vẫn khớp." in uploaded.text
    assert "<html" not in uploaded.text  # htmx gets the result in place
    pasted = auditor.form("/trail/verify", {"anchors": kept[0]})
    assert pasted.status_code == 200
    assert "<html" in pasted.text  # a plain form gets a page
    assert "Đã đối chiếu 1 mốc neo" in pasted.text

    # Cut the trail back past the newest anchor: the chain alone still verifies.
    drop_guards(web_engine)
    newest = json.loads(kept[1])["seq"]
    with web_engine.begin() as connection:
        connection.execute(text("DELETE FROM trail_event WHERE seq > :s"), {"s": newest - 2})
    assert "Chuỗi nhật ký nguyên vẹn" in auditor.get("/trail/verify").text
    found = auditor.form("/trail/verify", {"anchors": "\n".join(kept)})
    assert found.status_code == 200
    assert f"sự kiện {newest}" in found.text
    assert "Đã đối chiếu" not in found.text


def test_a_bad_anchors_file_is_named_with_its_line(web_engine: Engine, as_user: Login) -> None:
    auditor = as_user("an")
    bad = b'{"seq": 3, "hash": "abc", "taken_at": "2026-11-26T07:00:00+00:00"}\n'
    in_place = auditor.form(
        "/trail/verify",
        files={"anchors_file": ("anchors.jsonl", bad, "application/json")},
        headers={"HX-Request": "true"},
    )
    assert in_place.status_code == 200
    assert "anchors.jsonl, dòng 1" in html.unescape(in_place.text)
    page = auditor.form("/trail/verify", {"anchors": ""})
    assert page.status_code == 422
    assert "các mốc neo đã dán" in html.unescape(page.text)
    latin1 = auditor.form(
        "/trail/verify",
        files={"anchors_file": ("anchors.jsonl", "mốc neo".encode("utf-16"), "text/plain")},
    )
    assert latin1.status_code == 422
    assert "anchors.jsonl không phải văn bản UTF-8" in html.unescape(latin1.text)
    # Staff are refused before their file is read: the refusal, not what is wrong with it.
    staff = as_user("lan").form(
        "/trail/verify", files={"anchors_file": ("anchors.jsonl", bad, "application/json")}
    )
    assert staff.status_code == 403


def test_the_filtered_trail_is_printed_in_the_page_language(
    web_engine: Engine, as_user: Login
) -> None:
    effective_document(web_engine, "QT-01")
    new_draft(web_engine, "QT-02")
    auditor = as_user("an")
    page = auditor.get("/trail", params={"entity_id": "QT-01"}).text
    assert 'href="/trail.pdf?entity_id=QT-01"' in page
    response = auditor.get("/trail.pdf", params={"entity_id": "QT-01"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="audit-trail.pdf"' in response.headers["content-disposition"]
    printed = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "NHẬT KÝ HỆ THỐNG" in printed
    assert "Bộ lọc: Mã: QT-01" in printed
    assert "QT-01/1" in printed
    assert "QT-02" not in printed
    auditor.choose_language("en")  # the page's language, with no lang asked for
    english = auditor.get("/trail.pdf", params={"entity_id": "QT-01"})
    assert (
        "Filters: Identifier: QT-01"
        in PdfReader(io.BytesIO(english.content)).pages[0].extract_text()
    )


def test_trail_rows_read_in_words_with_the_record_one_click_away(
    web_engine: Engine, as_user: Login
) -> None:
    new_draft(web_engine, "QT-02", title=HOSTILE_TITLE)
    admin = as_user("admin")
    admin.choose_language("vi")
    page = admin.get("/trail", params={"entity_id": "QT-02"}).text
    doc = lxml_html.fromstring(page)
    registered = doc.xpath("//tr[td[@data-label='Hành động'] = 'đăng ký tài liệu']")
    assert len(registered) == 1
    row = registered[0]
    assert row.xpath("string(td[@data-label='Đối tượng'])").split() == ["tài", "liệu", "QT-02"]
    shown = row.xpath("string(td[@data-label='Chi tiết']/text())")
    assert "mã hiệu: QT-02" in shown
    assert f"tên tài liệu: {HOSTILE_TITLE}" in shown
    assert "{" not in shown
    recorded = row.xpath("string(td[@data-label='Chi tiết']/details/code)")
    assert recorded.startswith("document.register document {")
    assert "<b>đậm</b>" not in page  # the title is escaped wherever it shows
    options = doc.xpath("//select[@name='entity']/option/text()")
    assert "tài liệu" in options
    assert "document" not in options
