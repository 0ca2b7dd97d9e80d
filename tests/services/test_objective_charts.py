"""An objective's chart comes from its stored results: every period of its year on the
axis, the results entered so far as points, and the target in each period."""

from lxml import etree
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.objectives import charts, results, views
from tests.helpers import act
from tests.services import objectives_setup as obj

SVG = "{http://www.w3.org/2000/svg}"


def test_an_objectives_results_are_drawn_against_its_target(engine: Engine) -> None:
    ref = obj.approved(engine)
    for period, value in (("2026-Q1", "97.5"), ("2026-Q3", "99")):
        act(engine, results.record_result, "hung", ref=ref, period=period, value=value)
    with read_session(engine) as session:
        svg = charts.objective_svg(views.objective_view(session, ref), language="vi")
    root = etree.fromstring(svg.encode(), etree.XMLParser(resolve_entities=False))
    series: dict[str, list[str]] = {}
    for group in root.iter(f"{SVG}g"):
        names = (group.get("class") or "").split()
        for name in (n for n in names if n.startswith("serie-")):
            series.setdefault(name, []).extend(
                d.text or "" for d in group.iter(f"{SVG}desc") if d.get("class") == "value"
            )
    assert series["serie-0"] == ["97.5", "99"]  # Q2 and Q4 have no result
    assert series["serie-1"] == ["98"] * 4
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "Kết quả", "Mục tiêu"} <= texts
    assert f"{ref}: Hồ sơ TTHC được giải quyết đúng hạn (%)" in texts
    assert not list(root.iter(f"{SVG}script"))
