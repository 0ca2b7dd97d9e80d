"""Every protected route x every role: allowed, refused (403), or sent to sign in.

The rules live in the services; this matrix proves the web reaches them, for every route
but the public ones (a test walks the app's routes so a new one cannot be left out).
Read-only routes share one app; each state-changing case gets a fresh database copy,
prepared for lifecycle steps so the record is in the state the step needs.
"""

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from qms.render import markdown_to_safe_html
from qms.render.html_diff import passages
from qms.services.audits import checklists
from qms.settings import Settings
from qms.web.app import create_app
from tests.helpers import body
from tests.pinned_clock import days_from_today
from tests.seed import PASSWORD
from tests.services import objectives_setup as obj
from tests.web.client import WebClient, signed_in
from tests.web.matrix_stages import EVIDENCE_FILE, PROGRAMME_YEAR, REVIEW, STAGES, plan_review
from tests.word_samples import Procedure, procedure_docx

ROLES = ["anonymous", "admin", "thu", "hung", "hai", "binh", "lan"]
SIGNED_IN = set(ROLES) - {"anonymous"}
SEE_ALL = SIGNED_IN - {"lan"}  # staff see effective issues only
INSPECTORS = {"admin", "binh"}
# Reports: coordinators, leaders and admins print any; a reviewer prints their department's.
REPORTERS = {"admin", "thu", "hung", "hai"}

GET_ROUTES: list[tuple[str, set[str]]] = [
    ("/", SIGNED_IN),
    ("/inbox/acknowledge", SIGNED_IN),
    ("/documents", SIGNED_IN),
    ("/documents?q=kiem+soat", SIGNED_IN),
    ("/documents?status=draft", SEE_ALL),
    ("/documents?sort=status&dir=desc", SIGNED_IN),
    ("/documents.csv", SIGNED_IN),
    ("/documents.csv?status=draft", SEE_ALL),
    ("/documents.xlsx?type=procedure", SIGNED_IN),
    ("/documents.xlsx?status=in_review", SEE_ALL),
    ("/documents/QT-01", SIGNED_IN),
    ("/documents/QT-01?issue=1", SIGNED_IN),
    ("/documents/QT-01?issue=2", SEE_ALL),
    ("/documents/QT-02", SEE_ALL),
    ("/documents/QT-01/pdf", SIGNED_IN),
    ("/documents/QT-01/diff?old=1&new=2", SEE_ALL),
    ("/portal", SIGNED_IN),
    ("/portal/manual.pdf?dept=VP", SIGNED_IN),
    ("/account", SIGNED_IN),
    ("/new-document", {"thu"}),
    ("/documents/QT-01/edit", {"thu"}),
    ("/documents/QT-01/docx", SIGNED_IN),
    ("/import-documents", {"thu"}),
    ("/risks", SIGNED_IN),
    ("/risks?dept=MC", SIGNED_IN),
    ("/reviews", SIGNED_IN),
    ("/trail", INSPECTORS),
    ("/trail.csv", INSPECTORS),
    ("/trail/verify", INSPECTORS),
    ("/trail/integrity", INSPECTORS),
    ("/trail.pdf?entity_id=QT-01", INSPECTORS),
    ("/api/documents", SIGNED_IN),
    ("/api/documents/QT-01", SIGNED_IN),
    ("/api/documents/QT-02", SEE_ALL),
    ("/api/documents/QT-01/revisions", SIGNED_IN),
    ("/api/documents/QT-01/revisions/2", SEE_ALL),
    ("/api/documents/QT-01/revisions/1/pdf", SIGNED_IN),
    ("/api/integrity", INSPECTORS),
    ("/notices", SIGNED_IN),
    ("/api/notices", SIGNED_IN),
    ("/admin/mail", {"admin"}),
    ("/documents/QT-01/readers", {"thu"}),
    ("/documents/QT-01/copies", SIGNED_IN),
    ("/dashboard", {"admin", "thu", "hai"}),
    ("/reports/yearly", {"thu"}),
    ("/reports/yearly?year=2026", {"thu"}),
    ("/reports/conformity", {"thu"}),
    # No decision is issued in this database: its download is refused to everyone (who
    # may download one is tried in test_yearly_pages).
    ("/reports/conformity/2026/1.pdf", set()),
    ("/records", SIGNED_IN),
    ("/records?dept=VP&medium=paper", SIGNED_IN),
    ("/records.pdf", SIGNED_IN),
    ("/admin", {"admin"}),
    ("/admin/users", {"admin"}),
    ("/admin/users?dept=MC&role=staff&active=yes", {"admin"}),
    ("/admin/users/new", {"admin"}),
    ("/admin/users/lan", {"admin"}),
    ("/admin/departments", {"admin"}),
    ("/admin/settings", {"admin"}),
    ("/admin/reviews", {"admin", "thu"}),
    ("/admin/reviews?within=400", {"admin", "thu"}),
    ("/objectives", SIGNED_IN),
    ("/objectives?year=2025", SIGNED_IN),
    ("/objectives/new", {"thu", "hung", "hai"}),  # a controller, or a department's leaders
    ("/data", SIGNED_IN),
    ("/data?year=2026&by=procedure&frequency=monthly", SIGNED_IN),
    ("/reports", REPORTERS),
]

