"""Importing procedure sources: the sample QMS, and malformed files that import nothing."""

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session
from qms.errors import PermissionDenied, QMSError, ValidationError
from qms.models import Document
from qms.services import blobs
from qms.services.documents import importer, register, renditions, revisions
from qms.services.integrity import check as integrity
from qms.services.trail import chain as trail
from tests.helpers import act, get, snapshot, statuses

GOOD = """---
code: QT-01
title: "Quy trình kiểm soát tài liệu"
type: procedure
department: VP
owner: thu
language: vi
review_interval: 12
issue: 1
effective_date: 2025-03-01
---
# 1. Mục đích

Kiểm soát tài liệu.
"""


def write(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_import_a_higher_issue_supersedes(engine: Engine, tmp_path: Path) -> None:
    act(engine, importer.import_files, "thu", paths=[write(tmp_path, "a.md", GOOD)])
    second = GOOD.replace("issue: 1", "issue: 2\nreason: Sửa\ndescription: Bổ sung")
    act(engine, importer.import_files, "thu", paths=[write(tmp_path, "b.md", second)])
    assert statuses(engine) == {1: "superseded", 2: "effective"}
    with pytest.raises(ValidationError, match="issue 2 is already effective"):
        act(engine, importer.import_files, "thu", paths=[tmp_path / "b.md"])


def test_the_last_review_on_paper_sets_when_the_next_falls_due(
    engine: Engine, tmp_path: Path
) -> None:
    reviewed = GOOD.replace("issue: 1", "issue: 1\nlast_reviewed: 2026-02-20")
    act(engine, importer.import_files, "thu", paths=[write(tmp_path, "a.md", reviewed)])
    with read_session(engine) as session:
        doc = session.exec(select(Document).where(Document.code == "QT-01")).one()
        assert doc.last_reviewed_on == date(2026, 2, 20)
        (due,) = register.review_due(session, within_days=3650)
        assert (due.due_on, due.overdue) == (date(2027, 2, 20), False)
        (event,) = [e for e in trail.events(session) if e.action == "revision.import"]
        assert '"last_reviewed":"2026-02-20"' in event.payload


BAD = [
    ("no-front.md", "# Chỉ có nội dung\n", "no YAML front matter"),
    ("bad-yaml.md", "---\ncode: [QT\n---\nx\n", "not valid YAML"),
    ("missing.md", GOOD.replace('title: "Quy trình kiểm soát tài liệu"\n', ""), "missing title"),
    ("type.md", GOOD.replace("type: procedure", "type: poem"), "unknown document type"),
    ("dept.md", GOOD.replace("department: VP", "department: XX"), "no department"),
    ("owner.md", GOOD.replace("owner: thu", "owner: nobody"), "no user"),
    ("issue.md", GOOD.replace("issue: 1", "issue: one"), "issue must be a whole number"),
    ("date.md", GOOD.replace("2025-03-01", "01/03/2025"), "effective_date must be a date"),
    ("reason.md", GOOD.replace("issue: 1", "issue: 2"), "needs reason and description"),
    (
        "reviewed.md",
        GOOD.replace("issue: 1", "issue: 1\nlast_reviewed: 2026"),
        "last_reviewed must be a date",
    ),
    (
        "review-early.md",
        GOOD.replace("issue: 1", "issue: 1\nlast_reviewed: 2025-02-28"),
        "last_reviewed must not be before effective_date",
    ),
    (
        "field.md",
        GOOD.replace("language: vi", "language: vi\nsecret: 1"),
        "unknown front matter field secret",
    ),
    ("code.md", GOOD.replace("code: QT-01", "code: QT 01"), "document code"),
    ("empty.md", GOOD.split("# 1.")[0], "the body is empty"),
    ("latin1.md", None, "not UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_malformed_file_is_named_and_nothing_is_imported(
    engine: Engine, tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    good = write(tmp_path, "QT-09.md", GOOD.replace("QT-01", "QT-09"))
    bad = tmp_path / name
    if content is None:
        bad.write_bytes(GOOD.replace("Mục đích", "Muc \xe9").encode("latin-1", "replace"))
    else:
        write(tmp_path, name, content)
    before = snapshot(engine)
    with pytest.raises(QMSError) as caught:
        act(engine, importer.import_files, "thu", paths=[good, bad])
    assert str(bad) in str(caught.value)
    assert message in str(caught.value)
    assert snapshot(engine) == before


def test_duplicate_codes_in_one_import(engine: Engine, tmp_path: Path) -> None:
    a = write(tmp_path, "a.md", GOOD)
    b = write(tmp_path, "b.md", GOOD)
    before = snapshot(engine)
    with pytest.raises(ValidationError, match="also used by"):
        act(engine, importer.import_files, "thu", paths=[a, b])
    assert snapshot(engine) == before


def test_only_controllers_import(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        act(engine, importer.import_files, "lan", paths=[write(tmp_path, "a.md", GOOD)])


def test_imported_issue_can_be_revised(engine: Engine, tmp_path: Path) -> None:
    from tests.helpers import revise, to_effective

    act(engine, importer.import_files, "thu", paths=[write(tmp_path, "a.md", GOOD)])
    revise(engine)
    to_effective(engine)
    assert statuses(engine) == {1: "superseded", 2: "effective"}
    with read_session(engine) as session:
        assert revisions.detail(session, viewer=None, code="QT-01").signatures


def test_issues_imported_together_are_rendered_together_as_one_at_a_time(
    engine: Engine, tmp_path: Path
) -> None:
    """The controlled copies of an import render on both cores and are stored at its end:
    each is byte for byte the copy one render at a time gives, its hash is the one on the
    revision and on the trail, and the integrity check accepts every one."""
    codes = ["QT-01", "QT-02", "QT-03"]
    paths = [
        write(tmp_path, f"{code}.md", GOOD.replace("QT-01", code).replace("Kiểm soát", code))
        for code in codes
    ]
    act(engine, importer.import_files, "thu", paths=paths)
    with read_session(engine) as session:
        for code in codes:
            doc, rev = get(session, code, 1)
            alone = renditions.controlled_pdf(session, doc, rev)
            assert blobs.data_of(session, str(rev.pdf_sha256)) == alone
            assert rev.pdf_sha256 == hashlib.sha256(alone).hexdigest()
            [rendered] = trail.events(session, entity="revision", entity_id=f"{code}/1")[-1:]
            assert rendered.action == "revision.render"
            assert json.loads(rendered.payload)["new"]["pdf_sha256"] == rev.pdf_sha256
        actions = [e.action for e in trail.events(session, entity="revision")]
        assert actions == ["revision.import"] * 3 + ["revision.render"] * 3
        assert integrity.run(session, viewer=None).intact
