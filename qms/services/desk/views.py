"""What the one-stop-desk pages show besides the rate tables: the steps a viewer may take
(import, turn feedback into a nonconformity), found by the commands' own checks, and the
rate charts drawn from the tables' rows."""

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session

from qms.errors import QMSError
from qms.models import User
from qms.render import charts
from qms.services.desk import dossiers, feedback
from qms.services.desk.rates import OnTimeRow, SatisfactionRow


def may_import(session: Session, viewer: User) -> bool:
    try:
        dossiers.check_import(session, viewer)
    except QMSError:
        return False
    return True


def feedback_steps(
    session: Session, viewer: User, items: Sequence[feedback.FeedbackView]
) -> dict[str, list[str]]:
    """Per complaint or feedback: ["nonconformity"] when the viewer may turn it into one."""
    steps: dict[str, list[str]] = {}
    for shown in items:
        try:
            feedback.check_raise(session, viewer, feedback.get_feedback(session, shown.ref))
        except QMSError:
            steps[shown.ref] = []
        else:
            steps[shown.ref] = ["nonconformity"]
    return steps


def on_time_svg(rows: Sequence[OnTimeRow], *, language: str, title: str) -> str | None:
    """The on-time rate per group in the latest period the rows have (None without one)."""
    rated = [r for r in rows if r.rate is not None]
    if not rated:
        return None
    latest = max(r.period for r in rated)
    shown = [r for r in rated if r.period == latest]
    words = charts.chart_labels(language)
    return charts.rate_chart(
        title=f"{title} {latest}",
        labels=[r.group for r in shown],
        rates=[r.rate or 0.0 for r in shown],
        rate_label=words["on_time_rate"],
    )


def satisfaction_svg(
    rows: Sequence[SatisfactionRow], *, periods: Sequence[str], language: str, title: str
) -> str | None:
    """The satisfaction rate of all fields together per period (None without answers)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        totals[row.period][0] += row.answers
        totals[row.period][1] += row.satisfied
    if not totals:
        return None
    words = charts.chart_labels(language)
    return charts.quarter_chart(
        title=title,
        quarters=list(periods),
        rates=[
            round(100 * totals[p][1] / totals[p][0], 2) if totals[p][0] else None for p in periods
        ],
        rate_label=words["satisfaction_rate"],
    )