BODY = "# 1. Mục đích\n\nNội dung mới.\n"
ANCHOR = '{"seq": 1, "hash": "%s", "taken_at": "2026-01-05T08:00:00+00:00"}' % ("0" * 64)
PASSAGE = passages(markdown_to_safe_html(body()))[0][0]  # QT-02's first heading
SHOWN_HASH = "content hash the page showed"  # filled in from the database when posting
# (path, form data or JSON payload, who may): forms carry the token as a field, JSON
# requests as the X-CSRF-Token header.
POST_ROUTES: list[tuple[str, dict[str, object], set[str]]] = [
    ("/documents/QT-01/acknowledge", {}, SIGNED_IN),
    ("/preview", {"body": "**x**"}, SIGNED_IN),
    (
        "/new-document",
        {"code": "QT-09", "title": "Quy trình mới", "doc_type": "procedure", "department": "VP"},
        {"thu"},
    ),
    (
        "/documents/QT-01/edit",
        {"body": BODY, "reason": "Cải tiến", "description": "Sửa mục 1", "based_on": SHOWN_HASH},
        {"thu"},
    ),
    ("/documents/QT-01/submit", {"password": PASSWORD}, {"thu"}),
    ("/documents/QT-02/review", {"decision": "accept", "password": PASSWORD}, {"hung"}),
    ("/documents/QT-02/review", {"decision": "return", "comment": "Bổ sung"}, {"hung", "hai"}),
    ("/documents/QT-04/publish", {}, {"thu"}),
    ("/documents/QT-03/approve", {"password": PASSWORD, "content_hash": SHOWN_HASH}, {"hai"}),
    (
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "n3w-secret!",
            "repeat_password": "n3w-secret!",
        },
        SIGNED_IN,
    ),
    ("/api/documents/QT-01/submit", {"password": PASSWORD}, {"thu"}),
    ("/api/documents/QT-04/publish", {}, {"thu"}),
    ("/api/documents/QT-03/approve", {"password": PASSWORD}, {"hai"}),
    ("/api/documents/QT-01/acknowledge", {}, SIGNED_IN),
    (
        "/api/documents",
        {"code": "QT-10", "title": "Quy trình API", "type": "procedure", "department": "TP"},
        {"thu"},
    ),
    ("/api/documents/QT-01/revise", {"body": BODY}, {"thu"}),
    ("/api/documents/QT-02/review", {"accept": False, "comment": "Sửa"}, {"hung", "hai"}),
    ("/trail/verify", {"anchors": ANCHOR}, INSPECTORS),
    # Notices are their reader's own: 12 is hung's, 8 is thu's (see documents_in_every_state).
    ("/notices/12/open", {}, {"hung"}),
    ("/api/notices/8/read", {}, {"thu"}),
    ("/notices/read-all", {}, SIGNED_IN),
    ("/documents/QT-01/distribution", {"kind": "department", "name": "MC"}, {"thu"}),
    ("/documents/QT-01/remind", {}, {"thu"}),
    ("/documents/QT-01/copies", {"holder": "Phòng Tư pháp"}, {"thu"}),
    # No copy of a superseded issue is registered in this database: recalling one is
    # refused to everyone (the coordinator's recall is tried in test_paper_copies_pages).
    ("/documents/QT-01/copies/1/1/recall", {}, set()),
    ("/api/notices/read-all", {}, SIGNED_IN),
    ("/account/mail", {"email": "me@example.vn", "mail_choice": "digest"}, SIGNED_IN),
    (
        "/import-documents",
        {
            "action": "preview",
            "department": "VP",
            "staged_name": "QT-77.docx",
            "staged_data": base64.b64encode(
                procedure_docx(Procedure(code="QT-77", issue=1, history=()))
            ).decode(),
        },
        {"thu"},
    ),
    ("/documents/QT-02/comments", {"passage": PASSAGE, "comment": "Sửa"}, {"hung", "hai"}),
    # No comment exists in this database: answering one is refused to everyone (who may
    # answer is tried in test_passage_comments).
    ("/documents/QT-02/comments/1/reply", {"comment": "Đã sửa"}, set()),
    ("/reports/yearly", {"year": 2026, "difficulties": "Thiếu người"}, {"thu"}),
    ("/reports/yearly/pdf", {"year": 2026}, {"thu"}),
    ("/records/lines", {"name": "Sổ công văn đến", "retention": "10 năm"}, {"thu"}),
    # The workflow database keeps no line or batch of records: keeping one and disposing of
    # one are refused to everyone here (who may is tried in test_records_pages).
    ("/records/batches", {"line_id": "1", "year": "2019"}, set()),
    ("/records/batches/1/dispose", {"approved_by": "hai", "method": "Máy hủy"}, set()),
    (
        "/admin/users/new",
        {"username": "xuan", "full_name": "Ngô Thị Xuân", "roles": ["staff"], "source": "generate"},
        {"admin"},
    ),
    ("/admin/users/lan/roles", {"roles": ["staff", "auditor"]}, {"admin"}),
    ("/admin/users/lan/department", {"department": "TP"}, {"admin"}),
    ("/admin/users/lan/active", {"active": "no"}, {"admin"}),
    ("/admin/users/lan/password", {"source": "typed", "password": "mat-khau-moi"}, {"admin"}),
    ("/admin/users/lan/end-sessions", {}, {"admin"}),
    ("/admin/users/lan/unlock", {"what": "sign_in"}, {"admin"}),
    ("/admin/departments", {"code": "YT", "name": "Phòng Y tế"}, {"admin"}),
    ("/admin/departments/MC", {"name": "Bộ phận Một cửa quận"}, {"admin"}),
    ("/admin/settings", {"timezone": "Asia/Bangkok"}, {"admin"}),
    ("/documents/QT-01/withdraw", {"reason": "Thay bằng QT-05"}, {"thu"}),  # confirmation
    ("/documents/QT-01/withdraw", {"reason": "Thay bằng QT-05", "confirm": "yes"}, {"thu"}),
    ("/documents/QT-01/periodic-review", {"note": "Vẫn phù hợp"}, {"thu"}),
    ("/admin/reviews/QT-01", {"note": "Vẫn phù hợp"}, {"thu"}),
    ("/reports/quarterly", {"year": 2026, "quarter": 3}, REPORTERS),
    ("/reports/objectives", {"year": 2026}, REPORTERS),
    ("/reports/risks", {}, REPORTERS),
    ("/reports/objectives.xlsx", {"year": 2026}, REPORTERS),
    ("/reports/risks.xlsx", {}, REPORTERS),
    # The one-stop desk's figures cover every department: not for one department's head.
    ("/reports/desk.xlsx", {"year": 2026}, {"admin", "thu", "hai"}),
]


