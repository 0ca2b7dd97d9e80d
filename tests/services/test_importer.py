"""Importing procedure sources: the sample QMS, and malformed files that import nothing."""

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import PermissionDenied, QMSError, ValidationError
from qms.services.documents import importer, revisions
from tests.helpers import act, snapshot, statuses

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
