"""Corrective actions in the browser: a complaint followed from its record to closure
through HTTP, refusals that change nothing, who may read, escaped text in pages and PDFs."""

from collections.abc import Callable

from sqlalchemy.engine import Engine

from tests.helpers import effective_document, last_event, snapshot, trail_actions
from tests.seed import PASSWORD
from tests.services.capa_setup import due, pass_days, planned
from tests.web.client import WebClient
from tests.web.records_setup import ESCAPED, XSS, assert_escaped, pdf_text, ref_from

Login = Callable[[str], WebClient]


def test_a_complaint_from_record_to_closure(web_engine: Engine, as_user: Login) -> None:
    lan, thu, hung, an = as_user("lan"), as_user("thu"), as_user("hung"), as_user("an")
    opened = lan.form(
        "/capa/new",
        {
            "source": "complaint",
            "department": "MC",
            "severity": "minor",
            "description": f"Hồ sơ trả trễ hẹn {XSS}",
        },
    )
    assert opened.status_code == 303, opened.text
    ref = ref_from(opened.headers["location"])
    page = lan.get(f"/capa/{ref}")
    assert page.status_code == 200
    assert "status-capa-open" in page.text
    assert_escaped(page.text)
    assert 'action="/capa/' not in page.text  # staff may read their record, not act on it
    assert lan.get("/capa").status_code == 403

    # A forged step is refused by the service and changes nothing.
    before = snapshot(web_engine)
    assert lan.form(f"/capa/{ref}/contain", {"containment": "x"}).status_code == 403
    assert thu.form(f"/capa/{ref}/analyse", {}).status_code == 422
    assert snapshot(web_engine) == before

    assert f'action="/capa/{ref}/contain"' in thu.get(f"/capa/{ref}").text
    assert thu.form(f"/capa/{ref}/contain", {"containment": f"Xin lỗi {XSS}"}).status_code == 303
    analysis = {
        "why_question": ["Vì sao trễ?", f"Vì sao {XSS}?", "", "", ""],
        "why_answer": ["Chuyển muộn", "Không ai theo dõi", "", "", ""],
        "cause_category": "method",
        "root_cause": "Không phân công theo dõi thời hạn",
        "similar_exist": "possible",
        "similar_answer": "Rà soát cả 3 phòng",
    }
    assert thu.form(f"/capa/{ref}/analyse", analysis).status_code == 303
    action = {
        "description": f"Phân công theo dõi {XSS}",
        "owner": "lan",
        "due_date": due(web_engine),
    }
    assert thu.form(f"/capa/{ref}/actions", action).status_code == 303
    assert thu.form(f"/capa/{ref}/plan").status_code == 303

    assert f'href="/capa/{ref}"' in lan.get("/").text.split('id="inbox-actions_due"')[1]
    record = lan.get(f"/capa/{ref}")  # lan owns the action: she sees the record and acts
    assert f'action="/capa/{ref}/actions/1/done"' in record.text
    assert_escaped(record.text)
    assert hung.form(f"/capa/{ref}/actions/1/done", {}).status_code == 403
    assert lan.form(f"/capa/{ref}/actions/1/done", {"note": "Đã phân công"}).status_code == 303

    # Verification: not by the action's owner, and the password is checked.
    before, seq = snapshot(web_engine, skip=("trail_event",)), last_event(web_engine)
    evidence = {"effective": "yes", "evidence": "20 hồ sơ đúng hẹn"}
    assert lan.form(f"/capa/{ref}/verify", {**evidence, "password": PASSWORD}).status_code == 403
    assert an.form(f"/capa/{ref}/verify", {**evidence, "password": "sai"}).status_code == 401
    assert snapshot(web_engine, skip=("trail_event",)) == before
    assert trail_actions(web_engine, after=seq) == ["signing.refused"]  # towards the lock-out
    assert f'href="/capa/{ref}"' in an.get("/").text.split('id="inbox-verifications"')[1]
    assert f'action="/capa/{ref}/verify"' in an.get(f"/capa/{ref}").text
    assert an.form(f"/capa/{ref}/verify", {**evidence, "password": PASSWORD}).status_code == 303

    assert hung.form(f"/capa/{ref}/close").status_code == 403  # VP reviewer, MC record
    assert thu.form(f"/capa/{ref}/close").status_code == 303
    closed = thu.get(f"/capa/{ref}").text
    assert "status-capa-closed" in closed
    assert f'action="/capa/{ref}/' not in closed

    # Description, correction, a why and an action: each shown as text, in page and PDF.
    assert thu.get(f"/capa/{ref}").text.count(ESCAPED) == 4
    text = "".join(pdf_text(thu.get(f"/capa/{ref}/record.pdf").content).split())
    assert text.count(XSS) == 4
    assert ref in pdf_text(thu.get("/capa/register.pdf").content)
    assert thu.get("/capa?status=closed").text.count(f'href="/capa/{ref}"') == 1
    assert f'href="/capa/{ref}"' not in thu.get("/capa?status=open").text