def _outcome(response_status: int, location: str | None) -> str:
    if response_status == 303 and location and location.startswith("/login"):
        return "sign-in"
    if response_status == 401:
        return "sign-in"
    if response_status in (403, 404):  # 404: staff are not told about drafts
        return "denied"
    if response_status >= 400:  # neither allowed nor refused: shown whole in the diff
        return f"failed with {response_status}"
    return "allowed"


def _expected(role: str, allowed: set[str]) -> str:
    if role == "anonymous":
        return "sign-in"
    return "allowed" if role in allowed else "denied"


@pytest.fixture(scope="module")
def shared_app(
    workflow_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    import shutil

    path = tmp_path_factory.mktemp("matrix") / "shared.db"
    shutil.copyfile(workflow_template, path)
    application = create_app(Settings(database_url=f"sqlite:///{path}"))
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def clients(shared_app: FastAPI) -> Iterator[dict[str, WebClient]]:
    made = {role: signed_in(shared_app, role) for role in SIGNED_IN}
    made["anonymous"] = WebClient(shared_app)
    yield made
    for client in made.values():
        client.close()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "allowed"), GET_ROUTES, ids=[r[0] for r in GET_ROUTES])
def test_read_routes(
    clients: dict[str, WebClient], path: str, allowed: set[str], role: str
) -> None:
    response = clients[role].get(path)
    assert _outcome(response.status_code, response.headers.get("location")) == _expected(
        role, allowed
    )


