"""Quality objectives on the web: the year's list with each objective's status, latest
result and chart; approval by a leader with the password typed again; results entered by
the objective's owner with an evidence file; a result not met opening a nonconformity in
one step; drafting and revising. A refused form comes back with what was typed and the
reason beside it, and nothing is written."""

import base64
from collections.abc import Callable

from lxml import etree, html
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.objectives import results, views
from qms.services.trail import chain as trail
from tests.helpers import act, effective_document
from tests.seed import PASSWORD
from tests.services import objectives_setup as obj
from tests.web.client import WebClient

ROWS = "//table[contains(concat(' ', @class, ' '), ' objectives ')]/tbody/tr"
SignIn = Callable[[str], WebClient]


def _events(engine: Engine, ref: str) -> list[str]:
    with read_session(engine) as session:
        return [e.action for e in trail.events(session, entity="objective", entity_id=ref)]


def _svg_words(src: str) -> list[str]:
    prefix = "data:image/svg+xml;base64,"
    assert src.startswith(prefix)
    svg = base64.b64decode(src.removeprefix(prefix))
    assert b"<script" not in svg
    root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True))
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_the_year_list_shows_status_target_latest_result_and_each_chart(
    web_engine: Engine, as_user: SignIn
) -> None:
    measured = obj.approved(web_engine)
    act(web_engine, results.record_result, "hung", ref=measured, period="2026-Q1", value="99")
    act(web_engine, results.record_result, "hung", ref=measured, period="2026-Q2", value="96,5")
    drafted = obj.draft(
        web_engine, department=None, indicator="Phản ánh về thái độ <b>", unit="trường hợp",
        target=0, direction="at_most", owner="lan",
    )  # fmt: skip
    page = as_user("lan").get("/objectives?year=2026")
    assert page.status_code == 200
    doc = html.fromstring(page.text)
    rows = doc.xpath(ROWS)
    assert [r.get("id") for r in rows] == [measured, drafted]
    first, second = (r.text_content() for r in rows)
    assert "≥ 98 %" in first
    assert "đã phê duyệt, lần 1" in first
    assert "2026-Q2: 96,5 %" in first
    assert "không đạt" in first
    assert "≤ 0 trường hợp" in second
    assert "dự thảo, lần 1" in second
    assert "Toàn cơ quan" in second  # the organisation's objective
    assert "Phản ánh về thái độ <b>" in second  # shown as text
    assert rows[0].xpath(".//a/@href") == [f"/objectives/{measured}"]
    charts = doc.xpath("//section[@class='charts']//img/@src")
    assert len(charts) == 2
    assert f"{measured}: Hồ sơ TTHC được giải quyết đúng hạn (%)" in " ".join(_svg_words(charts[0]))
    assert not doc.xpath("//form[@action='/objectives/approve']")  # staff approve nothing
    assert not doc.xpath("//a[@href='/objectives/new?year=2026']")  # nor draft


def test_a_leader_approves_the_ticked_drafts_with_the_password(
    web_engine: Engine, as_user: SignIn
) -> None:
    first, second = obj.draft(web_engine), obj.draft(web_engine, target=95)
    hai = as_user("hai")
    form = html.fromstring(hai.get("/objectives?year=2026").text).xpath("//form[@id='approve']")[0]
    assert form.xpath(".//input[@name='refs']/@value") == [first, second]

    wrong = hai.form("/objectives/approve", {"year": 2026, "refs": [second], "password": "not-it"})
    assert wrong.status_code == 401
    refused = html.fromstring(wrong.text)
    (password,) = refused.xpath("//form[@id='approve']//input[@name='password']")
    assert password.get("aria-invalid") == "true"
    assert password.get("value") is None  # never sent back
    assert "sai mật khẩu" in refused.xpath("string(//span[@id='approve_many-password-error'])")
    ticked = refused.xpath("//form[@id='approve']//input[@name='refs'][@checked]/@value")
    assert ticked == [second]  # as the leader left it
    assert _events(web_engine, second) == ["objective.draft", "signing.refused"]

    signed = hai.form(
        "/objectives/approve", {"year": 2026, "refs": [first, second], "password": PASSWORD}
    )
    assert (signed.status_code, signed.headers["location"]) == (303, "/objectives?year=2026")
    assert _events(web_engine, first) == ["objective.draft", "objective.approve"]
    with read_session(web_engine) as session:
        shown = views.objective_view(session, second)
    assert (shown.status, shown.approved_by, shown.signature_valid) == ("approved", "hai", True)
    after = html.fromstring(hai.get("/objectives?year=2026").text)
    assert not after.xpath("//form[@id='approve']")


