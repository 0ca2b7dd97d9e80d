"""Results computed from imported one-stop-desk figures: after each import, every approved
objective measured by the on-time or satisfaction rate gets the results of the ended
periods whose figures are complete. A period with a result keeps it."""

from sqlmodel import Session, col, select

from qms.models import Objective, ObjectiveVersion, User
from qms.services import numbering
from qms.services.desk import rates
from qms.services.objectives import periods, results
from qms.services.objectives.lifecycle import APPROVED
from qms.services.objectives.periods import Frequency
from qms.services.people import organisation


def refresh(session: Session, *, actor: User, years: list[int]) -> list[str]:
    """Add the computed results now possible (``MT-2026-01 2026-Q1``); the caller commits."""
    today = organisation.today(session)
    added: list[str] = []
    rows = session.exec(
        select(Objective, ObjectiveVersion)
        .join(ObjectiveVersion, col(ObjectiveVersion.objective_id) == Objective.id)
        .where(
            col(Objective.year).in_(years),
            ObjectiveVersion.status == APPROVED,
            ObjectiveVersion.measure != "entered",
        )
        .order_by(col(Objective.year), *numbering.in_order(col(Objective.ref)))
    ).all()
    for objective, version in rows:
        for period in periods.of_year(objective.year, Frequency(version.frequency)):
            if period.end >= today or results.result_of(session, objective, period.key):
                continue
            if version.measure == "on_time_rate":
                value = rates.on_time_rate(session, period, version.scope_kind, version.scope_value)
            else:
                value = rates.satisfaction_rate(session, period, version.scope_value)
            if value is None:
                continue
            results.add_computed(
                session,
                actor=actor,
                objective=objective,
                version=version,
                period=period,
                value=value,
            )
            added.append(f"{objective.ref} {period.key}")
    return added
