"""The printed audit trail, read back with pypdf: filters, the chain's state and anchor at
printing, one row per event, hostile text shown as text, and the table-cell limit."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qms.render import InputLimits, RenderLimitError, record_pdf, render_record_pdf
from qms.render.data import TrailPrint, TrailPrintRow

from .helpers import joined, reader, squeezed

HOSTILE = "<script>alert('x')</script>"
ANCHOR = '{"seq": 3, "hash": "' + "c" * 64 + '", "taken_at": "2026-05-10T02:00:00+00:00"}'


def make_trail(rows: int = 3, **changes: object) -> TrailPrint:
    events = tuple(
        TrailPrintRow(
            seq=n,
            at=datetime(2026, 5, 10, 1, n),
            actor="thu" if n % 2 else HOSTILE,
            action="revision.draft",
            entity="revision",
            entity_id=f"QT-01/{n}",
            details='{"new": {"title": "Quy trình kiểm soát tài liệu số ' + str(n) + '"}}',
            hash=f"{n:x}" * 64,
        )
        for n in range(1, rows + 1)
    )
    base = TrailPrint(
        organisation="UBND quận Hồng Hà",
        language="vi",
        printed_on=date(2026, 5, 10),
        filters=(("entity_id", "QT-01"), ("since", "2026-05-01")),
        rows=events,
        chain_events=42,
        chain_problem="",
        anchor=ANCHOR,
    )
    return TrailPrint(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_the_printed_trail_shows_filters_chain_anchor_and_events() -> None:
    pdf = render_record_pdf(make_trail())
    assert all(page.mediabox.width > page.mediabox.height for page in reader(pdf).pages)
    text = joined(pdf)
    assert "NHẬT KÝ HỆ THỐNG" in text
    assert "Bộ lọc: Mã: QT-01; Từ ngày: 01/05/2026" in text
    assert "Chuỗi nhật ký nguyên vẹn khi in: đã kiểm tra 42 sự kiện." in text
    assert squeezed(ANCHOR) in squeezed(text)
    assert "Số sự kiện: 3" in text
    # Time in the organisation's zone, the event, its details and its hash prefix.
    assert "10/05/2026 08:01 (UTC+07:00)" in text
    assert squeezed("revision.draft revision QT-01/1") in squeezed(text)
    assert "Quy trình kiểm soát tài liệu số 3" in text
    assert "Mã băm 1111111111111111…" in text
    assert squeezed(HOSTILE) in squeezed(text)  # shown as text, never run or dropped
    assert "Trang 1/1" in text


def test_a_broken_chain_is_printed_as_such_in_english() -> None:
    trail = make_trail(
        0,
        language="en",
        filters=(),
        chain_problem="event 7: its hash does not match its content",
        anchor="",
    )
    text = joined(render_record_pdf(trail))
    assert "AUDIT TRAIL" in text
    assert "Filters: the whole trail" in text
    assert "The chain was broken when printed. First problem: event 7: its hash" in text
    assert "Anchor at printing" not in text
    assert "None" in text


def test_the_table_cell_limit_holds_for_a_printed_trail() -> None:
    with pytest.raises(RenderLimitError, match="tables have 15 cells; the limit is 10"):
        record_pdf.render(make_trail(3), limits=InputLimits(max_table_cells=10))
