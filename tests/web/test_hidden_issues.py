"""Probing for issues staff may not see learns nothing: a draft, an issue in review or
a superseded issue is answered exactly as an issue that does not exist."""

import html
import re
from collections.abc import Callable

from fastapi import FastAPI
from httpx import Response
from sqlalchemy.engine import Engine

from qms.services.documents import revisions
from tests.helpers import act, effective_document, revise, to_effective
from tests.seed import PASSWORD
from tests.web.client import signed_in

MISSING = 77  # an issue number no document here has

# (code, issue) pairs staff may not open, with what each one is.
HIDDEN = {
    ("QT-01", 1): "superseded",
    ("QT-01", 3): "in_review",
    ("QT-02", 2): "draft",
}
EFFECTIVE = {"QT-01": 2, "QT-02": 1}

# Every read of one issue, on pages and in the API: a URL for (code, issue).
READS: dict[str, Callable[[str, int], str]] = {
    "page": lambda code, issue: f"/documents/{code}?issue={issue}",
    "pdf": lambda code, issue: f"/documents/{code}/pdf?issue={issue}",
    "diff from": lambda code, issue: f"/documents/{code}/diff?old={issue}&new={EFFECTIVE[code]}",
    "diff to": lambda code, issue: f"/documents/{code}/diff?old={EFFECTIVE[code]}&new={issue}",
    "api": lambda code, issue: f"/api/documents/{code}/revisions/{issue}",
    "api pdf": lambda code, issue: f"/api/documents/{code}/revisions/{issue}/pdf",
}


def hidden_issues(engine: Engine) -> None:
    """QT-01: issue 1 superseded, 2 effective, 3 in review; QT-02: 1 effective, 2 draft."""
    effective_document(engine, "QT-01")
    revise(engine, "QT-01", n=2)
    to_effective(engine, "QT-01")
    revise(engine, "QT-01", n=3)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    effective_document(engine, "QT-02")
    revise(engine, "QT-02", n=2)


def _seen(response: Response, url: str, issue: int) -> tuple[int, str, str]:
    """Status, type and body, with what the user typed (the URL, the issue number in
    the message) put as placeholders."""
    text = response.text.replace(html.escape(url), "{url}")
    text = re.sub(rf"(?<= ){issue}(?=[<\"])", "{issue}", text)
    return response.status_code, response.headers["content-type"], text


def test_a_hidden_issue_is_answered_as_a_missing_one(app: FastAPI, web_engine: Engine) -> None:
    hidden_issues(web_engine)
    lan = signed_in(app, "lan")
    for (code, issue), what in HIDDEN.items():
        for read, url in READS.items():
            hidden = lan.get(url(code, issue))
            missing = lan.get(url(code, MISSING))
            assert hidden.status_code == 404, (what, read, hidden.text)
            assert _seen(hidden, url(code, issue), issue) == _seen(
                missing, url(code, MISSING), MISSING
            ), (what, read)
    lan.close()


def test_those_who_may_see_every_issue_still_open_them(app: FastAPI, web_engine: Engine) -> None:
    hidden_issues(web_engine)
    thu = signed_in(app, "thu")
    for code, issue in HIDDEN:
        assert thu.get(f"/documents/{code}?issue={issue}").status_code == 200
        assert thu.get(f"/api/documents/{code}/revisions/{issue}").status_code == 200
    thu.close()
