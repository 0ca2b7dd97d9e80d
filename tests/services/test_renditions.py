"""Controlled PDFs from the register: stored once when an issue takes effect, served as
stored, checked against their hashes; manuals compiled from the stored copies."""

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session, write_session
from qms.errors import IntegrityProblem, NotFound, ValidationError
from qms.models import Compilation
from qms.render import RenderError
from qms.services import blobs
from qms.services.documents import register as documents
from qms.services.documents import renditions, revisions
from qms.services.people import users
from qms.services.trail import chain as trail
from tests.helpers import (
    act,
    download,
    effective_document,
    legacy_body,
    new_draft,
    revise,
    snapshot,
    statuses,
    to_effective,
)
from tests.seed import PASSWORD


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_publishing_stores_the_controlled_pdf_with_its_hash(engine: Engine) -> None:
    effective_document(engine)
    with read_session(engine) as session:
        _doc, rev = documents.get_revision(session, viewer=None, code="QT-01")
        assert rev.pdf_sha256 is not None
        stored = blobs.get(session, rev.pdf_sha256)
        assert blobs.sha256(stored.data) == rev.pdf_sha256
        event = trail.events(session, entity_id="QT-01/1")[-1]
        assert event.action == "revision.render"
        assert json.loads(event.payload)["new"]["pdf_sha256"] == rev.pdf_sha256
    content = pdf_text(stored.data)
    for expected in (
        "QT-01",
        "Quy trình kiểm soát tài liệu",
        "Lê Thị Minh Thư",
        "Phạm Văn Hùng",
        "Trần Thanh Hải",
    ):
        assert expected in content


def test_downloads_serve_the_stored_bytes_and_verify_finds_tampering(engine: Engine) -> None:
    effective_document(engine)
    with read_session(engine) as session:
        _, rev, first = renditions.document_pdf(session, viewer=None, code="QT-01")
        assert blobs.verify(session)[1] == []
    forged = first.replace(b"%%EOF", b"%%EOF\n% altered", 1)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE blob SET data = :d WHERE sha256 = :k"), {"d": forged, "k": rev.pdf_sha256}
        )
    with read_session(engine) as session:
        # This process already served the genuine bytes, checked against their hash.
        _, _, served = renditions.document_pdf(session, viewer=None, code="QT-01")
        assert served == first
        # Another process (an empty cache) reads storage, finds the altered copy and
        # refuses to serve it rather than render a new one or pass it on.
        blobs.forget_cached()
        with pytest.raises(IntegrityProblem, match="does not match its hash"):
            renditions.document_pdf(session, viewer=None, code="QT-01")
        problems = blobs.verify(session)[1]
        assert [p.sha256 for p in problems] == [rev.pdf_sha256]


