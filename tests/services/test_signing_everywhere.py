"""Every password-confirmed signature shares the signing lock-out of documents: approving
quality objectives and the chair's signature on review minutes record each wrong password
on the trail, count towards the same limit and are refused while it holds."""

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.errors import AuthenticationFailed
from qms.services.documents.signing import SigningLimits, SigningLocked
from qms.services.objectives import lifecycle
from qms.services.reviews import meeting
from tests.helpers import act, last_event, snapshot, trail_actions
from tests.seed import PASSWORD
from tests.services import objectives_setup as obj
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


def _objective(engine: Engine) -> Signing:
    ref = obj.draft(engine, document=None)
    return Signing(
        lifecycle.approve_objectives, {"refs": [ref]}, "objective", ref, "objective.approve"
    )


def _review(engine: Engine) -> Signing:
    ref = started(engine)
    conclude_all(engine, ref)
    return Signing(meeting.sign, {"ref": ref}, "review", ref, "review.sign")


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


@pytest.mark.parametrize("setup", [_objective, _review], ids=["objective", "review"])
def test_wrong_passwords_are_recorded_and_lock_signing(
    engine: Engine, setup: Callable[[Engine], Signing]
) -> None:
    step, kwargs, entity, entity_id, signed = setup(engine)
    seq = last_event(engine)
    before = snapshot(engine, skip=NOT_THE_TRAIL)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed, match="wrong password"):
            act(engine, step, "hai", password="nope", limits=STRICT, **kwargs)
        assert snapshot(engine, skip=NOT_THE_TRAIL) == before
    with pytest.raises(SigningLocked, match=LOCKED):  # the right password, too late
        act(engine, step, "hai", password=PASSWORD, limits=STRICT, **kwargs)
    assert snapshot(engine, skip=NOT_THE_TRAIL) == before
    assert _refusals(engine, seq) == [
        ("signing.refused", "hai", entity, entity_id),
        ("signing.refused", "hai", entity, entity_id),
        ("signing.locked", "hai", entity, entity_id),
    ]
    # Under the default limit the same signer signs.
    act(engine, step, "hai", password=PASSWORD, limits=SigningLimits(), **kwargs)
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
