"""Internal audits in the browser: the whole audit from plan to closure through HTTP,
refusals that change nothing, escaped hostile text in pages and the report PDF."""

from collections.abc import Callable

from sqlalchemy.engine import Engine

from tests.helpers import last_event, snapshot, trail_actions
from tests.seed import PASSWORD
from tests.web.client import WebClient
from tests.web.records_setup import (
    ESCAPED,
    XSS,
    answer_all,
    assert_escaped,
    pdf_text,
    plan_and_start,
    ref_from,
)

Login = Callable[[str], WebClient]


def test_the_whole_audit_through_the_browser(web_engine: Engine, as_user: Login) -> None:
    binh, lan, thu = as_user("binh"), as_user("lan"), as_user("thu")
    ref = plan_and_start(web_engine, binh)

    page = binh.get(f"/audits/{ref}")
    assert page.status_code == 200
    assert "7.5.3" in page.text
    assert "status-audit-in_progress" in page.text
    assert f'action="/audits/{ref}/report"' in page.text  # the lead may report
    assert f'action="/audits/{ref}/report"' not in lan.get(f"/audits/{ref}").text

    home = binh.get("/").text  # the checklist waits for the team
    assert 'id="inbox-checklists"' in home
    assert f'href="/audits/{ref}"' in home
    checklist = binh.get(f"/audits/{ref}/checklist")
    assert checklist.status_code == 200
    assert 'id="item-1"' in checklist.text
    assert '<option value="NC_MINOR"' in checklist.text  # the audit's frozen grades

    # One item worked in place (htmx): the row comes back with the result and the file.
    row = binh.post(
        f"/audits/{ref}/items/1",
        data={
            "result": "NC_MINOR",
            "evidence": f"Sổ theo dõi {XSS}",
            "finding": f"Tài liệu lỗi thời {XSS}",
            "csrf_token": binh.csrf(),
        },
        files={"attachments": ("so-theo-doi.txt", b"bang chung", "text/plain")},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 200, row.text
    assert row.text.lstrip().startswith('<tr id="item-1"')
    assert_escaped(row.text)
    assert row.text.count(ESCAPED) == 2  # evidence and finding statement
    link = f"/audits/{ref}/items/1/attachments/"
    assert link in row.text
    sha = row.text.split(link, 1)[1].split('"', 1)[0]
    download = binh.get(link + sha)
    assert download.content == b"bang chung"
    assert "attachment" in download.headers["content-disposition"]

    # A refused result comes back in the row (in binh's language), and nothing is saved.
    binh.choose_language("en")
    before = snapshot(web_engine)
    refused = binh.post(
        f"/audits/{ref}/items/2",
        data={"result": "NC_MAJOR", "evidence": "x", "csrf_token": binh.csrf()},
        headers={"HX-Request": "true"},
    )
    assert "finding statement" in refused.text
    assert 'role="alert"' in refused.text
    assert snapshot(web_engine) == before

    findings = binh.get(f"/audits/{ref}/findings")
    assert_escaped(findings.text)
    assert findings.text.count(ESCAPED) == 2
    assert f"/capa/new?finding={ref}/1" in findings.text
    raised = binh.form("/capa/new", {"finding": f"{ref}/1"})
    assert raised.status_code == 303
    car = ref_from(raised.headers["location"])
    assert f'href="/capa/{car}"' in binh.get(f"/audits/{ref}/findings").text

    answer_all(binh, ref, skip=(1,))
    assert binh.form(f"/audits/{ref}/conclude", {"conclusions": "Phù hợp"}).status_code == 303

    # The report: a wrong password changes nothing but its record on the trail (it counts
    # towards the signing lock-out); the right one signs and locks.
    before, seq = snapshot(web_engine, skip=("trail_event",)), last_event(web_engine)
    assert binh.form(f"/audits/{ref}/report", {"password": "sai"}).status_code == 401
    assert snapshot(web_engine, skip=("trail_event",)) == before
    assert trail_actions(web_engine, after=seq) == ["signing.refused"]
    assert binh.form(f"/audits/{ref}/report", {"password": PASSWORD}).status_code == 303
    locked = binh.post(
        f"/audits/{ref}/items/1",
        data={"result": "C", "csrf_token": binh.csrf()},
    )
    assert locked.status_code == 409

    text = pdf_text(binh.get(f"/audits/{ref}/report.pdf").content)
    assert "".join(text.split()).count(XSS) >= 2  # as text, unchanged
    assert "Tài liệu lỗi thời" in text

    # Closing before the auditee signed is refused; lan signs; binh closes.
    assert binh.form(f"/audits/{ref}/close").status_code == 409
    assert f'href="/audits/{ref}"' in lan.get("/").text.split('id="inbox-sign_reports"')[1]
    sign_page = lan.get(f"/audits/{ref}")
    assert f'action="/audits/{ref}/sign"' in sign_page.text
    assert lan.form(f"/audits/{ref}/sign", {"password": PASSWORD}).status_code == 303
    assert thu.form(f"/audits/{ref}/close").status_code == 403  # only the lead closes
    assert binh.form(f"/audits/{ref}/close").status_code == 303
    assert 'id="inbox-sign_reports"' not in lan.get("/").text
    closed = binh.get(f"/audits/{ref}").text
    assert "status-audit-closed" in closed
    assert 'action="/audits/' not in closed
    assert f'href="/audits/{ref}"' in binh.get("/audits?status=closed").text
    assert f'href="/audits/{ref}"' not in binh.get("/audits?status=planned").text


def test_team_steps_are_refused_to_others_and_change_nothing(
    web_engine: Engine, as_user: Login
) -> None:
    binh, an, lan = as_user("binh"), as_user("an"), as_user("lan")
    ref = plan_and_start(web_engine, binh)
    before = snapshot(web_engine)
    # A forged form: lan is not on the team, an is an auditor outside it.
    assert lan.form(f"/audits/{ref}/items/1", {"result": "C"}).status_code == 403
    assert an.form(f"/audits/{ref}/items/1", {"result": "C"}).status_code == 403
    assert an.form(f"/audits/{ref}/report", {"password": PASSWORD}).status_code == 403
    assert lan.form(f"/audits/{ref}/sign", {"password": PASSWORD}).status_code == 409
    assert an.form(f"/audits/{ref}/reopen", {"reason": "x"}).status_code == 403
    assert snapshot(web_engine) == before
    # Staff see the audit they represent but not the list or the programme.
    assert lan.get("/audits").status_code == 403
    assert lan.get("/audits/programme").status_code == 403
    assert lan.get(f"/audits/{ref}/checklist").status_code == 200
    assert 'name="result"' not in lan.get(f"/audits/{ref}/checklist").text


def test_csrf_is_refused_on_audit_forms(web_engine: Engine, as_user: Login) -> None:
    binh = as_user("binh")
    ref = plan_and_start(web_engine, binh)
    before = snapshot(web_engine)
    for path, data in [
        (f"/audits/{ref}/items/1", {"result": "C"}),
        (f"/audits/{ref}/conclude", {"conclusions": "x"}),
        ("/audits/programme", {"year": 2026, "objectives": "x"}),
    ]:
        assert binh.post(path, data=data).status_code == 403
        assert binh.post(path, data={**data, "csrf_token": "forged"}).status_code == 403
    assert snapshot(web_engine) == before


def test_programme_and_coverage(web_engine: Engine, as_user: Login) -> None:
    thu = as_user("thu")
    saved = thu.form("/audits/programme", {"year": 2026, "objectives": f"Mục tiêu {XSS}"})
    assert saved.status_code == 303
    line = thu.form(
        "/audits/programme/entry",
        {"year": 2026, "department": "MC", "importance": "high", "clauses": "7.5, 8.2"},
    )
    assert line.status_code == 303, line.text
    page = thu.get("/audits/programme?year=2026")
    assert_escaped(page.text)
    assert "MC" in page.text
    assert "7.5.3" in page.text
    assert (
        thu.form(
            "/audits/programme/entry", {"year": 2026, "department": "MC", "importance": "x"}
        ).status_code
        == 422
    )


def test_plan_form_shows_auditors_and_refuses_staff(as_user: Login) -> None:
    form = as_user("thu").get("/audits/new")
    assert form.status_code == 200
    assert 'value="binh"' in form.text
    assert as_user("lan").get("/audits/new").status_code == 403
    assert as_user("hung").get("/audits/new").status_code == 403


def test_a_planned_audit_offers_start_to_its_lead_only(web_engine: Engine, as_user: Login) -> None:
    thu, binh = as_user("thu"), as_user("binh")
    day = "2026-12-01"
    planned = thu.form(
        "/audits/new",
        {
            "departments": ["MC"],
            "procedures": "",
            "clauses": "7.5",
            "lead": "binh",
            "planned_start": day,
            "planned_end": day,
            "objectives": "Đánh giá",
        },
    )
    assert planned.status_code == 303, planned.text
    ref = ref_from(planned.headers["location"])
    lead_page = binh.get(f"/audits/{ref}").text
    assert f'action="/audits/{ref}/start"' in lead_page
    assert "status-audit-planned" in lead_page
    controller_page = thu.get(f"/audits/{ref}").text
    assert f'action="/audits/{ref}/start"' not in controller_page
    assert f'action="/audits/{ref}/assign"' in controller_page
    assert 'name="result"' not in binh.get(f"/audits/{ref}/checklist").text
    before = snapshot(web_engine)
    assert thu.form(f"/audits/{ref}/start").status_code == 403
    assert snapshot(web_engine) == before
    assert binh.form(f"/audits/{ref}/start").status_code == 303


def test_the_grade_scale(web_engine: Engine, as_user: Login) -> None:
    thu, binh = as_user("thu"), as_user("binh")
    assert 'name="grades_json"' in thu.get("/audits/grades").text
    shown = binh.get("/audits/grades")
    assert shown.status_code == 200
    assert "NC_MAJOR" in shown.text
    assert 'name="grades_json"' not in shown.text
    assert as_user("lan").get("/audits/grades").status_code == 403
    scale = (
        '[{"code": "C", "vi": "Phù hợp", "en": "Conforming", "nonconformity": false},'
        ' {"code": "NC", "vi": "Không phù hợp", "en": "Nonconforming", "nonconformity": true}]'
    )
    before = snapshot(web_engine)
    assert binh.form("/audits/grades", {"grades_json": scale}).status_code == 403
    assert thu.form("/audits/grades", {"grades_json": "[{"}).status_code == 422
    assert snapshot(web_engine) == before
    assert thu.form("/audits/grades", {"grades_json": scale}).status_code == 303
    assert "Nonconforming" in thu.get("/audits/grades").text
