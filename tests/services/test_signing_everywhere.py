"""Every password-confirmed signature shares the signing lock-out of documents: approving
quality objectives, the chair's signature on review minutes, the lead auditor's report,
the auditee's signature and the verification of a corrective action record each wrong
password on the trail, count towards the same limit and are refused while it holds."""

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.errors import AuthenticationFailed
from qms.services.audits import reports as audit_reports
from qms.services.capa import actions as capa_actions
from qms.services.objectives import lifecycle
from qms.services.people.signing import SigningLimits, SigningLocked
from qms.services.reviews import meeting
from tests.helpers import act, last_event, snapshot, trail_actions
from tests.seed import PASSWORD
from tests.services import capa_setup as cs
from tests.services import objectives_setup as obj
from tests.services.audit_steps_setup import prepare
from tests.services.review_setup import conclude_all, started

STRICT = SigningLimits.of(max_failures=2, window_minutes=10)
LOCKED = "too many wrong passwords when signing; signing is locked for you for 10 minutes"
NOT_THE_TRAIL = ("trail_event",)


class Signing(NamedTuple):
    step: Callable[..., Any]
    kwargs: dict[str, Any]
    entity: str
    entity_id: str
    signed: str  # the trail action of the signature when it is accepted
    signer: str = "hai"


def _objective(engine: Engine) -> Signing:
    ref = obj.draft(engine, document=None)
    return Signing(
        lifecycle.approve_objectives, {"refs": [ref]}, "objective", ref, "objective.approve"
    )


def _review(engine: Engine) -> Signing:
    ref = started(engine)
    conclude_all(engine, ref)
    return Signing(meeting.sign, {"ref": ref}, "review", ref, "review.sign")


def _audit_report(engine: Engine) -> Signing:
    ref = prepare(engine, "in_progress")
    return Signing(audit_reports.report, {"ref": ref}, "audit", ref, "audit.report", "an")


def _audit_sign(engine: Engine) -> Signing:
    ref = prepare(engine, "reported")
    return Signing(audit_reports.sign, {"ref": ref}, "audit", ref, "audit.sign", "mai")


def _capa_verify(engine: Engine) -> Signing:
    ref = cs.planned(engine)
    cs.done(engine, ref)
    kwargs = {"ref": ref, "effective": True, "evidence": "Kiểm tra 20 hồ sơ: không trễ hẹn"}
    return Signing(capa_actions.verify, kwargs, "capa", ref, "capa.verify", "an")


def _refusals(engine: Engine, after: int) -> list[tuple[str, str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT action, actor, entity, entity_id FROM trail_event "
                "WHERE seq > :after ORDER BY seq"
            ),
            {"after": after},
        )
        return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    "setup",
    [_objective, _review, _audit_report, _audit_sign, _capa_verify],
    ids=["objective", "review", "audit-report", "audit-sign", "capa-verify"],
)
def test_wrong_passwords_are_recorded_and_lock_signing(
    engine: Engine, setup: Callable[[Engine], Signing]
) -> None:
    step, kwargs, entity, entity_id, signed, who = setup(engine)
    seq = last_event(engine)
    before = snapshot(engine, skip=NOT_THE_TRAIL)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed, match="wrong password"):
            act(engine, step, who, password="nope", limits=STRICT, **kwargs)
        assert snapshot(engine, skip=NOT_THE_TRAIL) == before
    with pytest.raises(SigningLocked, match=LOCKED):  # the right password, too late
        act(engine, step, who, password=PASSWORD, limits=STRICT, **kwargs)
    assert snapshot(engine, skip=NOT_THE_TRAIL) == before
    assert _refusals(engine, seq) == [
        ("signing.refused", who, entity, entity_id),
        ("signing.refused", who, entity, entity_id),
        ("signing.locked", who, entity, entity_id),
    ]
    # Under the default limit the same signer signs.
    act(engine, step, who, password=PASSWORD, limits=SigningLimits(), **kwargs)
    assert trail_actions(engine, after=seq)[3:] == [signed]


def test_wrong_passwords_in_one_area_lock_signing_in_the_others(engine: Engine) -> None:
    """One count per signer: two wrong passwords approving objectives lock the chair out
    of signing the minutes too."""
    objective, review = _objective(engine), _review(engine)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            act(engine, objective.step, "hai", password="nope", limits=STRICT, **objective.kwargs)
    before = snapshot(engine, skip=NOT_THE_TRAIL)
    with pytest.raises(SigningLocked, match=LOCKED):
        act(engine, review.step, "hai", password=PASSWORD, limits=STRICT, **review.kwargs)
    assert snapshot(engine, skip=NOT_THE_TRAIL) == before
