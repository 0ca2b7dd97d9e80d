"""Bodies at the door: a new document, a saved draft, an import and a submission are
checked against the caps the controlled PDF applies. A body over them is invalid input
(exit code 2) whose message states its real figure and the cap, and nothing is saved;
a body that passes has its sanitised HTML stored with it."""

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session
from qms.errors import ValidationError
from qms.models import BodyHtml
from qms.render.markdown import CONVERTER_VERSION, convert
from qms.services.audits import planning as audits
from qms.services.documents import bodies, importer, revisions
from qms.services.documents import views as doc_views
from qms.services.documents.steps import Step
from qms.services.people import users
from tests.helpers import (
    act,
    body,
    effective_document,
    legacy_body,
    new_draft,
    refused,
    snapshot,
    statuses,
)
from tests.seed import PASSWORD
from tests.services.audit_helpers import effective_procedures, plan_tp

SHA = "0123456789abcdef" * 4


def nested_list(depth: int) -> str:
    return "\n".join("  " * level + f"- mức {level + 1}" for level in range(depth))


TABLE = "| a | b | c | d |\n|---|---|---|---|\n" + "| 1 | 2 | 3 | 4 |\n" * 2_600
OVER_CAPS = [
    (nested_list(25), "lists or block quotes are nested 25 levels deep; the limit is 20"),
    (
        "- " * 10_000 + "x",
        "lists or block quotes are nested at least 50 levels deep; the limit is 20",
    ),
    ("*" * 60 + "x" + "*" * 60, "emphasis or links are nested 30 levels deep; the limit is 20"),
    (TABLE, "tables have 10,404 cells; the limit is 10,000"),
    ("[a" * 25_000, "the body has 25,000 opening square brackets '['; the limit is 20,000"),
    (f"![sơ đồ](blob:{SHA})", f"the body shows image blob:{SHA} that was not supplied"),
]
CAPS = pytest.mark.parametrize(
    ("over", "message"),
    OVER_CAPS,
    ids=["list", "list-past-the-parser", "emphasis", "table", "brackets", "image"],
)


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def stored_html(engine: Engine) -> dict[str, str]:
    with read_session(engine) as session:
        rows = session.exec(select(BodyHtml)).all()
    return {row.body_sha256: row.html for row in rows if row.converter == CONVERTER_VERSION}


@CAPS
def test_a_new_document_over_a_cap_is_refused(engine: Engine, over: str, message: str) -> None:
    refused(engine, ValidationError, revisions.create_document, "thu", exactly(message),
            code="QT-09", title="Quy trình", doc_type="procedure", department="VP",
            body=over)  # fmt: skip


@CAPS
def test_a_draft_over_a_cap_is_refused_and_the_saved_text_kept(
    engine: Engine, over: str, message: str
) -> None:
    effective_document(engine)
    change: dict[str, Any] = {"reason": "Sửa", "description": "Bổ sung"}
    refused(engine, ValidationError, revisions.revise, "thu", exactly(message),
            code="QT-01", body=over, **change)  # fmt: skip
    act(engine, revisions.revise, "thu", code="QT-01", body=body(2), **change)
    refused(engine, ValidationError, revisions.revise, "thu", exactly(message),
            code="QT-01", body=over)  # fmt: skip
    with read_session(engine) as session:
        assert doc_views.issue_detail(session, viewer=None, code="QT-01").body == body(1)


def test_an_import_over_a_cap_imports_nothing_and_names_the_file(
    engine: Engine, tmp_path: Path
) -> None:
    front = "---\ncode: {code}\ntitle: Quy trình\ntype: procedure\ndepartment: VP\n"
    front += "issue: 1\neffective_date: 2025-03-01\n---\n"
    (tmp_path / "a.md").write_text(front.format(code="QT-01") + body(), encoding="utf-8")
    (tmp_path / "b.md").write_text(front.format(code="QT-02") + nested_list(21), "utf-8")
    before = snapshot(engine)
    with pytest.raises(ValidationError) as caught:
        act(engine, importer.import_files, "thu", paths=[tmp_path])
    assert str(caught.value) == (
        f"{tmp_path / 'b.md'}: lists or block quotes are nested 21 levels deep; the limit is 20"
    )
    assert caught.value.exit_code == 2
    assert snapshot(engine) == before


def test_a_draft_saved_before_the_check_cannot_be_submitted(engine: Engine) -> None:
    new_draft(engine)
    legacy_body(engine, "QT-01", 1, nested_list(22))
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        steps = doc_views.issue_detail(session, viewer=thu, code="QT-01", issue=1).steps
    assert Step.SUBMIT not in steps
    assert Step.EDIT in steps
    refused(engine, ValidationError, revisions.submit, "thu",
            exactly("lists or block quotes are nested 22 levels deep; the limit is 20"),
            code="QT-01", password=PASSWORD)  # fmt: skip
    act(engine, revisions.revise, "thu", code="QT-01", body=nested_list(20))
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    assert statuses(engine) == {1: "in_review"}


def test_an_approved_issue_over_a_cap_is_refused_at_publication_as_invalid_input(
    engine: Engine,
) -> None:
    new_draft(engine)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)
    legacy_body(engine, "QT-01", 1, "- " * 10_000 + "x")
    message = "lists or block quotes are nested at least 50 levels deep; the limit is 20"
    before = snapshot(engine)
    with pytest.raises(ValidationError, match=exactly(message)) as caught:
        act(engine, revisions.publish, "thu", code="QT-01")
    assert caught.value.exit_code == 2
    assert snapshot(engine) == before


def test_saved_bodies_have_their_html_stored_once(engine: Engine) -> None:
    new_draft(engine, "QT-01")
    new_draft(engine, "QT-02", title="Quy trình hai")  # the same body: one row
    act(engine, revisions.revise, "thu", code="QT-01", body=body(3))
    assert stored_html(engine) == {
        bodies.body_sha256(body(1)): convert(body(1)).html,
        bodies.body_sha256(body(3)): convert(body(3)).html,
    }


def test_new_empty_documents_share_one_stored_body(engine: Engine) -> None:
    new_draft(engine, "QT-01", body="")
    new_draft(engine, "QT-02", title="Quy trình hai", body="")
    assert stored_html(engine) == {bodies.body_sha256(""): ""}


def test_audit_conclusions_over_a_cap_are_refused(engine: Engine) -> None:
    effective_procedures(engine)
    ref = plan_tp(engine)
    refused(engine, ValidationError, audits.conclude, "an",
            exactly("emphasis or links are nested 25 levels deep; the limit is 20"),
            ref=ref, conclusions="_" * 50 + "Phù hợp" + "_" * 50)  # fmt: skip
    refused(engine, ValidationError, audits.conclude, "an",
            exactly(f"the conclusions show image blob:{SHA}; records cannot include images"),
            ref=ref, conclusions=f"![ảnh](blob:{SHA})")  # fmt: skip
