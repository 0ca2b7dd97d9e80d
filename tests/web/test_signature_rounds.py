"""Signature rounds: a signature made on a text that a later round replaced (the issue was
returned, changed and submitted again) is shown as superseded by resubmission, in a
collapsed history; "invalid" stays for content changed outside the workflow. An issue in
review that has been reviewed reads "reviewed — awaiting approval"."""

import re

from click.testing import CliRunner
from sqlalchemy.engine import Engine

from qms.cli import cli
from qms.services.documents import revisions
from tests.helpers import act, body, legacy_body, new_draft
from tests.seed import PASSWORD
from tests.web.client import WebClient

SUPERSEDED = "Đã được thay thế do trình lại"
INVALID = "Không hợp lệ"


def _second_round(engine: Engine) -> None:
    """Drafted, returned with a comment, changed and submitted again, then reviewed."""
    new_draft(engine, "QT-20")
    act(engine, revisions.submit, "thu", code="QT-20", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-20", accept=False, comment="Bổ sung bước 3")
    act(engine, revisions.revise, "thu", code="QT-20", body=body(3))
    act(engine, revisions.submit, "thu", code="QT-20", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-20", accept=True, password=PASSWORD)


def _earlier_rounds(page: str) -> str:
    found = re.search(r'<details class="earlier-rounds">.*?</details>', page, re.S)
    assert found, "no collapsed history of earlier rounds"
    return found.group(0)


def test_the_first_rounds_signature_is_superseded_not_invalid(
    web_engine: Engine, as_user: type
) -> None:
    _second_round(web_engine)
    hai: WebClient = as_user("hai")
    page = hai.get("/documents/QT-20").text
    assert 'class="status status-reviewed">Đã xem xét — chờ phê duyệt<' in page
    assert INVALID not in page
    earlier = _earlier_rounds(page)
    assert SUPERSEDED in earlier
    assert "Các vòng trước: 1 chữ ký đã được thay thế do trình lại" in earlier
    current = page[: page.index('<details class="earlier-rounds">')]
    assert (
        current.count('<td data-label="Hiệu lực chữ ký">Hợp lệ</td>') == 2
    )  # drafted and reviewed, this round


def test_a_text_changed_outside_the_workflow_is_still_invalid(
    web_engine: Engine, as_user: type
) -> None:
    _second_round(web_engine)
    legacy_body(web_engine, "QT-20", 1, body(4))  # straight in the database
    page = as_user("hai").get("/documents/QT-20").text
    current = page[: page.index('<details class="earlier-rounds">')]
    assert current.count(INVALID) == 2
    assert "Đã xem xét — chờ phê duyệt" not in page


def test_doc_show_says_reviewed_awaiting_approval(db_url: str, web_engine: Engine) -> None:
    _second_round(web_engine)
    shown = CliRunner().invoke(
        cli,
        ["doc", "show", "QT-20", "--as", "hai"],
        env={"QMS_DATABASE_URL": db_url, "QMS_USER": None, "QMS_LANGUAGE": None},
        catch_exceptions=False,
    )
    assert shown.exit_code == 0, shown.output
    assert "issue 1: reviewed — awaiting approval\n" in shown.stdout
    marks = [line.rsplit("  ", 1)[1] for line in shown.stdout.splitlines() if "  signed " in line]
    assert marks == ["superseded by resubmission", "valid", "valid"]
