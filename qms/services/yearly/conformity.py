"""The decision announcing that the QMS conforms to TCVN ISO 9001:2015, and its scope:
the administrative procedures known to qms (from the one-stop-desk figures) and the
activities the coordinator adds, and the departments. A new scope is a new decision with
the next number of its year; the earlier decisions stay as they were issued."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import Conflict, NotFound, Text, ValidationError
from qms.i18n import translate
from qms.models import ConformityDecision, Department, DossierStat, User, pk
from qms.render.record_labels import RECORD_LABELS
from qms.render.yearly import ConformityDecisionPrint, Signing
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.people import organisation
from qms.services.trail import chain as trail
from qms.services.yearly import drafts
from qms.text import sort_key


@dataclass(frozen=True)
class Scope:
    procedures: tuple[str, ...]
    departments: tuple[str, ...]

    @property
    def hash(self) -> str:
        text = json.dumps([self.procedures, self.departments], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DecisionView:
    id: int
    year: int
    number: int
    ref: str  # "02/QĐ-UBND"
    issued_on: date
    procedures: tuple[str, ...]
    departments: tuple[str, ...]
    replaces: str  # the ref of the decision it replaced, "" for the first


def ref_of(decision: ConformityDecision) -> str:
    """Number and symbol ("02/QĐ-UBND"), as the Vietnamese decision is numbered whatever
    the language it is printed in."""
    symbol = translate(RECORD_LABELS["yearly_decision_symbol"], "vi")
    return f"{decision.number:02d}/{symbol}"


def desk_procedures(session: Session) -> list[str]:
    """The administrative procedures the one-stop-desk figures name, "code - name"."""
    rows = session.exec(
        select(DossierStat.procedure_code, DossierStat.procedure)
        .where((DossierStat.procedure != "") | (DossierStat.procedure_code != ""))
        .group_by(col(DossierStat.procedure_code), col(DossierStat.procedure))
    ).all()
    return [" - ".join(part for part in row if part) for row in rows]


def current_scope(session: Session) -> Scope:
    """The scope today: one-stop-desk procedures and the activities of this year's draft
    (each once, in alphabetical order), and every department that has staff."""
    year = organisation.today(session).year
    extra = drafts.draft_of(session, year).lines("activities")
    procedures = sorted(set(desk_procedures(session)) | set(extra), key=sort_key)
    staffed = select(User.department_id).where(col(User.active).is_(True))
    departments = session.exec(
        select(Department.name)
        .where(col(Department.id).in_(staffed))
        .order_by(col(Department.code))
    ).all()
    return Scope(procedures=tuple(procedures), departments=tuple(departments))


def view_of(session: Session, decision: ConformityDecision) -> DecisionView:
    replaced = (
        session.get(ConformityDecision, decision.replaces_id) if decision.replaces_id else None
    )
    return DecisionView(
        id=pk(decision),
        year=decision.year,
        number=decision.number,
        ref=ref_of(decision),
        issued_on=decision.issued_on,
        procedures=tuple(json.loads(decision.procedures)),
        departments=tuple(json.loads(decision.departments)),
        replaces=ref_of(replaced) if replaced else "",
    )


def latest(session: Session) -> ConformityDecision | None:
    return session.exec(
        select(ConformityDecision).order_by(col(ConformityDecision.id).desc()).limit(1)
    ).first()


def latest_hash(session: Session) -> str:
    """The scope hash of the decision in force, "" before the first."""
    found = latest(session)
    return found.scope_hash if found else ""


def history(session: Session) -> list[DecisionView]:
    """Every decision issued, newest first."""
    rows = session.exec(select(ConformityDecision).order_by(col(ConformityDecision.id).desc()))
    return [view_of(session, row) for row in rows.all()]


def issue_decision(session: Session, *, actor: User) -> DecisionView:
    """Issue a decision for the current scope, numbered next in this year; refused while
    the scope is empty or unchanged since the last decision."""
    drafts.require_coordinator(session, actor, Text("issue the conformity decision"))
    scope = current_scope(session)
    if not scope.procedures:
        raise ValidationError(
            "the scope is empty: import one-stop-desk figures or list the activities covered"
        )
    before = latest(session)
    if before is not None and before.scope_hash == scope.hash:
        raise Conflict(
            "the scope has not changed since decision {ref}: no new decision is needed",
            ref=ref_of(before),
        )
    today = organisation.today(session)
    draft = drafts.draft_of(session, today.year)
    number = 1 + int(
        session.exec(
            select(func.coalesce(func.max(ConformityDecision.number), 0)).where(
                ConformityDecision.year == today.year
            )
        ).one()
    )
    decision = ConformityDecision(
        year=today.year,
        number=number,
        issued_on=today,
        procedures=json.dumps(list(scope.procedures), ensure_ascii=False),
        departments=json.dumps(list(scope.departments), ensure_ascii=False),
        legal_bases=draft.legal_bases,
        recipients=draft.recipients,
        place=draft.place,
        signer=draft.signer,
        scope_hash=scope.hash,
        replaces_id=before.id if before else None,
        issued_by_id=pk(actor),
        issued_at=utcnow(),
    )
    session.add(decision)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="yearly.decision",
        entity="conformity_decision",
        entity_id=ref_of(decision) + f" ({today.year})",
        payload={
            "new": {
                "number": number,
                "issued_on": today.isoformat(),
                "procedures": list(scope.procedures),
                "departments": list(scope.departments),
                "scope_hash": scope.hash,
                "replaces": ref_of(before) if before else "",
            }
        },
    )
    session.commit()
    return view_of(session, decision)


def get_decision(
    session: Session, *, year: int | None = None, number: int | None = None
) -> ConformityDecision:
    """One decision by year and number; the latest when none is named."""
    if year is None or number is None:
        found = latest(session)
        if found is None:
            raise NotFound("no conformity decision has been issued yet")
        return found
    found = session.exec(
        select(ConformityDecision).where(
            ConformityDecision.year == year, ConformityDecision.number == number
        )
    ).first()
    if found is None:
        raise NotFound("no conformity decision {number:02d} of {year}", number=number, year=year)
    return found


def decision_print(
    session: Session, decision: ConformityDecision, *, language: str | None = None
) -> ConformityDecisionPrint:
    lang = documents.language_or_default(session, language)
    replaced = (
        session.get(ConformityDecision, decision.replaces_id) if decision.replaces_id else None
    )
    lines = drafts.DraftView(
        year=decision.year, legal_bases=decision.legal_bases, recipients=decision.recipients
    )
    return ConformityDecisionPrint(
        language=lang,
        ref=ref_of(decision),
        issued_on=decision.issued_on,
        signing=Signing(
            organisation=renditions.organisation_name(session, lang),
            place=decision.place,
            signer=decision.signer,
            recipients=lines.lines("recipients"),
        ),
        legal_bases=lines.lines("legal_bases"),
        procedures=tuple(json.loads(decision.procedures)),
        departments=tuple(json.loads(decision.departments)),
        replaces=(
            f"{ref_of(replaced)} ({replaced.issued_on.strftime('%d/%m/%Y')})" if replaced else ""
        ),
        timezone=organisation.get_setting(session, "timezone"),
    )


def decision_pdf(
    session: Session,
    *,
    year: int | None = None,
    number: int | None = None,
    language: str | None = None,
) -> tuple[str, bytes]:
    """The decision's PDF (the latest when none is named), rendered from what was issued."""
    from qms.render import render_record_pdf

    decision = get_decision(session, year=year, number=number)
    data = render_record_pdf(decision_print(session, decision, language=language))
    return ref_of(decision), data
