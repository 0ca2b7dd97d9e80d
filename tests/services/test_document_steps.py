"""A document's read view offers exactly the steps its commands allow: for records in each
state and for every seed person, each offered step succeeds when that person runs the
command, and each hidden one is refused. Every step starts from the prepared state."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import QMSError
from qms.services.documents import register as documents
from qms.services.documents import revisions
from qms.services.documents import views as doc_views
from qms.services.documents.steps import Step
from qms.services.people import users
from tests.helpers import act, body, effective_document, new_draft, revise
from tests.saved_database import SavedDatabase
from tests.seed import PASSWORD, PEOPLE
from tests.services.capa_setup import today

CODE = "QT-01"


def _submitted(engine: Engine, **assigned: str) -> None:
    new_draft(engine)
    act(engine, revisions.submit, "thu", code=CODE, password=PASSWORD, **assigned)


def _reviewed(engine: Engine) -> None:
    _submitted(engine)
    act(engine, revisions.review, "hung", code=CODE, accept=True, password=PASSWORD)


def _approved(engine: Engine, days: int = 0) -> None:
    _reviewed(engine)
    when = today(engine) + timedelta(days=days)
    act(engine, revisions.approve, "hai", code=CODE, password=PASSWORD, effective_date=when)


def _returned(engine: Engine) -> None:
    _submitted(engine)
    act(engine, revisions.review, "quang", code=CODE, accept=False, comment="Bổ sung bước 3")


def _effective_with_draft(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)


def _withdrawn(engine: Engine) -> None:
    effective_document(engine)
    act(engine, revisions.obsolete, "thu", code=CODE, reason="Thay bằng QT-09")


STATES: dict[str, Callable[[Engine], None]] = {
    "draft": lambda engine: new_draft(engine),
    "empty draft": lambda engine: new_draft(engine, body=""),
    "in review": lambda engine: _submitted(engine),
    "in review, sent to mai and quang": lambda engine: _submitted(
        engine, reviewer="mai", approver="quang"
    ),
    "reviewed": _reviewed,
    "approved, due": lambda engine: _approved(engine),
    "approved, takes effect later": lambda engine: _approved(engine, days=30),
    "returned for changes": _returned,
    "effective": lambda engine: effective_document(engine),
    "effective with a draft": lambda engine: _effective_with_draft(engine),
    "withdrawn": _withdrawn,
}


def _issues(engine: Engine) -> int:
    with read_session(engine) as session:
        return len(documents.revisions_of(session, documents.get_document(session, CODE)))


def _run(engine: Engine, step: Step, user: str) -> tuple[bool, bool]:
    """Run the command behind ``step`` as ``user``: whether it did the step, and whether
    it changed anything (a refusal changes nothing)."""
    commands: dict[Step, tuple[Callable[..., Any], dict[str, Any]]] = {
        Step.SUBMIT: (revisions.submit, {"password": PASSWORD}),
        Step.ACCEPT: (revisions.review, {"accept": True, "password": PASSWORD}),
        Step.RETURN: (revisions.review, {"accept": False, "comment": "Sửa lại bước 2"}),
        Step.APPROVE: (revisions.approve, {"password": PASSWORD}),
        Step.PUBLISH: (revisions.publish, {}),
        Step.ACKNOWLEDGE: (revisions.acknowledge, {}),
        Step.WITHDRAW: (revisions.obsolete, {"reason": "Không còn áp dụng"}),
        Step.PERIODIC_REVIEW: (documents.record_periodic_review, {"note": "Vẫn phù hợp"}),
    }
    before = _issues(engine)
    try:
        if step in (Step.REVISE, Step.EDIT):  # one command: `qms doc revise`
            act(engine, revisions.revise, user, code=CODE, body=body(7),
                reason="Kết quả đánh giá", description="Sửa bước 7")  # fmt: skip
        else:
            func, kwargs = commands[step]
            act(engine, func, user, code=CODE, **kwargs)
    except QMSError:
        return False, False
    if step is Step.REVISE:
        return _issues(engine) == before + 1, True  # started the next issue
    if step is Step.EDIT:
        return _issues(engine) == before, True  # changed the draft in progress
    return True, True


def _offered(engine: Engine, user: str) -> set[Step]:
    """The steps the document's view offers ``user`` (none where they may not see it)."""
    with read_session(engine) as session:
        viewer = users.get_user(session, user)
        try:
            return set(doc_views.issue_detail(session, viewer=viewer, code=CODE).steps)
        except QMSError:
            return set()


@pytest.mark.parametrize("state", list(STATES))
def test_the_view_offers_exactly_the_steps_the_commands_allow(
    state: str, engine: Engine, request: pytest.FixtureRequest
) -> None:
    STATES[state](engine)
    names = [person[0] for person in PEOPLE]
    offers = {name: _offered(engine, name) for name in names}
    saved = SavedDatabase(request, engine)
    for name in names:
        for step in Step:
            done, changed = _run(engine, step, name)
            assert done == (step in offers[name]), (
                f"{state}: {name} {'may' if done else 'may not'} {step}, "
                f"but the view offers {sorted(offers[name])}"
            )
            if changed:
                saved.restore()  # the next step starts from the prepared state again


def test_without_a_viewer_no_step_is_offered(engine: Engine) -> None:
    effective_document(engine)
    with read_session(engine) as session:
        assert doc_views.issue_detail(session, viewer=None, code=CODE).steps == ()