# Routes where two permitted people would collide (the first one's step changes the
# state the second one needs): each permitted person gets a fresh database.
ONE_STEP_ROUTES = {"/documents/QT-02/review", "/api/documents/QT-02/review"}


def _post(app: FastAPI, role: str, path: str, data: dict[str, object]) -> str:
    data = {
        name: _in_progress_hash(app, path.split("/")[2]) if value == SHOWN_HASH else value
        for name, value in data.items()
    }
    files = {name: value for name, value in data.items() if isinstance(value, tuple)}
    data = {name: value for name, value in data.items() if name not in files}
    client = WebClient(app) if role == "anonymous" else signed_in(app, role)
    with client:
        if files:
            response = client.form(path, data, files=files)
        else:
            send = client.api if path.startswith("/api/") else client.form
            response = send(path, data)
    return _outcome(response.status_code, response.headers.get("location"))


def _in_progress_hash(app: FastAPI, code: str) -> str:
    from qms.db import read_session
    from qms.services.documents import register as documents
    from qms.services.documents import revisions

    with read_session(app.state.engine) as session:
        rev = revisions.in_progress_revision(session, documents.get_document(session, code))
        assert rev is not None
        return rev.content_hash


@pytest.mark.parametrize(
    ("path", "data", "allowed"),
    POST_ROUTES,
    ids=[f"{r[0]}-{r[1].get('decision', '')}" for r in POST_ROUTES],
)
def test_write_routes(
    workflow_app: FastAPI,
    workflow_template: Path,
    tmp_path: Path,
    path: str,
    data: dict[str, object],
    allowed: set[str],
) -> None:
    """Refused people first (a refusal changes nothing, so they share the database),
    then the permitted ones."""
    ordered = sorted(ROLES, key=lambda role: role in allowed)
    outcomes = {}
    for index, role in enumerate(ordered):
        app = workflow_app
        if (
            role in allowed
            and path in ONE_STEP_ROUTES
            and index > ordered.index(next(r for r in ordered if r in allowed))
        ):
            app = _fresh_app(workflow_template, tmp_path / f"{role}.db")
        outcomes[role] = _post(app, role, path, data)
    assert outcomes == {role: _expected(role, allowed) for role in ROLES}


def _fresh_app(template: Path, path: Path) -> FastAPI:
    import shutil

    shutil.copyfile(template, path)
    return create_app(Settings(database_url=f"sqlite:///{path}"))


# ---------------------------------------------------------- audits and corrective actions

AUDIT_READERS = {"admin", "thu", "hai", "binh"}  # auditor, controller, approver, admin
AUDIT_PEOPLE = AUDIT_READERS | {"lan"}  # and the auditee representative of IA-2026-01
CAPA_READERS = {"admin", "thu", "hung", "hai", "binh"}
AUDIT = "/audits/IA-2026-01"
CAR = "/capa/CAR-2026-001"
MR = f"/reviews/{REVIEW}"
REVIEW_READERS = {"thu", "hai", "hung"}  # the coordinator, the chair and the attendee

