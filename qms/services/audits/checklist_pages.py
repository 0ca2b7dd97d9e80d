"""An audit's checklist one page at a time: filtered to the items still to answer or to
the nonconforming ones, with a contents bar of its clauses counted in the database, so a
checklist of thousands of items costs one page of rows."""

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, false
from sqlmodel import Session, col, func, select

from qms.errors import Joined, ValidationError
from qms.models import (
    Audit,
    ChecklistAttachment,
    ChecklistItem,
    CorrectiveActionRequest,
    Department,
    Finding,
    User,
    pk,
)
from qms.services.audits import checklists
from qms.services.audits.core import get_audit
from qms.services.audits.steps import AuditStep, allowed_steps
from qms.services.audits.views import FindingView, ItemView, require_reader
from qms.services.paging import Paged
from qms.text import clean

SHOWS = ("all", "unanswered", "nonconforming")
PAGE_SIZE = 50


@dataclass(frozen=True)
class ClauseCount:
    """One heading of the contents bar: a clause (``""``: questions without one) and
    how many of its items there are, are still to answer, and do not conform."""

    clause: str
    items: int
    unanswered: int
    nonconforming: int


@dataclass(frozen=True)
class ChecklistPage(Paged):
    audit: Audit
    items: list[ItemView]
    findings: dict[int, FindingView]  # by item number
    steps: tuple[AuditStep, ...]
    contents: list[ClauseCount]
    show: str
    clause: str | None
    total: int
    page: int
    per_page: int

    def count(self, show: str) -> int:
        """How many items of the whole checklist ``show`` lists."""
        field = {"all": "items", "unanswered": "unanswered", "nonconforming": "nonconforming"}
        return sum(getattr(heading, field[show]) for heading in self.contents)


def _clause_order(clause: str) -> tuple[int, tuple[int, ...]]:
    numbers = tuple(int(part) for part in re.findall(r"\d+", clause))
    return (0 if numbers else 1, numbers)


def checklist_page(
    session: Session,
    *,
    viewer: User,
    ref: str,
    show: str = "all",
    clause: str | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> ChecklistPage:
    """Page ``page`` of the items ``show`` picks (all, still unanswered, or answered with
    a nonconformity grade), of one clause when ``clause`` is given, in item order."""
    audit = get_audit(session, ref)
    require_reader(session, viewer, audit)
    if show not in SHOWS:
        raise ValidationError(
            "unknown checklist view {value!r} (one of {choices})",
            value=show,
            choices=Joined(SHOWS),
        )
    nonconforming = [g.code for g in checklists.load_grades(audit.grades) if g.nonconformity]
    is_nonconforming: ColumnElement[bool] = (
        col(ChecklistItem.result).in_(nonconforming) if nonconforming else false()
    )
    unanswered = col(ChecklistItem.result).is_(None)
    conditions: list[ColumnElement[bool]] = [col(ChecklistItem.audit_id) == pk(audit)]
    if show == "unanswered":
        conditions.append(unanswered)
    elif show == "nonconforming":
        conditions.append(is_nonconforming)
    if clause is not None:
        clause = clean(clause)
        conditions.append(col(ChecklistItem.clause) == clause)
    headings = session.exec(
        select(
            ChecklistItem.clause,
            func.count(),
            func.sum(case((unanswered, 1), else_=0)),
            func.sum(case((is_nonconforming, 1), else_=0)),
        )
        .where(col(ChecklistItem.audit_id) == pk(audit))
        .group_by(col(ChecklistItem.clause))
    ).all()
    contents = sorted(
        (ClauseCount(c, int(n), int(u or 0), int(x or 0)) for c, n, u, x in headings),
        key=lambda heading: _clause_order(heading.clause),
    )
    total = int(session.exec(select(func.count()).where(*conditions)).one())
    page = max(1, page)
    items = session.exec(
        select(ChecklistItem)
        .where(*conditions)
        .order_by(col(ChecklistItem.number))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return ChecklistPage(
        audit,
        _views(session, list(items)),
        _findings(session, audit, list(items)),
        allowed_steps(session, viewer, audit),
        contents,
        show,
        clause,
        total,
        page,
        per_page,
    )


def _departments(session: Session) -> dict[int | None, str]:
    return {d.id: d.code for d in session.exec(select(Department)).all()}


def _views(session: Session, items: list[ChecklistItem]) -> list[ItemView]:
    """The page's items with their attachments and who recorded them (the rows of this
    page only)."""
    ids = [pk(i) for i in items]
    attachments: dict[int, list[ChecklistAttachment]] = {}
    for attachment in session.exec(
        select(ChecklistAttachment)
        .where(col(ChecklistAttachment.item_id).in_(ids))
        .order_by(col(ChecklistAttachment.id))
    ).all():
        attachments.setdefault(attachment.item_id, []).append(attachment)
    people = {i.recorded_by_id for i in items if i.recorded_by_id is not None}
    names = dict(session.exec(select(User.id, User.username).where(col(User.id).in_(people))).all())
    codes = _departments(session)
    return [
        ItemView(
            number=i.number,
            source=i.source,
            clause=i.clause,
            clause_2008=i.clause_2008,
            question_vi=i.question_vi,
            question_en=i.question_en,
            department=codes.get(i.department_id, ""),
            result=i.result,
            evidence=i.evidence,
            attachments=[
                {"filename": a.filename, "sha256": a.blob_sha256}
                for a in attachments.get(pk(i), [])
            ],
            recorded_by=names.get(i.recorded_by_id, "") if i.recorded_by_id else "",
            recorded_at=i.recorded_at,
        )
        for i in items
    ]


def _findings(session: Session, audit: Audit, items: list[ChecklistItem]) -> dict[int, FindingView]:
    """The findings raised on the page's items, by item number."""
    numbers = {pk(i): i.number for i in items}
    found = session.exec(select(Finding).where(col(Finding.item_id).in_(list(numbers)))).all()
    capas = dict(
        session.exec(
            select(CorrectiveActionRequest.finding_id, CorrectiveActionRequest.ref).where(
                col(CorrectiveActionRequest.finding_id).in_([pk(f) for f in found])
            )
        ).all()
    )
    codes = _departments(session)
    return {
        numbers[f.item_id]: FindingView(
            label=f"{audit.ref} / F{f.number}",
            number=f.number,
            item=numbers[f.item_id],
            grade=f.grade,
            clause=f.clause,
            department=codes.get(f.department_id, "") if f.department_id else "",
            statement=f.statement,
            evidence=f.evidence,
            capa=capas.get(pk(f)),
        )
        for f in found
    }
