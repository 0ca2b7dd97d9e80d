"""Compiled manual: cover, contents with links, outline, reused renditions, determinism."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from qms.render import ManualEntry, ManualSpec, RenderError, compile_manual, manual
from qms.render.manual import quick_page_count
from qms.render.pdf import render_document

from .helpers import make_english, make_rendition, page_texts, reader

TITLE = "Hệ thống quản lý chất lượng — Tài liệu hiện hành"


def renditions() -> list:
    long_body = "\n\n".join("Nội dung hướng dẫn công việc. " * 50 for _ in range(8))
    return [
        make_rendition(code="CS-01", title="Chính sách chất lượng", doc_type="policy"),
        make_rendition(code="QT-01", title="Quy trình kiểm soát tài liệu"),
        make_rendition(code="HD-MC-01", title="Hướng dẫn tiếp nhận hồ sơ", body_markdown=long_body),
    ]


def spec_for(entries: list[ManualEntry]) -> ManualSpec:
    return ManualSpec(
        organisation="ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
        title=TITLE,
        language="vi",
        compiled_on=date(2025, 4, 1),
        entries=tuple(entries),
    )


@pytest.fixture(scope="module")
def parts() -> list[bytes]:
    return [render_document(doc) for doc in renditions()]


@pytest.fixture(scope="module")
def cold() -> tuple[bytes, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    pdf = compile_manual(
        spec_for([ManualEntry(doc, None) for doc in renditions()]),
        progress=lambda done, total: calls.append((done, total)),
    )
    return pdf, calls


def starts_of(parts: list[bytes], front_pages: int) -> list[int]:
    starts, page = [], front_pages
    for part in parts:
        starts.append(page)
        page += len(reader(part).pages)
    return starts


def test_cover_page(cold: tuple[bytes, list[tuple[int, int]]]) -> None:
    cover = page_texts(cold[0])[0]
    for expected in ("ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ", TITLE, "Ngày tổng hợp 01/04/2025"):
        assert expected in cover
    assert "Số tài liệu 3" in cover


def test_documents_follow_with_their_own_running_headers(
    cold: tuple[bytes, list[tuple[int, int]]], parts: list[bytes]
) -> None:
    pdf = cold[0]
    texts = page_texts(pdf)
    assert len(texts) == 2 + sum(len(reader(part).pages) for part in parts)
    for start, part, code in zip(
        starts_of(parts, 2), parts, ("CS-01", "QT-01", "HD-MC-01"), strict=True
    ):
        count = len(reader(part).pages)
        assert f"Mã hiệu: {code}" in texts[start]
        assert f"Trang 1/{count}" in texts[start]
        assert f"Trang {count}/{count}" in texts[start + count - 1]


def test_contents_page_numbers_and_links(
    cold: tuple[bytes, list[tuple[int, int]]], parts: list[bytes]
) -> None:
    pdf_reader = reader(cold[0])
    starts = starts_of(parts, 2)
    contents = page_texts(cold[0])[1]
    assert "Mục lục" in contents
    for start, code in zip(starts, ("CS-01", "QT-01", "HD-MC-01"), strict=True):
        assert f"{code} " in contents
        assert f" {start + 1}" in contents  # printed page numbers are 1-based
    targets = sorted({_link_target(pdf_reader, ref) for ref in pdf_reader.pages[1]["/Annots"]})
    assert targets == starts
    assert "/Annots" not in pdf_reader.pages[0]


def _link_target(pdf_reader: PdfReader, ref: object) -> int:
    annotation = ref.get_object()  # type: ignore[attr-defined]
    assert annotation["/Subtype"] == "/Link"
    assert "/A" not in annotation  # no URI action is left behind
    return pdf_reader.get_page_number(annotation["/Dest"][0].get_object())


def test_outline_has_one_bookmark_per_document(
    cold: tuple[bytes, list[tuple[int, int]]], parts: list[bytes]
) -> None:
    pdf_reader = reader(cold[0])
    outline = [
        (item.title, pdf_reader.get_destination_page_number(item)) for item in pdf_reader.outline
    ]
    assert outline == [
        ("CS-01 — Chính sách chất lượng", starts_of(parts, 2)[0]),
        ("QT-01 — Quy trình kiểm soát tài liệu", starts_of(parts, 2)[1]),
        ("HD-MC-01 — Hướng dẫn tiếp nhận hồ sơ", starts_of(parts, 2)[2]),
    ]


def test_progress_is_reported_per_part(cold: tuple[bytes, list[tuple[int, int]]]) -> None:
    calls = cold[1]
    assert calls[-1] == (4, 4)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert {total for _, total in calls} == {4}


def test_stored_renditions_are_reused_byte_for_byte(parts: list[bytes]) -> None:
    docs = renditions()
    # A stored copy that a fresh render could never produce: it says so on its pages.
    stored = render_document(docs[1], labels={"uncontrolled": "BẢN LƯU TRỮ SỐ 7"})
    entries = [
        ManualEntry(docs[0], parts[0]),
        ManualEntry(docs[1], stored),
        ManualEntry(docs[2], None),
    ]
    calls: list[tuple[int, int]] = []
    pdf = compile_manual(spec_for(entries), progress=lambda d, t: calls.append((d, t)))
    texts = page_texts(pdf)
    start = 2 + len(reader(parts[0]).pages)
    assert "BẢN LƯU TRỮ SỐ 7" in texts[start]
    assert sum("BẢN LƯU TRỮ SỐ 7" in text for text in texts) == len(reader(stored).pages)
    assert calls[0] == (2, 4)  # both stored parts counted at once, before any render


def test_same_spec_gives_identical_bytes(
    cold: tuple[bytes, list[tuple[int, int]]], parts: list[bytes]
) -> None:
    warm = compile_manual(
        spec_for([ManualEntry(d, p) for d, p in zip(renditions(), parts, strict=True)])
    )
    assert warm == cold[0]
    pdf_reader = reader(warm)
    assert pdf_reader.trailer["/ID"][0] == reader(cold[0]).trailer["/ID"][0]
    meta = pdf_reader.metadata
    assert meta is not None
    assert meta.title == TITLE
    assert meta["/CreationDate"].startswith("D:20250401")
    later = spec_for([ManualEntry(d, p) for d, p in zip(renditions(), parts, strict=True)])
    later = ManualSpec(later.organisation, later.title, "vi", date(2025, 5, 1), later.entries)
    assert reader(compile_manual(later)).trailer["/ID"][0] != pdf_reader.trailer["/ID"][0]


def test_english_manual_and_a_long_contents() -> None:
    doc = make_english(body_markdown="Short.")
    stored = render_document(doc)
    entries = [
        ManualEntry(make_english(code=f"EN-{n:03d}", body_markdown="Short."), stored)
        for n in range(60)
    ]
    spec = ManualSpec("Hong Ha", "Current documents", "en", date(2025, 4, 1), tuple(entries))
    pdf = compile_manual(spec)
    pdf_reader = reader(pdf)
    texts = page_texts(pdf)
    front = next(i for i, text in enumerate(texts) if "Code: EN-QP-01" in text)
    assert front >= 3  # the contents ran over more than one page
    assert "Number of documents 60" in texts[0]
    assert "Contents" in texts[1]
    per_doc = len(reader(stored).pages)
    assert pdf_reader.get_destination_page_number(pdf_reader.outline[59]) == front + 59 * per_doc
    links = [ref for page in pdf_reader.pages[1:front] for ref in page["/Annots"]]
    assert {_link_target(pdf_reader, ref) for ref in links} == {
        front + n * per_doc for n in range(60)
    }


def test_a_failing_document_is_named() -> None:
    bad = make_rendition(code="QT-09", body_markdown="> " * 30 + "x")
    with pytest.raises(RenderError, match=r"^QT-09: lists or block quotes are nested 30"):
        compile_manual(spec_for([ManualEntry(bad, None)]))


def test_unreadable_stored_pdf_is_named() -> None:
    doc = make_rendition(code="QT-05")
    with pytest.raises(RenderError, match="QT-05"):
        compile_manual(spec_for([ManualEntry(doc, b"not a pdf")]))


def test_quick_page_count_agrees_with_pypdf(parts: list[bytes]) -> None:
    for part in parts:
        assert quick_page_count(part) == len(reader(part).pages)
    assert quick_page_count(b"not a pdf") is None
    decoy = render_document(make_rendition(title="<< /Type /Pages /Count 99 >>"))
    assert quick_page_count(decoy) in (None, len(reader(decoy).pages))


def test_wrong_count_hints_are_corrected(
    parts: list[bytes], cold: tuple[bytes, list[tuple[int, int]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(manual, "quick_page_count", lambda pdf: 40)
    entries = [ManualEntry(d, p) for d, p in zip(renditions(), parts, strict=True)]
    assert compile_manual(spec_for(entries)) == cold[0]


def test_missing_manual_stylesheet_fails_loudly(parts: list[bytes], tmp_path: Path) -> None:
    entries = [ManualEntry(d, p) for d, p in zip(renditions(), parts, strict=True)]
    with pytest.raises(RenderError, match=r"'manual\.css' is missing"):
        manual.compile_manual(spec_for(entries), assets_dir=tmp_path)


class _Pieces:
    """A caller's store of cover and contents pieces, in memory."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}
        self.added: list[str] = []

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        return {key: self.kept[key] for key in keys if key in self.kept}

    def put(self, key: str, pdf: bytes) -> None:
        self.kept[key] = pdf
        self.added.append(key)


