"""An issue takes effect one way, whatever its origin: publishing an approved issue,
publishing the issues that are due, or importing an issue approved on paper. Each one
supersedes the previous issue on the trail, indexes the new body and stores its PDF; and
every status change of an issue is on the trail with its old and new status."""

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from qms.db import read_session
from qms.models import Revision, SearchTerm, TrailEvent
from qms.services import blobs
from qms.services.documents import importer, publishing, renditions, revisions, search
from qms.services.documents import register as documents
from qms.services.people import users
from qms.services.trail import chain as trail
from tests.helpers import act, download, effective_document, get, revise, statuses, to_effective
from tests.seed import PASSWORD

ORIGINS = ["publish", "due", "import"]
REASON = "Kết quả đánh giá nội bộ"
DESCRIPTION = "Chuyển sang lưu trữ điện tử"
ISSUE_2 = "# 1. Mục đích\n\nHướng dẫn lưu trữ hồ sơ điện tử.\n"
SOURCE = """---
code: {code}
title: "Quy trình kiểm soát tài liệu"
type: procedure
department: VP
issue: 2
effective_date: 2025-03-01
reason: {reason}
description: {description}
---
{body}"""
# The action that names how an issue took effect; everything else is the same event.
TAKE_EFFECT = {"revision.publish": "take effect", "revision.import": "take effect"}


def _last_seq(engine: Engine) -> int:
    with read_session(engine) as session:
        return max((e.seq for e in trail.iter_all(session)), default=0)


def second_issue(
    engine: Engine, origin: str, folder: Path, code: str = "QT-01"
) -> list[TrailEvent]:
    """Issue 2 of ``code`` (issue 1 effective) takes effect through ``origin``; the trail
    events of that last step, oldest first."""
    if origin == "import":
        source = folder / f"{code}.md"
        text = SOURCE.format(code=code, reason=REASON, description=DESCRIPTION, body=ISSUE_2)
        source.write_text(text, encoding="utf-8")
        since = _last_seq(engine)
        act(engine, importer.import_files, "thu", paths=[source])
    else:
        act(
            engine,
            revisions.revise,
            "thu",
            code=code,
            body=ISSUE_2,
            reason=REASON,
            description=DESCRIPTION,
        )
        act(engine, revisions.submit, "thu", code=code, password=PASSWORD)
        act(engine, revisions.review, "hung", code=code, accept=True, password=PASSWORD)
        act(engine, revisions.approve, "hai", code=code, password=PASSWORD)
        since = _last_seq(engine)
        if origin == "publish":
            act(engine, revisions.publish, "thu", code=code)
        else:
            run = act(engine, publishing.publish_due, "thu")
            assert [item.code for item in run.published] == [code]
    with read_session(engine) as session:
        return [e for e in trail.iter_all(session) if e.seq > since]


def payload(event: TrailEvent) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(event.payload)
    return loaded


@pytest.mark.parametrize("origin", ORIGINS)
def test_the_previous_issue_is_superseded_on_the_trail(
    engine: Engine, tmp_path: Path, origin: str
) -> None:
    effective_document(engine)
    events = second_issue(engine, origin, tmp_path)
    on_issue_1 = [(e.action, payload(e)) for e in events if e.entity_id == "QT-01/1"]
    assert on_issue_1 == [
        (
            "revision.supersede",
            {
                "old": {"status": "effective"},
                "new": {"status": "superseded"},
                "reason": "replaced by issue 2",
            },
        )
    ]
    assert statuses(engine) == {1: "superseded", 2: "effective"}  # exactly one effective
    with read_session(engine) as session:
        _, first = get(session, "QT-01", 1)
        _, second = get(session, "QT-01", 2)
        assert first.superseded_at is not None
        assert first.superseded_at == second.effective_at  # one stops as the next starts