RECORD_GET_ROUTES: list[tuple[str, set[str]]] = [
    ("/audits", AUDIT_READERS),
    ("/audits?status=in_progress&year=2026", AUDIT_READERS),
    ("/audits/programme", AUDIT_READERS),
    ("/audits/grades", AUDIT_READERS),
    ("/audits/new", {"admin", "thu", "binh"}),
    (AUDIT, AUDIT_PEOPLE),
    (f"{AUDIT}/checklist", AUDIT_PEOPLE),
    (f"{AUDIT}/checklist?show=nonconforming&clause=7.5.3&page=1", AUDIT_PEOPLE),
    (f"{AUDIT}/findings", AUDIT_PEOPLE),
    (f"{AUDIT}/report.pdf", AUDIT_PEOPLE),
    ("/capa", CAPA_READERS),
    ("/capa/overdue", CAPA_READERS),
    ("/capa/register.pdf", CAPA_READERS),
    ("/capa/new", SIGNED_IN),
    (CAR, CAPA_READERS),
    (f"{CAR}/record.pdf", CAPA_READERS),
    (f"/api{AUDIT}/report.pdf", AUDIT_PEOPLE),
    (f"/api{CAR}/record.pdf", CAPA_READERS),
    ("/api/audits", AUDIT_READERS),
    (f"/api{AUDIT}", AUDIT_PEOPLE),
    (f"/api{AUDIT}/checklist", AUDIT_PEOPLE),
    (f"/api{AUDIT}/findings", AUDIT_PEOPLE),
    ("/api/capa", CAPA_READERS),
    (f"/api{CAR}", CAPA_READERS),
    (MR, REVIEW_READERS),
    (f"{MR}/minutes.pdf", REVIEW_READERS),
    ("/api/reviews", SIGNED_IN),  # each sees the reviews they may read
    (f"/api{MR}", REVIEW_READERS),
    (f"/api{MR}/minutes.pdf", REVIEW_READERS),
]

PLANNERS = {"admin", "thu", "binh"}
NEW_REVIEW = {
    "planned_on": days_from_today(10).isoformat(),
    "period_from": "2026-01-01",
    "period_to": days_from_today(0).isoformat(),
    "chair": "hai",
    "attendees": ["hung", "binh"],
}
NEXT_MONTH = days_from_today(30).isoformat()
NEW_AUDIT = {
    "lead": "binh",
    "auditee_rep": "lan",
    "planned_start": NEXT_MONTH,
    "planned_end": NEXT_MONTH,
    "objectives": "Đánh giá việc kiểm soát tài liệu tại Một cửa",
}
COMPLAINT = {"source": "complaint", "department": "MC", "severity": "minor", "description": "x"}
RECORD_POST_ROUTES: list[tuple[str, dict[str, object], set[str]]] = [
    (f"{AUDIT}/items/2", {"result": "C"}, {"binh"}),
    (f"{AUDIT}/conclude", {"conclusions": "Phù hợp"}, {"binh"}),
    ("/audits/programme", {"year": 2026, "objectives": "Mục tiêu"}, {"admin", "thu", "binh"}),
    (f"{CAR}/contain", {"containment": "Xin lỗi"}, {"thu"}),
    ("/capa/new", COMPLAINT, SIGNED_IN),
    ("/audits/new", {**NEW_AUDIT, "departments": ["MC"], "clauses": "7.5.3"}, PLANNERS),
    ("/api/audits", {**NEW_AUDIT, "departments": ["MC"], "clauses": ["7.5.3"]}, PLANNERS),
    (f"/api{AUDIT}/items/2", {"result": "C"}, {"binh"}),
    (f"/api{CAR}/contain", {"containment": "Xin lỗi"}, {"thu"}),
    ("/api/capa", COMPLAINT, SIGNED_IN),
    ("/reviews", NEW_REVIEW, {"thu"}),
    (f"{MR}/start", {"text_resources": "Đủ nguồn lực"}, {"thu"}),
]


