"""The steps a viewer may take on a corrective action: a step is offered exactly when the
check its command runs first lets the viewer through (the same functions, so a page never
offers what the command would refuse, nor hides what it would allow)."""

from collections.abc import Callable

from sqlmodel import Session

from qms.errors import QMSError
from qms.models import CorrectiveActionRequest, User
from qms.services.capa import actions, lifecycle

CONTAIN = "contain"
ANALYSE = "analyse"
ADD_ACTION = "add_action"
CHANGE_DOCUMENT = "change_document"  # add an action that raises a document's next issue
PLAN = "plan"
VERIFY = "verify"
CLOSE = "close"
DONE = "done"  # on one action: mark it done

Check = Callable[[Session, User, CorrectiveActionRequest], object]

RECORD_CHECKS: tuple[tuple[str, Check], ...] = (
    (CONTAIN, lifecycle.check_contain),
    (ANALYSE, lifecycle.check_analyse),
    (ADD_ACTION, actions.check_add_action),
    (CHANGE_DOCUMENT, actions.check_change_document),
    (PLAN, lifecycle.check_plan),
    (VERIFY, actions.check_verify),
    (CLOSE, lifecycle.check_close),
)


def _passes(check: Callable[[], object]) -> bool:
    try:
        check()
    except QMSError:
        return False
    return True


def record_steps(session: Session, viewer: User, car: CorrectiveActionRequest) -> tuple[str, ...]:
    """The record's steps ``viewer`` may take, in the order of the lifecycle."""
    allowed = []
    for step, check in RECORD_CHECKS:
        try:
            check(session, viewer, car)
        except QMSError:
            continue
        allowed.append(step)
    return tuple(allowed)


def action_steps(
    session: Session, viewer: User, car: CorrectiveActionRequest, number: int
) -> tuple[str, ...]:
    """The steps ``viewer`` may take on action ``number``."""
    allowed = _passes(lambda: actions.check_complete(session, viewer, car, number))
    return (DONE,) if allowed else ()


def may_raise_from_finding(session: Session, viewer: User) -> bool:
    """Whether ``viewer`` may raise a corrective action from an audit finding (findings
    pages offer the step beside each finding that has none yet)."""
    return _passes(lambda: lifecycle.check_raise_from_finding(session, viewer))
