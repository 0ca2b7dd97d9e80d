"""The audit page shows the hash its record was signed with when reported, and checks the
record against it when asked (a locked record changes only behind the application's
back); the JSON API and ``qms audit show`` answer the same way."""

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits.core import get_audit
from qms.services.audits.records import record_hash
from tests.helpers import act
from tests.seed import PASSWORD
from tests.services import capa_setup as cs
from tests.services.audit_helpers import answer_all
from tests.web.client import WebClient

Login = Callable[[str], WebClient]


def _hash(engine: Engine, ref: str) -> str:
    with read_session(engine) as session:
        return record_hash(session, get_audit(session, ref))


def test_the_page_checks_a_reported_record_when_asked(web_engine: Engine, as_user: Login) -> None:
    binh = as_user("binh")
    ref = cs.audit_with_findings(web_engine, grades=("NC_MINOR",))
    assert binh.get(f"/api/audits/{ref}").json()["content_hash"] is None  # open, unsigned
    answer_all(web_engine, ref, skip=(1,), auditor="binh")
    act(web_engine, audits.conclude, "binh", ref=ref, conclusions="Phù hợp")
    act(web_engine, audit_reports.report, "binh", ref=ref, password=PASSWORD)
    signed = _hash(web_engine, ref)

    page = binh.get(f"/audits/{ref}").text
    assert f"<code>{signed}</code>" in page
    assert f'href="/audits/{ref}?verify=1#signatures"' in page
    assert '<span class="ok">' in page

    with web_engine.begin() as connection:  # an item's evidence changed in SQL
        connection.execute(
            text(
                "UPDATE checklist_item SET evidence = 'Sửa sau khi ký' WHERE number = 2 "
                "AND audit_id = (SELECT id FROM audit WHERE ref = :ref)"
            ),
            {"ref": ref},
        )
    altered = _hash(web_engine, ref)
    checked = binh.get(f"/audits/{ref}", params={"verify": "1"}).text
    assert f"<code>{altered}</code>" in checked
    assert '<span class="error">' in checked
    assert '<span class="ok">' not in checked
    assert "?verify=1#signatures" not in checked  # checked already

    api = binh.get(f"/api/audits/{ref}", params={"verify": "true"}).json()
    assert (api["content_hash"], api["hashed_now"]) == (altered, True)
    assert [s["valid"] for s in api["signatures"]] == [False]
    read = binh.get(f"/api/audits/{ref}").json()
    assert (read["content_hash"], read["hashed_now"]) == (signed, False)
