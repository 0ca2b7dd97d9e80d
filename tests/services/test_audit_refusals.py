"""Refusals of the audit services that the walk-through tests do not reach: each leaves
every table as it was."""

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict, ValidationError
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits import work as audit_work
from qms.services.capa import lifecycle as capa
from qms.services.people import users
from tests.helpers import act, refused
from tests.services import capa_setup as cs


def test_a_finding_with_a_corrective_action_cannot_be_regraded_as_conforming(
    engine: Engine,
) -> None:
    ref = cs.audit_with_findings(engine, grades=("NC_MINOR",))
    car = act(engine, capa.open_nonconformity, "binh", finding=f"{ref}/1").ref
    refused(engine, Conflict, audit_work.record, "binh",
            f"{ref} / F1 has corrective action {car}; it cannot be re-graded as conforming",
            ref=ref, item=1, result="C")  # fmt: skip
    # Re-grading it as another nonconformity keeps the finding, so it stays allowed.
    act(engine, audit_work.record, "binh", ref=ref, item=1, result="NC_MAJOR",
        evidence="Bản lỗi thời tại 3 quầy", finding="Tài liệu lỗi thời chưa được thu hồi")  # fmt: skip
    with read_session(engine) as session:
        found = audits.get_finding(session, ref=ref, number=1)
    assert found.grade == "NC_MAJOR"


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"result": "C", "department": "TP"}, "TP is not in the scope of IA-"),
        ({"result": "C", "finding": "Không có"}, "a C result is not a nonconformity"),
        ({"result": "OBS"}, "a OBS result needs objective evidence"),
        ({"result": "NC_MINOR", "evidence": "Có"}, "needs a finding statement"),
    ],
)
def test_record_refuses_results_that_do_not_fit(
    engine: Engine, changes: dict[str, str], match: str
) -> None:
    ref = cs.audit_with_findings(engine, grades=())
    refused(engine, ValidationError, audit_work.record, "binh", match, ref=ref, item=1, **changes)


def test_assign_refuses_someone_already_on_the_team(engine: Engine) -> None:
    ref = cs.audit_with_findings(engine, grades=())
    refused(engine, ValidationError, audits.assign, "binh",
            f"binh is already on the team of {ref}", ref=ref, username="binh")  # fmt: skip


def test_report_pdf_refuses_an_unknown_language(engine: Engine) -> None:
    ref = cs.audit_with_findings(engine, grades=())
    with read_session(engine) as session, pytest.raises(ValidationError, match="vi or en"):
        audit_reports.report_pdf(
            session, viewer=users.get_active_user(session, "binh"), ref=ref, language="fr"
        )
