"""Read views of the register as plain data (command line, API, charts, reports), and the
reviews and actions that are overdue, for the reminders and the home page."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from qms.models import Department, Risk, RiskAction, User, pk
from qms.render import charts
from qms.services import numbering
from qms.services.risks import register
from qms.services.risks import scale as scales


@dataclass(frozen=True)
class ActionView:
    number: int
    what: str
    owner: str
    due: date
    done: bool
    overdue: bool


@dataclass(frozen=True)
class RiskView:
    ref: str
    kind: str
    department: str
    process: str
    title: str
    cause: str
    effect: str
    likelihood: int
    impact: int
    level: str
    treatment: str
    residual_likelihood: int | None
    residual_impact: int | None
    residual_level: str
    next_review: date
    review_overdue: bool
    status: str
    actions: list[ActionView] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Overdue:
    """A review or an action whose date has passed."""

    what: str  # review | action
    ref: str
    title: str
    department: str
    owner: str  # the action's owner; "" for a review
    due: date
    number: int | None = None


def register_view(
    session: Session,
    *,
    viewer: User | None,
    today: date,
    department: str | None = None,
    include_closed: bool = False,
) -> list[RiskView]:
    query = select(Risk, Department).where(Risk.department_id == Department.id)
    if department:
        query = query.where(Department.code == department.strip().upper())
    if not include_closed:
        query = query.where(Risk.status == register.OPEN)
    rows = session.exec(query.order_by(*numbering.in_order(col(Risk.ref)))).all()
    names = {u.id: u.username for u in session.exec(select(User)).all()}
    actions = _actions_of(session, [pk(risk) for risk, _ in rows])
    editor = register.editor(session, viewer) if viewer is not None else None
    out = []
    for risk, dept in rows:
        acts = [
            ActionView(
                number=a.number,
                what=a.what,
                owner=names.get(a.owner_id, ""),
                due=a.due,
                done=a.done_at is not None,
                overdue=a.done_at is None and a.due < today,
            )
            for a in actions.get(pk(risk), [])
        ]
        editable = (
            editor is not None and risk.status == register.OPEN and editor(risk.department_id)
        )
        out.append(
            RiskView(
                ref=risk.ref,
                kind=risk.kind,
                department=dept.code,
                process=risk.process,
                title=risk.title,
                cause=risk.cause,
                effect=risk.effect,
                likelihood=risk.likelihood,
                impact=risk.impact,
                level=risk.level,
                treatment=risk.treatment,
                residual_likelihood=risk.residual_likelihood,
                residual_impact=risk.residual_impact,
                residual_level=risk.residual_level,
                next_review=risk.next_review,
                review_overdue=risk.status == register.OPEN and risk.next_review < today,
                status=risk.status,
                actions=acts,
                steps=["review", "action"] if editable else [],
            )
        )
    return out


def _actions_of(session: Session, risk_ids: list[int]) -> dict[int, list[RiskAction]]:
    """The actions of these risks, in their order, read at once."""
    found: dict[int, list[RiskAction]] = defaultdict(list)
    for start in range(0, len(risk_ids), 500):
        chunk = risk_ids[start : start + 500]
        for action in session.exec(
            select(RiskAction)
            .where(col(RiskAction.risk_id).in_(chunk))
            .order_by(col(RiskAction.risk_id), col(RiskAction.number))
        ).all():
            found[action.risk_id].append(action)
    return found


def review_overdue(today: date) -> ColumnElement[bool]:
    """A condition on ``Risk``: open, and its review date is before ``today``."""
    return and_(col(Risk.status) == register.OPEN, col(Risk.next_review) < today)


def action_overdue(today: date) -> ColumnElement[bool]:
    """A condition on ``RiskAction`` joined to its ``Risk``: not done, due before
    ``today``, on an open risk."""
    return and_(
        col(Risk.status) == register.OPEN,
        col(RiskAction.done_at).is_(None),
        col(RiskAction.due) < today,
    )


def overdue(session: Session, *, today: date) -> list[Overdue]:
    """Open risks whose review date has passed and open actions past their due date,
    earliest first."""
    found: list[Overdue] = []
    reviews = session.exec(
        select(Risk, Department).where(Risk.department_id == Department.id, review_overdue(today))
    ).all()
    found += [Overdue("review", r.ref, r.title, d.code, "", r.next_review) for r, d in reviews]
    late = session.exec(
        select(RiskAction, Risk, Department, User).where(
            RiskAction.risk_id == Risk.id,
            Risk.department_id == Department.id,
            RiskAction.owner_id == User.id,
            action_overdue(today),
        )
    ).all()
    found += [
        Overdue("action", r.ref, a.what, d.code, u.username, a.due, a.number) for a, r, d, u in late
    ]
    return sorted(found, key=lambda o: (o.due, o.ref, o.number or 0))


@dataclass(frozen=True)
class MatrixCell:
    likelihood: int
    impact: int
    level: str
    refs: list[str]


def matrix(session: Session, *, views: list[RiskView]) -> tuple[scales.Scale, list[MatrixCell]]:
    """The scale and, for each of its cells, its level and the open risks assessed in it
    (before treatment), for the risk matrix chart."""
    scale = scales.current(session)
    cells = []
    for likelihood in range(1, scale.likelihood_top + 1):
        for impact in range(1, scale.impact_top + 1):
            refs = [
                v.ref
                for v in views
                if v.likelihood == likelihood and v.impact == impact and v.status == "open"
            ]
            cells.append(MatrixCell(likelihood, impact, scale.level(likelihood, impact), refs))
    return scale, cells


def matrix_svg(session: Session, *, views: list[RiskView], language: str) -> str:
    """The open entries of ``views`` on the risk matrix, as an inert SVG in ``language``."""
    scale, cells = matrix(session, views=views)
    words = charts.chart_labels(language)
    return charts.risk_matrix(
        title=words["risk_matrix"],
        cells=[charts.Cell(c.likelihood, c.impact, c.level, c.refs) for c in cells],
        likelihood_top=scale.likelihood_top,
        impact_top=scale.impact_top,
        likelihood_label=words["likelihood"],
        impact_label=words["impact"],
    )