def test_a_leader_approves_one_objective_from_its_page(web_engine: Engine, as_user: SignIn) -> None:
    ref = obj.draft(web_engine)
    assert not html.fromstring(as_user("thu").get(f"/objectives/{ref}").text).xpath(
        "//form[@id='approve']"
    )  # the drafter signs nothing of it
    quang = as_user("quang")
    assert html.fromstring(quang.get(f"/objectives/{ref}").text).xpath("//form[@id='approve']")
    done = quang.form(f"/objectives/{ref}/approve", {"password": PASSWORD})
    assert (done.status_code, done.headers["location"]) == (303, f"/objectives/{ref}")
    assert _events(web_engine, ref)[-1] == "objective.approve"


def test_the_owner_enters_a_result_with_evidence_and_a_refusal_keeps_what_was_typed(
    web_engine: Engine, as_user: SignIn
) -> None:
    ref = obj.approved(web_engine)
    thu = as_user("thu")
    assert not html.fromstring(thu.get(f"/objectives/{ref}").text).xpath(
        "//form[@id='result-form']"
    )
    not_owner = thu.form(f"/objectives/{ref}/results", {"period": "2026-Q1", "value": "99"})
    assert not_owner.status_code == 403
    assert _events(web_engine, ref) == ["objective.draft", "objective.approve"]

    hung = as_user("hung")
    page = html.fromstring(hung.get(f"/objectives/{ref}").text)
    offered = page.xpath("//form[@id='result-form']//select[@name='period']/option/@value")
    assert offered == ["2026-Q1", "2026-Q2", "2026-Q3"]  # Q4 has not ended
    typed = {"period": "2026-Q2", "value": "chín mươi", "comment": "Quý II <i>"}
    bad = hung.form(f"/objectives/{ref}/results", typed)
    assert bad.status_code == 422
    form = html.fromstring(bad.text).xpath("//form[@id='result-form']")[0]
    assert form.xpath(".//input[@name='value']/@value") == ["chín mươi"]
    assert form.xpath(".//input[@name='value']/@aria-invalid") == ["true"]
    assert form.xpath("string(.//textarea[@name='comment'])") == "Quý II <i>"
    assert form.xpath(".//option[@selected]/@value") == ["2026-Q2"]
    assert "phải là một số" in form.xpath("string(.//span[@id='result-value-error'])")
    assert _events(web_engine, ref) == ["objective.draft", "objective.approve"]

    evidence = "Báo cáo quý II: 96,5% hồ sơ đúng hạn".encode()
    recorded = hung.post(
        f"/objectives/{ref}/results",
        data={"period": "2026-Q2", "value": "96,5", "comment": "Quý II", "csrf_token": hung.csrf()},
        files={"evidence": ("bao-cao-q2.txt", evidence, "text/plain")},
    )
    assert (recorded.status_code, recorded.headers["location"]) == (303, f"/objectives/{ref}")
    shown = html.fromstring(hung.get(f"/objectives/{ref}").text)
    (row,) = shown.xpath("//tr[@id='result-2026-Q2']")
    assert "96,5 %" in row.text_content()
    assert "không đạt" in row.text_content()
    (link,) = row.xpath(".//a[@download]")
    assert link.text == "bao-cao-q2.txt"
    download = as_user("lan").get(link.get("href"))
    assert (download.status_code, download.content) == (200, evidence)
    assert "bao-cao-q2.txt" in download.headers["content-disposition"]
    assert download.headers["content-type"].startswith("text/plain")
    assert _svg_words(shown.xpath("//figure[@class='chart']/img/@src")[0])


def test_a_result_not_met_opens_a_nonconformity_in_one_step(
    web_engine: Engine, as_user: SignIn
) -> None:
    ref = obj.approved(web_engine)
    act(web_engine, results.record_result, "hung", ref=ref, period="2026-Q1", value="99")
    act(web_engine, results.record_result, "hung", ref=ref, period="2026-Q2", value="96")
    lan_page = html.fromstring(as_user("lan").get(f"/objectives/{ref}").text)
    assert not lan_page.xpath("//form[contains(@action, '/nonconformity')]")
    hung = as_user("hung")
    page = html.fromstring(hung.get(f"/objectives/{ref}").text)
    forms = page.xpath("//form[contains(@action, '/nonconformity')]")
    assert [f.xpath("string(.//input[@name='period']/@value)") for f in forms] == ["2026-Q2"]
    opened = hung.form(f"/objectives/{ref}/nonconformity", {"period": "2026-Q2"})
    assert (opened.status_code, opened.headers["location"]) == (303, "/capa/CAR-2026-001")
    car = hung.get("/capa/CAR-2026-001")
    assert "96" in car.text
    again = hung.form(f"/objectives/{ref}/nonconformity", {"period": "2026-Q2"})
    assert again.status_code == 409
    assert "đã được ghi nhận thành sự không phù hợp" in html.fromstring(again.text).text_content()
    (link,) = html.fromstring(again.text).xpath(
        "//tr[@id='result-2026-Q2']//a[@href='/capa/CAR-2026-001']"
    )
    assert link.text == "CAR-2026-001"


