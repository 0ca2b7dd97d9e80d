"""Actions that treat a risk or take an opportunity: each has an owner and a due date,
and is marked done by its owner or by whoever keeps the register."""

from datetime import date

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from qms.models import Risk, RiskAction, User, pk
from qms.services.people import organisation, users
from qms.services.risks import register
from qms.services.trail import chain as trail
from qms.text import clean

MAX_WHAT = 2_000


def actions_of(session: Session, risk: Risk) -> list[RiskAction]:
    return list(
        session.exec(
            select(RiskAction).where(RiskAction.risk_id == risk.id).order_by(col(RiskAction.number))
        ).all()
    )


def add_action(
    session: Session, *, actor: User, ref: str, what: str, owner: str, due: date
) -> RiskAction:
    risk = register.get_risk(session, ref)
    register.check_edit(session, actor, register.department_of(session, risk))
    if risk.status == register.CLOSED:
        raise Conflict("{ref} is closed", ref=risk.ref)
    text_ = clean(what)
    if not text_:
        raise ValidationError("say what the action is")
    if len(text_) > MAX_WHAT:
        raise ValidationError("the action is longer than {limit:,} characters", limit=MAX_WHAT)
    if due < organisation.today(session):
        raise ValidationError(
            "the due date {date} is in the past (today is {today})",
            date=due.isoformat(),
            today=organisation.today(session).isoformat(),
        )
    person = users.get_active_user(session, owner)
    number = len(actions_of(session, risk)) + 1
    action = RiskAction(risk_id=pk(risk), number=number, what=text_, owner_id=pk(person), due=due)
    session.add(action)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="risk.action.add",
        entity="risk",
        entity_id=risk.ref,
        payload={"new": {"number": number, "what": text_, "owner": person.username, "due": due}},
    )
    session.commit()
    return action


def complete_action(
    session: Session, *, actor: User, ref: str, number: int, note: str = ""
) -> RiskAction:
    risk = register.get_risk(session, ref)
    action = session.exec(
        select(RiskAction).where(RiskAction.risk_id == risk.id, RiskAction.number == number)
    ).first()
    if action is None:
        raise NotFound("{ref} has no action {number}", ref=risk.ref, number=number)
    if action.owner_id != actor.id and not register.can_edit(session, actor, risk.department_id):
        raise PermissionDenied(
            "{user} cannot mark action {number} of {ref} done: only its owner or whoever "
            "keeps the department's risks can",
            user=actor.username,
            number=number,
            ref=risk.ref,
        )
    if action.done_at is not None:
        raise Conflict("action {number} of {ref} is done already", number=number, ref=risk.ref)
    action.done_at = utcnow()
    action.done_note = clean(note)[:MAX_WHAT]
    session.add(action)
    trail.record(
        session,
        actor=actor.username,
        action="risk.action.done",
        entity="risk",
        entity_id=risk.ref,
        payload={"new": {"number": number, "note": action.done_note}},
    )
    session.commit()
    return action