@pytest.mark.parametrize("origin", ["due", "import"])
def test_every_origin_writes_the_events_of_a_publish(
    engine: Engine, tmp_path: Path, origin: str
) -> None:
    """The same transition (issue 2 replacing issue 1) leaves the same events, whatever
    its origin; only the action naming the origin differs, and its payload keeps every
    key that publishing writes."""
    effective_document(engine, "QT-01")
    effective_document(engine, "QT-02")
    published = second_issue(engine, "publish", tmp_path, "QT-01")
    other = second_issue(engine, origin, tmp_path, "QT-02")

    def shape(events: list[TrailEvent]) -> list[tuple[str, str, object, object]]:
        return [
            (
                TAKE_EFFECT.get(e.action, e.action),
                e.entity_id.rsplit("/", 1)[1],
                (payload(e).get("old") or {}).get("status"),
                payload(e)["new"].get("status"),
            )
            for e in events
        ]

    assert shape(published) == [
        ("revision.supersede", "1", "effective", "superseded"),
        ("take effect", "2", "approved", "effective"),
        ("revision.render", "2", None, None),
    ]
    assert shape(other) == shape(published)
    for mine, theirs in zip(published, other, strict=True):
        assert set(payload(mine)) <= set(payload(theirs))
        assert set(payload(mine)["new"]) <= set(payload(theirs)["new"])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _found(engine: Engine, words: str) -> list[str]:
    with read_session(engine) as session:
        page = search.register_page(session, viewer=users.get_user(session, "lan"), search=words)
        return [row.document.code for row in page.rows]


@pytest.mark.parametrize("origin", ORIGINS)
def test_the_new_body_is_indexed_and_its_pdf_stored(
    engine: Engine, tmp_path: Path, origin: str
) -> None:
    effective_document(engine)  # issue 1: "... tiếp nhận hồ sơ ..."
    events = second_issue(engine, origin, tmp_path)
    with read_session(engine) as session:
        doc, rev = get(session, "QT-01", 2)
        terms = session.exec(
            select(SearchTerm.term).where(col(SearchTerm.document_id) == doc.id)
        ).all()
        assert set(terms) == search.terms_of(ISSUE_2)
        assert rev.pdf_sha256 is not None
        stored = blobs.get(session, rev.pdf_sha256).data
        assert blobs.sha256(stored) == rev.pdf_sha256
    render = events[-1]
    assert (render.action, render.entity_id) == ("revision.render", "QT-01/2")
    assert payload(render)["new"] == {"pdf_sha256": rev.pdf_sha256, "size": len(stored)}
    blobs.forget_cached()
    assert download(engine, "QT-01") == renditions.ControlledCopy("QT-01", 2, stored)
    content = pdf_text(stored)
    assert "QT-01" in content
    assert "lưu trữ hồ sơ điện tử" in content
    assert "tiếp nhận hồ sơ" not in content
    assert _found(engine, "luu tru dien tu") == ["QT-01"]
    assert _found(engine, "tiep nhan") == []


def test_every_status_change_is_on_the_trail_from_old_to_new(
    engine: Engine, tmp_path: Path
) -> None:
    """Read in order, the status events of each issue chain from one status to the next
    and end at the status the issue has: returned, published, imported, withdrawn."""
    effective_document(engine)
    revise(engine)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=False, comment="Bổ sung bước 3")
    to_effective(engine)  # issue 2 returned once, then published
    source = tmp_path / "QT-01.md"
    text = SOURCE.format(code="QT-01", reason=REASON, description=DESCRIPTION, body=ISSUE_2)
    source.write_text(text.replace("issue: 2", "issue: 3"), encoding="utf-8")
    act(engine, importer.import_files, "thu", paths=[source])  # issue 3 supersedes issue 2
    revise(engine, n=4)
    act(engine, revisions.obsolete, "thu", code="QT-01", reason="Gộp vào QT-02")
    assert statuses(engine) == {1: "superseded", 2: "superseded", 3: "obsolete", 4: "obsolete"}
    with read_session(engine) as session:
        doc = documents.get_document(session, "QT-01")
        issues: list[Revision] = documents.revisions_of(session, doc)
        for rev in issues:
            changes = [
                payload(e)
                for e in trail.events(session, entity="revision", entity_id=f"QT-01/{rev.issue}")
                if "status" in payload(e).get("new", {})
            ]
            assert changes, rev.issue
            for before, after in itertools.pairwise(changes):
                assert after["old"]["status"] == before["new"]["status"], rev.issue
            assert changes[-1]["new"]["status"] == rev.status, rev.issue