def test_kept_contents_pages_are_reused_and_only_what_changed_is_rendered(
    parts: list[bytes],
) -> None:
    short, long = parts[0], parts[2]
    assert len(reader(long).pages) > len(reader(short).pages)
    docs = [make_rendition(code=f"QT-{n:02d}", title=f"Quy trình số {n}") for n in range(30)]
    store = _Pieces()
    first = spec_for([ManualEntry(doc, short) for doc in docs])
    assert compile_manual(first, front_store=store) == compile_manual(first)
    assert len(store.added) == 3  # the cover and two contents pages of 25 rows

    store.added.clear()  # a new issue of the 28th document: only its contents page changes
    docs[27] = replace(docs[27], issue=7)
    second = spec_for([ManualEntry(doc, short) for doc in docs])
    pdf = compile_manual(second, front_store=store)
    assert pdf == compile_manual(second)
    assert len(store.added) == 1
    assert "QT-27 Quy trình số 27 (lần ban hành 07)" in page_texts(pdf)[2]
    assert "(lần ban hành 07)" not in page_texts(pdf)[1]

    store.added.clear()  # a longer first document moves every page number after it
    third = spec_for([ManualEntry(doc, long if i == 0 else short) for i, doc in enumerate(docs)])
    pdf = compile_manual(third, front_store=store)
    assert pdf == compile_manual(third)
    assert len(store.added) == 2
    printed = [line for line in reader(pdf).pages[1].extract_text().splitlines() if line.isdigit()]
    assert printed[:3] == [
        "4",
        str(4 + len(reader(long).pages)),
        str(4 + len(reader(long).pages) + len(reader(short).pages)),
    ]