@pytest.fixture(scope="session")
def records_template(workflow_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workflow database plus audit IA-2026-01 and corrective action CAR-2026-001."""
    from tests.web.records_setup import add_records

    path = tmp_path_factory.mktemp("records") / "records.db"
    _build(workflow_template, path, lambda engine: (add_records(engine), plan_review(engine)))
    return path


def _build(source: Path, path: Path, build: Callable[[Engine], object]) -> None:
    """Copy ``source`` to ``path`` and run ``build`` on the copy, leaving one file."""
    import shutil

    from qms.db import make_engine

    shutil.copyfile(source, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        build(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def records_clients(
    records_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, WebClient]]:
    app = _fresh_app(records_template, tmp_path_factory.mktemp("records") / "shared.db")
    made = {role: signed_in(app, role) for role in SIGNED_IN}
    made["anonymous"] = WebClient(app)
    yield made
    for client in made.values():
        client.close()
    app.state.engine.dispose()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "allowed"), RECORD_GET_ROUTES, ids=[r[0] for r in RECORD_GET_ROUTES]
)
def test_record_read_routes(
    records_clients: dict[str, WebClient], path: str, allowed: set[str], role: str
) -> None:
    response = records_clients[role].get(path)
    assert _outcome(response.status_code, response.headers.get("location")) == _expected(
        role, allowed
    )


@pytest.mark.parametrize(
    ("path", "data", "allowed"), RECORD_POST_ROUTES, ids=[r[0] for r in RECORD_POST_ROUTES]
)
def test_record_write_routes(
    records_template: Path, tmp_path: Path, path: str, data: dict[str, object], allowed: set[str]
) -> None:
    assert _outcomes_on_copies(records_template, tmp_path, path, data, allowed) == {
        role: _expected(role, allowed) for role in ROLES
    }


def _outcomes_on_copies(
    template: Path, tmp_path: Path, path: str, data: dict[str, object], allowed: set[str]
) -> dict[str, str]:
    """Every role posts once. Refused people share one copy of ``template`` (a refusal
    changes nothing); each permitted person acts on a fresh copy."""
    shared = _fresh_app(template, tmp_path / "shared.db")
    apps = [shared]
    outcomes = {}
    for role in ROLES:
        app = shared
        if role in allowed:
            app = _fresh_app(template, tmp_path / f"{role}.db")
            apps.append(app)
        outcomes[role] = _post(app, role, path, data)
    for app in apps:
        app.state.engine.dispose()
    return outcomes


# ----------------------------------------------------------------------- lifecycle steps

# Each step runs on a database its stage prepared (tests/web/matrix_stages.py): the
# record is in the state the step needs, so only the person can make the difference.
IA2 = "/audits/IA-2026-02"
DUE = days_from_today(14).isoformat()
GRADES = checklists.dump_grades(checklists.load_library().grades)
WHYS = [("Vì sao trễ hẹn?", "Vì không ai theo dõi thời hạn")]
ANALYSIS_FORM = {
    "why_question": [q for q, _ in WHYS],
    "why_answer": [a for _, a in WHYS],
    "cause_category": "documentation",
    "root_cause": "QT-01 không quy định người theo dõi thời hạn",
    "similar_exist": "possible",
    "similar_answer": "Rà soát Phòng Tư pháp: chưa thấy",
}
ANALYSIS_JSON = {
    **{k: v for k, v in ANALYSIS_FORM.items() if not k.startswith("why_")},
    "whys": [{"question": q, "answer": a} for q, a in WHYS],
}
ACTION = {"description": "Phân công theo dõi thời hạn", "owner": "lan", "due_date": DUE}
EVIDENCE = "Kiểm tra 20 hồ sơ: không trễ hẹn"
LEAD = {"binh"}
OBJECTIVE = {**{k: str(v) for k, v in obj.ON_TIME.items()}, "measure": "entered", "target": "99"}
STATISTICS = ("thong-ke.csv", obj.csv_bytes(obj.quarter()), "text/csv")
COMPLAINT_FORM = {
    "kind": "complaint",
    "received": "2026-11-02",
    "department": "TP",
    "summary": "Chờ lâu tại quầy",
}
STEP_ROUTES: list[tuple[str, str, dict[str, object], set[str]]] = [
    ("second auditor", f"{AUDIT}/assign", {"username": "kim"}, {"admin", "thu", "binh"}),
    ("second auditor", f"/api{AUDIT}/assign", {"username": "kim"}, {"admin", "thu", "binh"}),
    ("planned audit", f"{IA2}/start", {}, LEAD),
    ("planned audit", f"/api{IA2}/start", {}, LEAD),
    ("records", f"/api{AUDIT}/conclude", {"conclusions": "Phù hợp"}, LEAD),
    ("concluded", f"{AUDIT}/report", {"password": PASSWORD}, LEAD),
    ("concluded", f"/api{AUDIT}/report", {"password": PASSWORD}, LEAD),
    ("reported", f"{AUDIT}/sign", {"password": PASSWORD}, {"lan"}),  # auditee rep
    ("reported", f"/api{AUDIT}/sign", {"password": PASSWORD}, {"lan"}),
    ("reported", f"{AUDIT}/reopen", {"reason": "Bổ sung bằng chứng"}, LEAD),
    ("reported", f"/api{AUDIT}/reopen", {"reason": "Bổ sung bằng chứng"}, LEAD),
    ("closable", f"{AUDIT}/close", {}, LEAD),
    ("closable", f"/api{AUDIT}/close", {}, LEAD),
    ("records", "/audits/grades", {"grades_json": GRADES}, {"admin", "thu"}),
    (
        "programme",
        "/audits/programme/entry",
        {"year": PROGRAMME_YEAR, "department": "MC", "importance": "high", "clauses": "7.5.3"},
        PLANNERS,
    ),
    # Corrective actions of MC: a controller, or MC's reviewers and approvers (none here).
    ("contained", f"{CAR}/analyse", ANALYSIS_FORM, {"thu"}),
    ("contained", f"/api{CAR}/analyse", ANALYSIS_JSON, {"thu"}),
    ("analysed", f"{CAR}/actions", ACTION, {"thu"}),
    ("analysed", f"/api{CAR}/actions", ACTION, {"thu"}),
    ("actions added", f"{CAR}/plan", {}, {"thu"}),
    ("actions added", f"/api{CAR}/plan", {}, {"thu"}),
    # Action 1 is lan's: its owner or a controller marks it done (hung owns action 2).
    ("actions planned", f"{CAR}/actions/1/done", {"note": "Xong"}, {"lan", "thu"}),
    ("actions planned", f"/api{CAR}/actions/1/done", {"note": "Xong"}, {"lan", "thu"}),
    # An auditor or controller who owns no action verifies.
    (
        "actions done",
        f"{CAR}/verify",
        {"effective": "yes", "evidence": EVIDENCE, "password": PASSWORD},
        {"thu", "binh"},
    ),
    (
        "actions done",
        f"/api{CAR}/verify",
        {"effective": True, "evidence": EVIDENCE, "password": PASSWORD},
        {"thu", "binh"},
    ),
    ("verified", f"{CAR}/close", {}, {"thu"}),
    ("verified", f"/api{CAR}/close", {}, {"thu"}),
    ("yearly scope", "/reports/conformity", {}, {"thu"}),
    # The management review: the coordinator minutes it, its chair signs, the owner of an
    # action (or the coordinator) marks it done.
    ("review started", f"{MR}/conclude", {"key": "audits", "text": "Đạt"}, {"thu"}),
    ("review started", f"{MR}/decide", {"kind": "resources", "text": "Máy quét"}, {"thu"}),
    (
        "review decided",
        f"{MR}/decisions/1/act",
        {"outcome": "action", "owner": "lan", "due": DUE},
        {"thu"},
    ),
    ("review action", f"{MR}/decisions/1/done", {"note": "Xong"}, {"lan", "thu"}),
    ("review minuted", f"{MR}/sign", {"password": PASSWORD}, {"hai"}),
    # Objectives: a leader who did not draft approves; the owner (hung) enters results; the
    # owner or a controller opens a nonconformity; the drafter changes the draft; a
    # controller drafts the organisation's objectives, imports and opens nonconformities
    # from complaints (about MC, which has no leaders here); anyone records a complaint.
    ("objectives", "/objectives/MT-2026-01/approve", {"password": PASSWORD}, {"hai"}),
    (
        "objectives",
        "/objectives/approve",
        {"year": 2026, "refs": ["MT-2026-01"], "password": PASSWORD},
        {"hai"},
    ),
    (
        "objectives",
        "/objectives/MT-2026-02/results",
        {"period": "2026-Q3", "value": "99"},
        {"hung"},
    ),
    ("objectives", "/objectives/MT-2026-02/nonconformity", {"period": "2026-Q2"}, {"hung", "thu"}),
    ("objectives", "/objectives/MT-2026-01/revise", OBJECTIVE, {"thu"}),
    ("objectives", "/objectives/new", {**OBJECTIVE, "year": 2026, "department": ""}, {"thu"}),
    ("objectives", "/data/import", {"kind": "dossiers", "file": STATISTICS}, {"thu"}),
    ("objectives", "/data/feedback", COMPLAINT_FORM, SIGNED_IN),
    ("objectives", "/data/feedback/PA-2026-001/nonconformity", {}, {"thu"}),
]


@pytest.fixture(scope="session")
def stage_template(
    records_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Path]:
    """The database of a stage, built on first use from the records database."""
    built: dict[str, Path] = {"records": records_template}

    def path_of(stage: str) -> Path:
        if stage not in built:
            path = tmp_path_factory.mktemp("stage") / "stage.db"
            _build(records_template, path, STAGES[stage])
            built[stage] = path
        return built[stage]

    return path_of


@pytest.mark.parametrize(
    ("stage", "path", "data", "allowed"), STEP_ROUTES, ids=[r[1] for r in STEP_ROUTES]
)
def test_lifecycle_step_routes(
    stage_template: Callable[[str], Path],
    tmp_path: Path,
    stage: str,
    path: str,
    data: dict[str, object],
    allowed: set[str],
) -> None:
    outcomes = _outcomes_on_copies(stage_template(stage), tmp_path, path, data, allowed)
    assert outcomes == {role: _expected(role, allowed) for role in ROLES}


def test_objective_pages_and_evidence(
    stage_template: Callable[[str], Path], tmp_path: Path
) -> None:
    """An objective's page and its result's evidence file are open to everyone signed in."""
    name, data = EVIDENCE_FILE
    app = _fresh_app(stage_template("objectives"), tmp_path / "objectives.db")
    outcomes = {}
    for role in ROLES:
        with WebClient(app) if role == "anonymous" else signed_in(app, role) as client:
            page = client.get("/objectives/MT-2026-02")
            response = client.get("/objectives/MT-2026-02/evidence/2026-Q2")
        outcomes[role] = (
            _outcome(page.status_code, page.headers.get("location")),
            _outcome(response.status_code, response.headers.get("location")),
        )
        if role != "anonymous":
            assert response.content == data
            assert name in response.headers["content-disposition"]
    app.state.engine.dispose()
    assert outcomes == {role: (_expected(role, SIGNED_IN),) * 2 for role in ROLES}


def test_evidence_file_download(stage_template: Callable[[str], Path], tmp_path: Path) -> None:
    """The checklist's stored evidence goes to the audit's people only, byte for byte."""
    name, data = EVIDENCE_FILE
    path = f"{AUDIT}/items/2/attachments/{hashlib.sha256(data).hexdigest()}"
    app = _fresh_app(stage_template("evidence file"), tmp_path / "evidence.db")
    outcomes = {}
    for role in ROLES:
        with WebClient(app) if role == "anonymous" else signed_in(app, role) as client:
            response = client.get(path)
        outcomes[role] = _outcome(response.status_code, response.headers.get("location"))
        if outcomes[role] == "allowed":
            assert response.content == data
            assert name in response.headers["content-disposition"]
    app.state.engine.dispose()
    assert outcomes == {role: _expected(role, AUDIT_PEOPLE) for role in ROLES}


# ------------------------------------------------------------------------- completeness

# Open to everyone by design: signing in and out and choosing the language.
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/language"),
    ("GET", "/api/session"),
    ("POST", "/api/session"),
}


def _app_routes(routes: list[object], prefix: str = "") -> Iterator[tuple[str, str]]:
    from fastapi.routing import APIRoute

    for route in routes:
        if isinstance(route, APIRoute):
            yield from ((method, prefix + route.path) for method in route.methods)
        elif hasattr(route, "original_router"):  # an included router
            included = route.include_context.prefix  # type: ignore[attr-defined]
            yield from _app_routes(route.original_router.routes, prefix + included)
        elif hasattr(route, "routes") and hasattr(route, "path") and route.path != "/static":
            yield from _app_routes(route.routes, prefix + route.path)


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")


def test_the_matrix_covers_every_route(shared_app: FastAPI) -> None:
    tried = [("GET", p.split("?")[0]) for p, _ in GET_ROUTES + RECORD_GET_ROUTES] + [
        ("POST", p) for p, _, _ in POST_ROUTES + RECORD_POST_ROUTES
    ]
    tried += [("POST", p) for _, p, _, _ in STEP_ROUTES]
    tried += [("GET", f"{AUDIT}/items/2/attachments/{'0' * 64}")]  # test_evidence_file_download
    tried += [("GET", f"/documents/QT-01/images/{'0' * 64}")]  # tests/web/test_word_pages.py
    tried += [("GET", "/objectives/MT-2026-02"), ("GET", "/objectives/MT-2026-02/evidence/Q")]
    routes = set(_app_routes(list(shared_app.routes)))
    assert len(routes) > 90  # the walk found the included routers
    uncovered = {
        (method, path)
        for method, path in routes
        if not any(m == method and _pattern(path).match(p) for m, p in tried)
    }
    assert uncovered - PUBLIC == set()
    assert routes >= PUBLIC
