"""axe-core (vendored, see vendor/README.md) on the main pages in Chromium, in
Vietnamese, as a user of each role, at desktop size and a few at phone size: no serious
or critical violation.

The site's CSP allows no inline script, and Playwright injects axe as one: these
contexts alone bypass the CSP (``bypass_csp``); the served pages keep it."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from qms.db import make_engine
from qms.services.audits import planning as audits
from qms.services.documents import revisions
from tests.browser.conftest import Person
from tests.helpers import act, effective_document, new_draft
from tests.live_server import served
from tests.seed import PASSWORD
from tests.services.capa_setup import open_complaint, plan_mc

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  if (result.passes.length === 0) throw new Error("axe checked nothing");
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def busy_office(sqlite_templates: dict[bool, Path], tmp_path: Path) -> Iterator[dict[str, str]]:
    """A server with QT-01 in force and its issue 2 in review, a draft QT-02, an audit
    in progress and an open CAR: the base URL and the audit's and the CAR's refs."""
    database = tmp_path / "axe.db"
    shutil.copyfile(sqlite_templates[True], database)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    try:
        effective_document(engine, "QT-01")
        act(
            engine,
            revisions.revise,
            "thu",
            code="QT-01",
            body="# 1. Mục đích\n\nQuy định cách kiểm soát tài liệu trong **01 ngày**.\n",
            reason="Kết quả đánh giá nội bộ",
            description="Rút ngắn thời hạn",
        )
        act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
        new_draft(engine, "QT-02", title="Quy trình tiếp nhận hồ sơ")
        audit = plan_mc(engine)
        act(engine, audits.start, "binh", ref=audit)
        car = open_complaint(engine)
    finally:
        engine.dispose()
    with served(url, tmp_path) as base:
        yield {"base": base, "audit": audit, "car": car}


def _violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def test_the_main_pages_have_no_serious_accessibility_violations(
    browser: Browser, busy_office: dict[str, str]
) -> None:
    audit, car = busy_office["audit"], busy_office["car"]
    pages_by_person = {
        "lan": ["/", "/documents", "/documents/QT-01", "/notices"],
        "thu": ["/documents/QT-02/edit", "/capa", f"/capa/{car}", "/objectives", "/risks"],
        "hung": ["/", "/documents/QT-01?issue=2"],
        "binh": ["/audits", f"/audits/{audit}", f"/audits/{audit}/checklist"],
        "admin": ["/admin/users"],
    }
    problems: dict[str, list[dict[str, Any]]] = {}
    for username, paths in pages_by_person.items():
        person = Person(browser, busy_office["base"], username, PASSWORD, bypass_csp=True)
        for path in paths:
            response = person.page.goto(path)
            assert response is not None, (username, path)
            assert response.status == 200, (username, path)
            assert person.page.locator("html").get_attribute("lang") == "vi"
            if found := _violations(person.page):
                problems[f"{username} {path}"] = found
        person.close()
    phone = {"width": 390, "height": 844}
    lan = Person(browser, busy_office["base"], "lan", PASSWORD, bypass_csp=True, viewport=phone)
    for path in ("/", "/documents", "/documents/QT-01"):
        lan.page.goto(path)
        if found := _violations(lan.page):
            problems[f"lan {path} (phone)"] = found
    lan.close()
    assert problems == {}
