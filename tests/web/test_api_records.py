"""The JSON API for audits and corrective actions: the same rules, the same error shape,
the anti-forgery header, and an audit and a corrective action taken through every step."""

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from tests.helpers import snapshot
from tests.seed import PASSWORD
from tests.services.capa_setup import due, pass_days, today
from tests.web.client import WebClient

Login = Callable[[str], WebClient]


def _plan(engine: Engine, binh: WebClient) -> str:
    day = today(engine).isoformat()
    planned = binh.api(
        "/api/audits",
        {
            "departments": ["MC"],
            "clauses": ["7.5.3"],
            "lead": "binh",
            "auditee_rep": "lan",
            "planned_start": day,
            "planned_end": day,
            "objectives": "Đánh giá Một cửa",
        },
    )
    assert planned.status_code == 201, planned.text
    ref: str = planned.json()["ref"]
    return ref


def test_an_audit_through_the_api(web_engine: Engine, as_user: Login) -> None:
    binh, lan = as_user("binh"), as_user("lan")
    ref = _plan(web_engine, binh)
    assert binh.api(f"/api/audits/{ref}/start").json()["status"] == "in_progress"
    items = binh.get(f"/api/audits/{ref}/checklist").json()
    assert len(items) >= 2
    assert items[0]["result"] is None

    before = snapshot(web_engine)
    refused = lan.api(f"/api/audits/{ref}/items/1", {"result": "C"})
    assert refused.status_code == 403
    assert refused.json()["error"]["status"] == 403
    unknown = binh.api(f"/api/audits/{ref}/items/1", {"result": "XYZ"})
    assert unknown.status_code == 422
    assert "XYZ" in unknown.json()["error"]["message"]
    assert snapshot(web_engine) == before

    item = binh.api(
        f"/api/audits/{ref}/items/1",
        {
            "result": "NC_MINOR",
            "evidence": "Sổ chưa cập nhật",
            "finding": "Tài liệu lỗi thời",
            "attachments": [{"filename": "anh.txt", "content_base64": "YmFuZyBjaHVuZw=="}],
        },
    )
    assert item.status_code == 200
    assert item.json()["result"] == "NC_MINOR"
    (attached,) = item.json()["attachments"]
    download = binh.get(f"/audits/{ref}/items/1/attachments/{attached['sha256']}")
    assert download.content == b"bang chung"
    for row in items[1:]:
        assert binh.api(f"/api/audits/{ref}/items/{row['number']}", {"result": "C"}).is_success
    findings = binh.get(f"/api/audits/{ref}/findings").json()
    assert [(f["number"], f["capa"]) for f in findings] == [(1, None)]
    car = binh.api("/api/capa", {"finding": f"{ref}/1"})
    assert car.status_code == 201
    assert car.json()["finding"] == f"{ref}/1"
    binh.api(f"/api/audits/{ref}/conclude", {"conclusions": "Phù hợp"})
    assert binh.api(f"/api/audits/{ref}/report", {"password": "sai"}).status_code == 401
    assert binh.api(f"/api/audits/{ref}/report", {"password": PASSWORD}).json()["status"] == (
        "reported"
    )
    assert binh.get(f"/api/audits/{ref}/report.pdf").content.startswith(b"%PDF")
    signed = lan.api(f"/api/audits/{ref}/sign", {"password": PASSWORD}).json()
    assert {s["meaning"] for s in signed["signatures"] if s["valid"]} == {"lead_auditor", "auditee"}
    assert binh.api(f"/api/audits/{ref}/close").json()["status"] == "closed"
    assert [a["ref"] for a in binh.get("/api/audits?status=closed").json()] == [ref]
    assert lan.get("/api/audits").status_code == 403
    assert lan.get(f"/api/audits/{ref}").status_code == 200  # the auditee representative


