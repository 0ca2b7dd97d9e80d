"""What the audit and corrective-action web tests share: hostile text, PDF text, and an
audit of MC (lead binh, auditee representative lan) planned and started in the browser's
way (through HTTP)."""

import re
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy.engine import Engine

from tests.services.capa_setup import today
from tests.web.client import WebClient

XSS = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
_REF = re.compile(r"/(audits|capa)/((?:IA|CAR)-\d{4}-\d+)")


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def ref_from(location: str) -> str:
    found = _REF.search(location)
    assert found, location
    return found.group(2)


def plan_and_start(engine: Engine, binh: WebClient) -> str:
    day = today(engine).isoformat()
    planned = binh.form(
        "/audits/new",
        {
            "departments": ["MC"],
            "clauses": "7.5.3",
            "lead": "binh",
            "auditee_rep": "lan",
            "planned_start": day,
            "planned_end": day,
            "objectives": "Đánh giá việc kiểm soát thông tin dạng văn bản tại Một cửa",
        },
    )
    assert planned.status_code == 303, planned.text
    ref = ref_from(planned.headers["location"])
    started = binh.form(f"/audits/{ref}/start")
    assert started.status_code == 303, started.text
    return ref


def assert_escaped(html: str) -> None:
    assert XSS not in html
    assert ESCAPED in html


def answer_all(client: WebClient, ref: str, skip: tuple[int, ...] = ()) -> None:
    """Every checklist item not in ``skip`` graded conforming, through the page's form."""
    page = client.get(f"/audits/{ref}/checklist").text
    for number in sorted({int(n) for n in re.findall(r'id="item-(\d+)"', page)}):
        if number not in skip:
            done = client.form(f"/audits/{ref}/items/{number}", {"result": "C"})
            assert done.status_code == 303, done.text


def add_records(engine: Engine) -> tuple[str, str]:
    """An audit of MC in progress (lead binh, auditee representative lan) with finding 1,
    and a complaint of MC opened by an: what the permission matrix reads and acts on."""
    from tests.services.capa_setup import audit_with_findings, open_complaint

    audit = audit_with_findings(engine, grades=("NC_MINOR",))
    car = open_complaint(engine, actor="an")
    return audit, car
