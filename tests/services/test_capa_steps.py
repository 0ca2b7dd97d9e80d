"""The steps a record's view offers are exactly those its commands allow: for a record in
each state and every test person, each offered step succeeds when that person then runs
the command (from the prepared state, put back after each), and each hidden step is
refused."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict, PermissionDenied, QMSError
from qms.services.capa import actions as capa_actions
from qms.services.capa import lifecycle as capa
from qms.services.capa import steps as capa_steps
from qms.services.capa import views as capa_views
from qms.services.people import users
from tests.helpers import act, effective_document, snapshot
from tests.saved_database import SavedDatabase
from tests.seed import PASSWORD, PEOPLE
from tests.services import capa_setup as cs

USERS = [person[0] for person in PEOPLE]


def _record(engine: Engine, state: str) -> str:
    """A VP record (controllers and the VP reviewers and approvers lead it) in ``state``;
    its actions are owned by lan and hung. QT-01 and QT-02 are effective documents."""
    effective_document(engine, "QT-01")
    effective_document(engine, "QT-02")
    ref = cs.open_complaint(engine, department="VP")
    if state == "open":
        return ref
    cs.contain(engine, ref)
    if state == "contained":
        return ref
    cs.analyse(engine, ref)
    cs.add_action(engine, ref, "lan")
    if state == "cause_analysed":
        return ref
    cs.add_action(engine, ref, "hung")
    act(engine, capa.plan, "thu", ref=ref)
    if state == "actions_planned":
        # action 3 changes QT-01: its new issue is a draft, so nobody may mark it done yet
        cs.add_action(engine, ref, "lan", document="QT-01")
        return ref
    cs.done(engine, ref)
    if state == "actions_done":
        return ref
    cs.verify(engine, ref)
    if state == "verified_effective":
        return ref
    act(engine, capa.close, "thu", ref=ref)
    return ref


def _commands(engine: Engine, ref: str) -> dict[str, Callable[[Engine, str], Any]]:
    """Each step as its command with valid input, run by a user on a database."""
    due = cs.due(engine)

    def add(document: str | None) -> Callable[[Engine, str], Any]:
        return lambda db, user: act(
            db,
            capa_actions.add_action,
            user,
            ref=ref,
            description="Rà soát lại thời hạn",
            owner="lan",
            due_date=due,
            document=document,
        )

    return {
        capa_steps.CONTAIN: lambda db, user: act(
            db, capa.contain, user, ref=ref, containment="Xin lỗi công dân"
        ),
        capa_steps.ANALYSE: lambda db, user: cs.analyse(db, ref, actor=user),
        capa_steps.ADD_ACTION: add(None),
        capa_steps.CHANGE_DOCUMENT: add("QT-02"),
        capa_steps.PLAN: lambda db, user: act(db, capa.plan, user, ref=ref),
        capa_steps.VERIFY: lambda db, user: act(
            db,
            capa_actions.verify,
            user,
            ref=ref,
            effective=True,
            evidence="Đúng hẹn",
            password=PASSWORD,
        ),
        capa_steps.CLOSE: lambda db, user: act(db, capa.close, user, ref=ref),
    }


def _done(ref: str, number: int) -> Callable[[Engine, str], Any]:
    return lambda db, user: act(
        db, capa_actions.complete_action, user, ref=ref, number=number, note="Xong"
    )


STATES = [
    "open",
    "contained",
    "cause_analysed",
    "actions_planned",
    "actions_done",
    "verified_effective",
    "closed",
]


@pytest.mark.parametrize("state", STATES)
def test_offered_steps_succeed_and_hidden_ones_are_refused(
    engine: Engine, request: pytest.FixtureRequest, state: str
) -> None:
    ref = _record(engine, state)
    commands = _commands(engine, ref)
    offered: dict[str, set[str]] = {}
    with read_session(engine) as session:
        for user in USERS:
            info = capa_views.detail(session, viewer=users.get_user(session, user), ref=ref)
            assert info.status == state
            offered[user] = set(info.steps)
            for action in info.actions:
                commands[f"done {action.number}"] = _done(ref, action.number)
                offered[user] |= {f"{step} {action.number}" for step in action.steps}
    assert set().union(*offered.values()) <= set(commands)

    before = snapshot(engine)
    for user in USERS:
        for step in sorted(set(commands) - offered[user]):
            try:
                commands[step](engine, user)
            except QMSError:
                continue
            pytest.fail(f"{user} may {step} on a {state} record, but the view hides it")
    assert snapshot(engine) == before  # every refusal changed nothing

    saved = SavedDatabase(request, engine)
    for user in USERS:
        for step in sorted(offered[user]):
            try:
                commands[step](engine, user)
            except QMSError as refusal:
                pytest.fail(f"the view offers {user} to {step} a {state} record: {refusal}")
            saved.restore()  # the next step starts from the prepared state again


def test_who_is_offered_what(engine: Engine) -> None:
    """The steps each person sees on a planned record, spelled out."""
    ref = _record(engine, "actions_planned")
    with read_session(engine) as session:

        def steps(user: str) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
            info = capa_views.detail(session, viewer=users.get_user(session, user), ref=ref)
            return info.steps, [a.steps for a in info.actions]

        assert steps("thu") == (("add_action", "change_document"), [("done",), ("done",), ()])
        assert steps("hung") == (("add_action",), [(), ("done",), ()])  # VP reviewer, owner
        assert steps("lan") == ((), [("done",), (), ()])  # the owner of actions 1 and 3
        assert steps("mai") == ((), [(), (), ()])  # TP reviewer
        assert capa_views.detail(session, viewer=None, ref=ref).steps == ()


def test_raising_from_a_finding_is_offered_exactly_to_those_who_may(engine: Engine) -> None:
    """The findings pages offer "Raise a corrective action" from the same check as the
    command: a person not offered it is refused as not allowed (nothing written); a person
    offered it opens the record, or, once it exists, is told the finding has one."""
    audit = cs.audit_with_findings(engine, grades=("NC_MINOR",))
    raised = []
    for user in USERS:
        with read_session(engine) as session:
            may = capa_steps.may_raise_from_finding(session, users.get_user(session, user))
        before = snapshot(engine)
        try:
            raised.append(act(engine, capa.open_nonconformity, user, finding=f"{audit}/1"))
        except PermissionDenied:
            assert not may, f"{user} is offered a step the command refuses"
            assert snapshot(engine) == before
        except Conflict:
            assert may, f"{user} got past the permission check without the offer"
            assert raised
        else:
            assert may, f"{user} raised a corrective action without being offered to"
    assert len(raised) == 1