def test_revision_history_and_reason_in_the_new_issue(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    to_effective(engine)
    with read_session(engine) as session:
        _, rev, data = renditions.document_pdf(session, viewer=None, code="QT-01")
    assert rev.issue == 2
    content = pdf_text(data)
    assert "Theo dõi sửa đổi tài liệu" in content
    assert "Kết quả đánh giá nội bộ" in content


def test_superseded_and_draft_issues_are_rendered_fresh_for_those_allowed(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    to_effective(engine)
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        _, old, data = renditions.document_pdf(session, viewer=thu, code="QT-01", issue=1)
        assert old.status == "superseded"
        assert blobs.sha256(data) != old.pdf_sha256  # watermarked now, unlike the stored copy
        with pytest.raises(NotFound, match=r"^QT-01 has no issue 1$"):  # staff: as if missing
            renditions.document_pdf(
                session, viewer=users.get_user(session, "lan"), code="QT-01", issue=1
            )


def test_a_render_failure_leaves_the_issue_unpublished(engine: Engine) -> None:
    deep = "".join("  " * level + "- mức\n" for level in range(60))
    new_draft(engine)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)
    # Saving or submitting it is refused now: an issue approved by an older version.
    legacy_body(engine, "QT-01", 1, "# 1. Mục đích\n\n" + deep)
    before = snapshot(engine)
    with pytest.raises(RenderError):
        act(engine, revisions.publish, "thu", code="QT-01")
    assert snapshot(engine) == before
    assert statuses(engine) == {1: "approved"}


def test_manual_from_stored_copies_is_served_again_unchanged(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    new_draft(engine, "BM-01-01", title="Danh mục tài liệu nội bộ", doc_type="form")
    to_effective(engine, "BM-01-01")
    with write_session(engine) as session:
        first = renditions.manual_pdf(session)
    with write_session(engine) as session:
        again = renditions.manual_pdf(session)
    assert again == first
    reader = PdfReader(io.BytesIO(first))
    assert [item.title for item in reader.outline] == [
        "QT-01 — Quy trình kiểm soát tài liệu",
        "BM-01-01 — Danh mục tài liệu nội bộ",
    ]
    revise(engine, "QT-01")
    to_effective(engine, "QT-01")
    with write_session(engine) as session:
        changed = renditions.manual_pdf(session)
        only_forms = renditions.manual_pdf(session, doc_type="form")
    assert changed != first
    assert [item.title for item in PdfReader(io.BytesIO(only_forms)).outline] == [
        "BM-01-01 — Danh mục tài liệu nội bộ"
    ]
    with write_session(engine) as session, pytest.raises(ValidationError, match="empty"):
        renditions.manual_pdf(session, doc_type="external")


def test_manual_after_one_document_changed(engine: Engine) -> None:
    """The changed document's new issue is in the manual with its new text, and the
    contents, page numbers and bookmarks follow its new length."""
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02", title="Quy trình tiếp nhận hồ sơ")
    to_effective(engine, "QT-02")
    with write_session(engine) as session:
        renditions.manual_pdf(session)
    longer = "\n\n".join(
        f"# {n}. Bước mới số {n}\n\n" + "Tiếp nhận hồ sơ. " * 60 for n in range(12)
    )
    act(
        engine,
        revisions.revise,
        "thu",
        code="QT-01",
        body=longer,
        reason="Mở rộng",
        description="Thêm các bước",
    )
    to_effective(engine, "QT-01")
    with write_session(engine) as session:
        manual = renditions.manual_pdf(session)
        parts = [
            blobs.data_of(session, key)
            for key in session.exec(
                text(
                    "SELECT pdf_sha256 FROM revision JOIN document ON document.id = document_id "
                    "WHERE status = 'effective' ORDER BY code"
                )
            ).scalars()
        ]
    reader = PdfReader(io.BytesIO(manual))
    lengths = [len(PdfReader(io.BytesIO(part)).pages) for part in parts]
    front = len(reader.pages) - sum(lengths)
    starts = [front, front + lengths[0]]
    assert lengths[0] > 1  # the new issue is longer than the old one
    assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] == [
        ("QT-01 — Quy trình kiểm soát tài liệu", starts[0]),
        ("QT-02 — Quy trình tiếp nhận hồ sơ", starts[1]),
    ]
    contents = reader.pages[front - 1].extract_text()
    assert "QT-01 Quy trình kiểm soát tài liệu (lần ban hành 02)" in contents
    printed = [line for line in contents.splitlines() if line.isdigit()]
    assert [str(start + 1) for start in starts] == printed[:2]  # QT-02's moved with QT-01
    new_text = "\n".join(page.extract_text() for page in reader.pages[starts[0] : starts[1]])
    assert "Bước mới số 11" in new_text
    assert "Bước 1: tiếp nhận" not in new_text  # the old issue's body is gone


def test_the_download_reads_the_stored_bytes_in_one_query(engine: Engine) -> None:
    effective_document(engine)
    new_draft(engine, "QT-02")
    with read_session(engine) as session:
        _, rev, stored = renditions.document_pdf(session, viewer=None, code="QT-01")
    blobs.forget_cached()
    assert download(engine, " qt-01 ") == renditions.ControlledCopy("QT-01", rev.issue, stored)
    assert download(engine, "QT-02") is None  # a draft only
    assert download(engine, "QT-99") is None


def test_a_manual_after_one_change_renders_only_the_contents_page_listing_it(
    engine: Engine,
) -> None:
    """Cover and contents pages are kept by what they print: after a new issue of one
    document only its contents page is rendered again, and it names the new issue."""
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02", title="Quy trình tiếp nhận hồ sơ")
    to_effective(engine, "QT-02")
    with write_session(engine) as session:
        renditions.manual_pdf(session)
        kept = set(session.exec(select(Compilation.key)).all())
    assert len(kept) == 3  # the manual, its cover and its one contents page
    revise(engine, "QT-01")
    to_effective(engine, "QT-01")
    with write_session(engine) as session:
        manual = renditions.manual_pdf(session)
        added = set(session.exec(select(Compilation.key)).all()) - kept
    assert len(added) == 2  # the new manual and its contents page; the cover is the same
    contents = PdfReader(io.BytesIO(manual)).pages[1].extract_text()
    assert "QT-01 Quy trình kiểm soát tài liệu (lần ban hành 02)" in contents


def _stored(engine: Engine) -> dict[str, str]:
    with read_session(engine) as session:
        return {row.key: row.pdf_sha256 for row in session.exec(select(Compilation)).all()}


def _blobs(engine: Engine) -> set[str]:
    with read_session(engine) as session:
        return set(session.exec(text("SELECT sha256 FROM blob")).scalars())


def test_a_manual_compiled_again_replaces_what_only_its_earlier_version_used(
    engine: Engine,
) -> None:
    """The earlier manual and its contents page are forgotten, and their bytes deleted by
    the storage job; its cover, which the new one reuses, stays; another manual's
    compilations are untouched."""
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02", title="Quy trình tiếp nhận hồ sơ")
    to_effective(engine, "QT-02")
    with write_session(engine) as session:
        renditions.manual_pdf(session)
    first = _stored(engine)
    with write_session(engine) as session:
        renditions.manual_pdf(session, language="en")
    other = {key: pdf for key, pdf in _stored(engine).items() if key not in first}
    assert len(other) == 3  # the English manual, its cover and contents page
    revise(engine, "QT-01")
    to_effective(engine, "QT-01")
    with write_session(engine) as session:
        manual = renditions.manual_pdf(session)
    now = _stored(engine)
    gone = set(first) - set(now)
    assert len(gone) == 2  # the earlier manual and its contents page
    assert len(set(first) & set(now)) == 1  # the cover both print
    assert other.items() <= now.items()
    assert len(now) == len(other) + 3
    earlier_bytes = {first[key] for key in gone}
    assert earlier_bytes <= _blobs(engine)  # left to the storage job: the download waits less
    with write_session(engine) as session:
        dropped = blobs.drop_unused_pdfs(session)
        session.commit()
    assert dropped.files == 2
    assert dropped.size > 0
    assert not earlier_bytes & _blobs(engine)
    assert set(now.values()) <= _blobs(engine)
    with write_session(engine) as session:
        assert renditions.manual_pdf(session) == manual  # served from storage
    assert _stored(engine) == now


def test_the_storage_job_deletes_only_pdfs_that_no_row_refers_to(engine: Engine) -> None:
    """A controlled copy stays (its issue refers to it), and so does a picture a body
    shows from its text; a PDF nothing refers to goes."""
    effective_document(engine, "QT-01")
    with write_session(engine) as session:
        copy = documents.effective_revision(session, documents.find_document(session, "QT-01"))
        referenced = str(copy.pdf_sha256)
        loose = blobs.put(session, data=b"%PDF-1.7 loose", media_type="application/pdf").sha256
        picture = blobs.put(session, data=b"\x89PNG picture", media_type="image/png").sha256
        session.commit()
    with write_session(engine) as session:
        assert blobs.drop_unused_pdfs(session) == blobs.Dropped(1, len(b"%PDF-1.7 loose"))
        session.commit()
    stored = _blobs(engine)
    assert {referenced, picture} <= stored
    assert loose not in stored