FIELDS = {
    "indicator": "Hồ sơ đúng hạn",
    "unit": "%",
    "target": "98",
    "direction": "at_least",
    "frequency": "quarterly",
    "owner": "hung",
    "measure": "entered",
    "scope_kind": "",
    "scope_value": "",
    "plan_what": "Theo dõi hằng ngày",
    "plan_resources": "",
    "plan_who": "Bộ phận Một cửa",
    "plan_when": "Hằng tháng",
    "evaluation": "Đúng hạn / đã giải quyết",
}


def test_a_coordinator_drafts_and_revises_objectives_in_the_browser(
    web_engine: Engine, as_user: SignIn
) -> None:
    assert as_user("lan").get("/objectives/new").status_code == 403
    thu = as_user("thu")
    assert thu.get("/objectives/new?year=2026").status_code == 200
    typed = {**FIELDS, "indicator": "", "year": "2026", "department": "MC"}
    refused = thu.form("/objectives/new", typed)
    assert refused.status_code == 422
    form = html.fromstring(refused.text).xpath("//form[@id='draft-form']")[0]
    assert "chỉ số" in form.xpath("string(.//span[@id='draft-indicator-error'])")
    assert form.xpath(".//input[@name='indicator']/@aria-invalid") == ["true"]
    assert form.xpath(".//input[@name='plan_who']/@value") == ["Bộ phận Một cửa"]
    assert form.xpath(".//select[@name='department']/option[@selected]/@value") == ["MC"]
    assert form.xpath(".//select[@name='owner']/option[@selected]/@value") == ["hung"]
    with read_session(web_engine) as session:
        assert views.list_objectives(session, year=2026) == []

    drafted = thu.form("/objectives/new", {**FIELDS, "year": "2026", "department": "MC"})
    assert (drafted.status_code, drafted.headers["location"]) == (303, "/objectives/MT-2026-01")
    obj.approve(web_engine, "MT-2026-01")
    page = html.fromstring(thu.get("/objectives/MT-2026-01").text)
    (form,) = page.xpath("//form[@id='revise-form']")
    assert form.xpath(".//input[@name='target']/@value") == ["98"]  # what it says now
    no_reason = thu.form("/objectives/MT-2026-01/revise", {**FIELDS, "target": "99", "reason": ""})
    assert no_reason.status_code == 422
    kept = html.fromstring(no_reason.text).xpath("//form[@id='revise-form']")[0]
    assert kept.xpath(".//input[@name='target']/@value") == ["99"]
    assert "lý do" in kept.xpath("string(.//span[@id='revise-reason-error'])")
    assert _events(web_engine, "MT-2026-01") == ["objective.draft", "objective.approve"]
    revised = thu.form(
        "/objectives/MT-2026-01/revise", {**FIELDS, "target": "99", "reason": "Chỉ tiêu mới"}
    )
    assert revised.status_code == 303
    with read_session(web_engine) as session:
        shown = views.objective_view(session, "MT-2026-01")
    assert (shown.version, shown.status, shown.target, shown.reason) == (
        2,
        "draft",
        99.0,
        "Chỉ tiêu mới",
    )
    assert _events(web_engine, "MT-2026-01")[-1] == "objective.revise"


def test_the_pages_say_when_the_document_in_force_lists_an_older_objective(
    web_engine: Engine, as_user: SignIn
) -> None:
    effective_document(web_engine, "MT-01")
    ref = obj.approved(web_engine, document="MT-01")
    other = obj.approved(web_engine, document="MT-01", indicator="Người dân hài lòng")
    notice = (
        "Lần ban hành đang có hiệu lực của MT-01 (lần 1) liệt kê các mục tiêu cũ hơn: "
        "hãy sửa đổi MT-01 để ban hành các mục tiêu đã phê duyệt."
    )
    lan = as_user("lan")
    for path in (f"/objectives/{ref}", f"/objectives/{other}", "/objectives?year=2026"):
        warnings = html.fromstring(lan.get(path).text).xpath("//p[@class='warning']")
        assert len(warnings) == 1  # one line per document, however many objectives
        assert " ".join(warnings[0].text_content().split()).startswith(notice)
        assert warnings[0].xpath(".//a/@href") == ["/documents/MT-01"]