def test_a_corrective_action_through_the_api(web_engine: Engine, as_user: Login) -> None:
    lan, thu, an = as_user("lan"), as_user("thu"), as_user("an")
    opened = lan.api(
        "/api/capa",
        {"source": "complaint", "department": "MC", "severity": "minor", "description": "Trễ"},
    )
    assert opened.status_code == 201, opened.text
    ref = opened.json()["ref"]
    assert lan.get(f"/api/capa/{ref}").status_code == 200  # her own record
    assert lan.get("/api/capa").status_code == 403
    assert lan.api(f"/api/capa/{ref}/contain", {"containment": "x"}).status_code == 403
    assert thu.api(f"/api/capa/{ref}/contain", {"containment": "Xin lỗi"}).is_success
    whys = [{"question": f"Vì sao {n}?", "answer": f"Vì {n}"} for n in range(1, 7)]
    analysis = {
        "whys": whys,
        "cause_category": "method",
        "root_cause": "Thiếu theo dõi",
        "similar_exist": "no",
        "similar_answer": "Không",
    }
    before = snapshot(web_engine)
    assert thu.api(f"/api/capa/{ref}/analyse", analysis).status_code == 422  # six whys
    assert snapshot(web_engine) == before
    analysis["whys"] = whys[:5]
    assert len(thu.api(f"/api/capa/{ref}/analyse", analysis).json()["whys"]) == 5
    action = {"description": "Phân công", "owner": "lan", "due_date": due(web_engine).isoformat()}
    assert thu.api(f"/api/capa/{ref}/actions", action).status_code == 201
    assert thu.api(f"/api/capa/{ref}/plan").json()["status"] == "actions_planned"
    pass_days(web_engine, "capa_action", "due_date", 30)
    assert [(a["status"], a["overdue"]) for a in thu.get(f"/api/capa/{ref}").json()["actions"]] == [
        ("open", True)
    ]
    assert lan.api(f"/api/capa/{ref}/actions/1/done", {"note": "Xong"}).json()["status"] == (
        "actions_done"
    )
    verification = {"effective": True, "evidence": "Đúng hẹn", "password": PASSWORD}
    assert an.api(f"/api/capa/{ref}/verify", verification).json()["verifications"][0]["valid"]
    assert thu.api(f"/api/capa/{ref}/close").json()["status"] == "closed"
    assert thu.get(f"/api/capa/{ref}/record.pdf").content.startswith(b"%PDF")
    assert [row["ref"] for row in thu.get("/api/capa").json()] == [ref]


def test_the_api_needs_the_token_and_a_session(app: FastAPI, as_user: Login) -> None:
    thu = as_user("thu")
    missing = thu.post("/api/capa", json={"source": "other", "description": "x"})
    assert missing.status_code == 403
    assert missing.json()["error"]["status"] == 403
    with WebClient(app) as anonymous:
        assert anonymous.get("/api/audits").status_code == 401
        assert anonymous.get("/api/capa").status_code == 401


def test_the_schema_lists_the_record_routes(anonymous: WebClient) -> None:
    paths = anonymous.get("/api/openapi.json").json()["paths"]
    assert {"/api/audits/{ref}/checklist", "/api/capa/{ref}/verify"} <= set(paths)


def test_every_record_form_and_api_call_needs_the_token(web_engine: Engine, as_user: Login) -> None:
    """Every state-changing route of the audit and corrective-action areas, forged."""
    from fastapi.routing import APIRoute

    from qms.web.routes import api_audits, api_capa, audit_checklist, audits, capa
    from tests.web.records_setup import add_records

    audit, car = add_records(web_engine)
    areas = [("", m.router) for m in (audits, audit_checklist, capa)]
    paths = [
        prefix + route.path
        for prefix, router in [*areas, ("/api", api_audits.router), ("/api", api_capa.router)]
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    ]
    assert len(paths) >= 30
    thu = as_user("thu")
    before = snapshot(web_engine)
    for path in paths:
        ref = car if path.startswith(("/capa", "/api/capa")) else audit
        url = path.replace("{ref}", ref).replace("{number}", "1")
        assert thu.post(url, data={"x": "1"}).status_code == 403, url
        assert thu.post(url, json={}, headers={"X-CSRF-Token": "forged"}).status_code == 403, url
    assert snapshot(web_engine) == before
