"""The steps a user may take on an audit.

Each command runs its ``check_<step>`` first; the read views run the same checks to say
which steps to offer. A check raises the refusal the command raises (not allowed, wrong
state, already done). What stays with the command is its input (the texts, the password,
the person assigned) and the completeness of what is reported, which the command still
refuses with a message saying what is missing."""

from collections.abc import Callable
from enum import StrEnum

from sqlmodel import Session

from qms.domain import AuditStatus, Role
from qms.errors import Conflict, InvalidTransition, Joined, PermissionDenied, Text
from qms.models import Audit, User
from qms.phrases import state
from qms.services.audits import checklists
from qms.services.audits.core import (
    PLANNERS,
    capa_refs,
    check_team_independence,
    findings_of,
    require_editable,
    require_lead,
    require_status,
    role_in,
)
from qms.services.audits.records import AUDITEE, signatures_of, valid_signed
from qms.services.people import users


class AuditStep(StrEnum):
    """What a user can do to an audit, in the order of its life."""

    ASSIGN = "assign"
    START = "start"
    RECORD = "record"
    CONCLUDE = "conclude"
    REPORT = "report"
    SIGN = "sign"
    REOPEN = "reopen"
    CLOSE = "close"


def check_plan(session: Session, actor: User, *, action: Text | None = None) -> None:
    """Controllers, auditors and admins plan audits and set the programme."""
    users.require_role(session, actor, *PLANNERS, action=action or Text("plan audits"))


def check_assign(session: Session, actor: User, audit: Audit) -> None:
    """The lead auditor, a controller or an admin changes the team of an open audit."""
    require_editable(audit)
    if audit.lead_auditor_id != actor.id:
        users.require_role(
            session,
            actor,
            Role.CONTROLLER,
            Role.ADMIN,
            action=Text("change the team of {ref}", ref=audit.ref),
        )


def check_start(session: Session, actor: User, audit: Audit) -> None:
    """The lead auditor starts a planned audit whose team is still independent."""
    require_lead(session, audit, actor, Text("start it"))
    require_status(audit, AuditStatus.PLANNED, Text("start"))
    check_team_independence(session, audit)


def check_record(session: Session, actor: User, audit: Audit) -> None:
    """The audit team records results while the audit is in progress."""
    require_status(audit, AuditStatus.IN_PROGRESS, Text("have results recorded"))
    if role_in(session, audit, actor) is None:
        raise PermissionDenied("only the audit team of {ref} can record results", ref=audit.ref)


def check_conclude(session: Session, actor: User, audit: Audit) -> None:
    """The lead auditor writes the conclusions until the audit is reported."""
    require_lead(session, audit, actor, Text("write its conclusions"))
    require_editable(audit)


def check_report(session: Session, actor: User, audit: Audit) -> None:
    """The lead auditor reports an audit in progress."""
    require_lead(session, audit, actor, Text("report it"))
    require_status(audit, AuditStatus.IN_PROGRESS, Text("be reported"))


def check_sign(
    session: Session, actor: User, audit: Audit, *, content_hash: str | None = None
) -> None:
    """The auditee representative signs a reported audit once (a signature that the
    record no longer matches does not count); ``content_hash`` is the record's hash when
    the caller has it."""
    if audit.auditee_rep_id != actor.id:
        raise PermissionDenied(
            "only the auditee representative of {ref} can sign it", ref=audit.ref
        )
    require_status(audit, AuditStatus.REPORTED, Text("be signed"))
    if valid_signed(signatures_of(session, audit, content_hash=content_hash), AUDITEE):
        raise Conflict("{user} has already signed {ref}", user=actor.username, ref=audit.ref)


def check_reopen(session: Session, actor: User, audit: Audit) -> None:
    """The lead auditor reopens a reported audit."""
    require_lead(session, audit, actor, Text("reopen it"))
    if audit.status != AuditStatus.REPORTED:
        raise InvalidTransition(
            "{ref} is {state}; only a reported audit can be reopened",
            ref=audit.ref,
            state=state(audit.status),
        )


def check_close(
    session: Session, actor: User, audit: Audit, *, content_hash: str | None = None
) -> None:
    """The lead auditor closes a reported audit once the auditee representative has
    signed and every finding has a corrective action."""
    require_lead(session, audit, actor, Text("close it"))
    if audit.status != AuditStatus.REPORTED:
        raise InvalidTransition(
            "{ref} is {state}; only a reported audit can be closed",
            ref=audit.ref,
            state=state(audit.status),
        )
    signatures = signatures_of(session, audit, content_hash=content_hash)
    if audit.auditee_rep_id and not valid_signed(signatures, AUDITEE):
        rep = session.get(User, audit.auditee_rep_id)
        raise InvalidTransition(
            "{ref} cannot be closed: {name} has not signed the report",
            ref=audit.ref,
            name=rep.username if rep else Text("the auditee representative"),
        )
    with_capa = capa_refs(session, audit)
    missing = [f"F{f.number}" for f in findings_of(session, audit) if f.id not in with_capa]
    if missing:
        raise InvalidTransition(
            "{ref} cannot be closed: findings without a corrective action: {findings}",
            ref=audit.ref,
            findings=Joined(missing),
        )


def allowed_steps(
    session: Session, viewer: User, audit: Audit, *, content_hash: str | None = None
) -> tuple[AuditStep, ...]:
    """The steps ``viewer`` may take on ``audit`` now: those whose check passes."""
    checks: list[tuple[AuditStep, Callable[[], None]]] = [
        (AuditStep.ASSIGN, lambda: check_assign(session, viewer, audit)),
        (AuditStep.START, lambda: check_start(session, viewer, audit)),
        (AuditStep.RECORD, lambda: check_record(session, viewer, audit)),
        (AuditStep.CONCLUDE, lambda: check_conclude(session, viewer, audit)),
        (AuditStep.REPORT, lambda: check_report(session, viewer, audit)),
        (AuditStep.SIGN, lambda: check_sign(session, viewer, audit, content_hash=content_hash)),
        (AuditStep.REOPEN, lambda: check_reopen(session, viewer, audit)),
        (AuditStep.CLOSE, lambda: check_close(session, viewer, audit, content_hash=content_hash)),
    ]
    allowed = []
    for step, check in checks:
        try:
            check()
        except (PermissionDenied, InvalidTransition, Conflict):
            continue
        allowed.append(step)
    return tuple(allowed)


def may_plan(session: Session, viewer: User) -> bool:
    """Whether ``viewer`` may plan audits (and set the programme)."""
    return _passes(lambda: check_plan(session, viewer))


def may_set_grades(session: Session, viewer: User) -> bool:
    """Whether ``viewer`` may change the grade scale new audits freeze."""
    return _passes(lambda: checklists.check_set_grades(session, viewer))


def _passes(check: Callable[[], None]) -> bool:
    try:
        check()
    except PermissionDenied:
        return False
    return True
