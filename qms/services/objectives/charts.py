"""An objective's chart: its results over every period of its year against its target,
drawn by the render layer from the objective's read view."""

from qms.render import charts
from qms.services.objectives import views
from qms.services.objectives.periods import Frequency, of_year


def objective_svg(view: views.ObjectiveView, *, language: str) -> str:
    """Every period of the objective's year on the axis; a period without a result yet
    has no point."""
    periods = [p.key for p in of_year(view.year, Frequency(view.frequency))]
    found = {r.period: r.value for r in view.results}
    words = charts.chart_labels(language)
    return charts.objective_chart(
        title=f"{view.ref}: {view.indicator} ({view.unit})",
        periods=periods,
        values=[found.get(period) for period in periods],
        target=view.target,
        result_label=words["result"],
        target_label=words["target"],
    )
