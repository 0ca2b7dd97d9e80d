"""The steps an audit's view offers are exactly the steps its commands take: for an audit
in each state and each person, every offered step succeeds when that person runs the
command, and every hidden step is refused by it."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict, InvalidTransition, PermissionDenied
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.services.audits.steps import AuditStep
from qms.services.people import users
from tests.helpers import act
from tests.saved_database import SavedDatabase
from tests.seed import PASSWORD
from tests.services.audit_steps_setup import STATES, prepare

# Each step's command with the input it needs (see prepare: khoa is free to join).
COMMANDS: dict[AuditStep, tuple[Callable[..., Any], dict[str, Any]]] = {
    AuditStep.ASSIGN: (audits.assign, {"username": "khoa"}),
    AuditStep.START: (audits.start, {}),
    AuditStep.RECORD: (audit_work.record, {"item": 2, "result": "C", "evidence": "Đủ hồ sơ"}),
    AuditStep.CONCLUDE: (audits.conclude, {"conclusions": "Kết luận bổ sung"}),
    AuditStep.REPORT: (audit_reports.report, {"password": PASSWORD}),
    AuditStep.SIGN: (audit_reports.sign, {"password": PASSWORD}),
    AuditStep.REOPEN: (audit_reports.reopen, {"reason": "Bổ sung bằng chứng"}),
    AuditStep.CLOSE: (audit_reports.close, {}),
}
# lead, team member, auditee representative, controller, admin, approver, other auditor
PEOPLE = ("an", "ngoc", "mai", "thu", "admin", "hai", "binh")
S = AuditStep
EXPECTED: dict[str, dict[str, set[AuditStep]]] = {
    "planned": {"an": {S.ASSIGN, S.START, S.CONCLUDE}, "thu": {S.ASSIGN}, "admin": {S.ASSIGN}},
    "in_progress": {
        "an": {S.ASSIGN, S.RECORD, S.CONCLUDE, S.REPORT},
        "ngoc": {S.RECORD},
        "thu": {S.ASSIGN},
        "admin": {S.ASSIGN},
    },
    "reported": {"an": {S.REOPEN}, "mai": {S.SIGN}},  # closing waits for mai's signature
    "signed": {"an": {S.REOPEN, S.CLOSE}},
    "closed": {},
}


def _offered(engine: Engine, ref: str) -> dict[str, set[AuditStep]]:
    with read_session(engine) as session:
        return {
            name: set(
                audit_views.detail(session, viewer=users.get_user(session, name), ref=ref).steps
            )
            for name in PEOPLE
        }


@pytest.mark.parametrize("state", STATES)
def test_an_audit_offers_the_steps_its_commands_take(
    engine: Engine, request: pytest.FixtureRequest, state: str
) -> None:
    ref = prepare(engine, state)
    offered = _offered(engine, ref)
    assert offered == {name: EXPECTED[state].get(name, set()) for name in PEOPLE}
    saved = SavedDatabase(request, engine)
    for name in PEOPLE:
        for step, (command, kwargs) in COMMANDS.items():
            if step in offered[name]:
                act(engine, command, name, ref=ref, **kwargs)  # succeeds
                saved.restore()
            else:
                with pytest.raises((PermissionDenied, InvalidTransition, Conflict)):
                    act(engine, command, name, ref=ref, **kwargs)