def test_an_action_on_a_procedure_links_its_draft_issue(web_engine: Engine, as_user: Login) -> None:
    effective_document(web_engine, "QT-01")
    thu = as_user("thu")
    ref = ref_from(
        thu.form(
            "/capa/new",
            {"source": "other", "department": "VP", "severity": "minor", "description": "x"},
        ).headers["location"]
    )
    thu.form(f"/capa/{ref}/contain", {"containment": "Đã sửa"})
    thu.form(
        f"/capa/{ref}/analyse",
        {
            "why_question": ["Vì sao?"],
            "why_answer": ["Vì thiếu bước"],
            "cause_category": "documentation",
            "root_cause": "QT-01 thiếu bước",
            "similar_exist": "no",
            "similar_answer": "Không",
        },
    )
    added = thu.form(
        f"/capa/{ref}/actions",
        {
            "description": "Sửa QT-01",
            "owner": "thu",
            "due_date": due(web_engine),
            "document": "QT-01",
        },
    )
    assert added.status_code == 303, added.text
    assert 'href="/documents/QT-01?issue=2"' in thu.get(f"/capa/{ref}").text


def test_overdue_and_who_reads_the_register(web_engine: Engine, as_user: Login) -> None:
    ref = planned(web_engine)
    pass_days(web_engine, "capa_action", "due_date", 30)
    overdue = as_user("binh").get("/capa/overdue")
    assert overdue.status_code == 200
    assert f'href="/capa/{ref}"' in overdue.text
    listing = as_user("hung").get("/capa")
    assert "status-overdue" in listing.text
    assert as_user("lan").get("/capa/overdue").status_code == 403
    assert as_user("lan").get("/capa/register.pdf").status_code == 403
    assert as_user("lan").get(f"/capa/{ref}").status_code == 200  # she owns an action
    assert as_user("admin").get(f"/capa/{ref}/record.pdf").status_code == 200


def test_csrf_is_refused_on_capa_forms(web_engine: Engine, as_user: Login) -> None:
    thu = as_user("thu")
    before = snapshot(web_engine)
    data = {"source": "other", "department": "VP", "severity": "minor", "description": "x"}
    assert thu.post("/capa/new", data=data).status_code == 403
    assert thu.post("/capa/new", data={**data, "csrf_token": "forged"}).status_code == 403
    assert snapshot(web_engine) == before


def test_empty_filters_mean_any(as_user: Login) -> None:
    """The filter forms send empty fields; a wrong year is refused with a message."""
    thu = as_user("thu")
    assert thu.get("/capa?status=&dept=&year=").status_code == 200
    assert thu.get("/audits?year=&status=").status_code == 200
    assert thu.get("/audits/programme?year=").status_code == 200
    assert thu.get("/audits?year=abc").status_code == 422


def test_navigation_follows_what_each_person_may_read(as_user: Login) -> None:
    staff, auditor, reviewer = (as_user(name).get("/").text for name in ("lan", "binh", "hung"))
    assert 'href="/capa/new"' in staff
    assert 'href="/capa"' not in staff
    assert 'href="/audits"' not in staff
    assert 'href="/audits"' in auditor
    assert 'href="/capa"' in auditor
    assert 'href="/capa"' in reviewer
    assert 'href="/audits"' not in reviewer
