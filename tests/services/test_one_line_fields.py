"""One-line fields (titles, names, reasons) refuse line breaks, tabs and other control
characters, naming the field, and nothing is saved; multi-line fields keep their lines."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import ValidationError
from qms.services.audits import planning as audits
from qms.services.capa import lifecycle as capa
from qms.services.documents import register as documents
from qms.services.documents import revisions
from qms.services.people import organisation, users
from qms.text import not_in_a_line
from tests.helpers import act, new_draft, refused
from tests.services import capa_setup

NOT_IN_A_LINE = ["\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"]


@pytest.mark.parametrize("char", NOT_IN_A_LINE, ids=[f"U+{ord(c):04X}" for c in NOT_IN_A_LINE])
def test_control_characters_and_line_separators_are_not_in_a_line(char: str) -> None:
    assert not_in_a_line(f"Quy trình{char}kiểm soát") == char


def test_spaces_and_vietnamese_are_one_line() -> None:
    line = "Quy trình kiểm soát tài liệu – Ủy ban nhân dân quận\u00a0(sửa đổi lần 2)"
    assert not_in_a_line(line) is None


def _in_progress_audit(engine: Engine) -> str:
    ref = capa_setup.plan_mc(engine)
    act(engine, audits.start, "binh", ref=ref)
    return ref


def _contained_car(engine: Engine) -> str:
    ref = capa_setup.open_complaint(engine)
    capa_setup.contain(engine, ref)
    return ref


def _organisation_file(tmp_path: Path) -> Path:
    path = tmp_path / "organisation.yaml"
    path.write_text('organisation:\n  name: "ỦY BAN NHÂN DÂN\\nQUẬN HỒNG HÀ"\n', encoding="utf-8")
    return path


Setup = Callable[[Engine, Path], dict[str, Any]]
# What is refused, by whom, and what the call needs from its set-up.
CASES: dict[str, tuple[Callable[..., Any], str, str, Setup]] = {
    "document title": (
        revisions.create_document,
        "thu",
        "the title must be one line",
        lambda e, p: {
            "code": "QT-40",
            "title": "Quy trình\nkiểm soát",
            "doc_type": "procedure",
            "department": "VP",
        },
    ),
    "issuer of an external document": (
        revisions.create_document,
        "thu",
        "the issuer must be one line",
        lambda e, p: {
            "code": "VB-40",
            "title": "Luật Đất đai",
            "doc_type": "external",
            "department": "VP",
            "external": {"issuer": "Quốc hội\r\nkhóa XV"},
        },
    ),
    "reason for change": (
        revisions.revise,
        "thu",
        "the reason for change must be one line",
        lambda e, p: new_draft(e) or {"code": "QT-01", "reason": "Đánh giá\tnội bộ"},
    ),
    "reason for withdrawing": (
        revisions.obsolete,
        "thu",
        "the reason must be one line",
        lambda e, p: new_draft(e) or {"code": "QT-01", "reason": "Thay thế\u2028bằng QT-02"},
    ),
    "note of a periodic review": (
        documents.record_periodic_review,
        "thu",
        "the note must be one line",
        lambda e, p: {"code": "QT-01", "note": "Vẫn phù hợp\x1b[2J"},
    ),
    "department name": (
        users.create_department,
        "admin",
        "the department name must be one line",
        lambda e, p: {"code": "KT", "name": "Phòng\x00Kinh tế"},
    ),
    "full name": (
        users.create_user,
        "admin",
        "the full name must be one line",
        lambda e, p: {
            "username": "tuan",
            "full_name": "Ngô\u2029Anh Tuấn",
            "password": "a-long-password-2026",
            "roles": ["staff"],
        },
    ),
    "position": (
        users.create_user,
        "admin",
        "the position must be one line",
        lambda e, p: {
            "username": "tuan",
            "full_name": "Ngô Anh Tuấn",
            "password": "a-long-password-2026",
            "roles": ["staff"],
            "position": "Chuyên viên\x85Phòng Kinh tế",
        },
    ),
    "organisation name": (
        organisation.load_organisation_file,
        "admin",
        "organisation.yaml: the organisation name must be one line",
        lambda e, p: {"path": _organisation_file(p)},
    ),
    "distribution entry of an audit report": (
        audits.conclude,
        "binh",
        "the distribution entry must be one line",
        lambda e, p: {
            "ref": _in_progress_audit(e),
            "conclusions": "Hệ thống được duy trì.\n\nCần cải tiến việc thu hồi tài liệu.",
            "distribution": ["Chủ tịch UBND quận", "Bộ phận\tMột cửa"],
        },
    ),
    "clause of a nonconformity": (
        capa.open_nonconformity,
        "lan",
        "the clause must be one line",
        lambda e, p: {
            "source": "complaint",
            "description": "Hồ sơ trả trễ hẹn.\nCông dân phản ánh qua đường dây nóng.",
            "department": "MC",
            "clause": "7.5\n8.5",
            "severity": "minor",
        },
    ),
    "answer to a why": (
        capa.analyse,
        "thu",
        "the answer to why 2 must be one line",
        lambda e, p: {
            "ref": _contained_car(e),
            "whys": [("Vì sao trễ hẹn?", "Chuyển muộn"), ("Vì sao chuyển muộn?", "Không\nai")],
            "cause_category": "documentation",
            "root_cause": "Không ai theo dõi thời hạn",
            "similar_exist": "no",
            "similar_answer": "Đã rà soát",
        },
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_one_line_field_refuses_control_characters(
    engine: Engine, tmp_path: Path, case: str
) -> None:
    func, actor, message, setup = CASES[case]
    kwargs = setup(engine, tmp_path)
    refused(engine, ValidationError, func, actor, message, **kwargs)


def test_multi_line_fields_keep_their_lines_beside_a_one_line_reason(engine: Engine) -> None:
    new_draft(engine)
    description = "Sửa bước 2.\nThêm bước 3."
    refused(
        engine, ValidationError, revisions.revise, "thu", "the reason for change must be one line",
        code="QT-01", reason="Đánh giá\nnội bộ", description=description,
    )  # fmt: skip
    act(engine, revisions.revise, "thu", code="QT-01", reason="Đánh giá", description=description)
    with read_session(engine) as session:
        _, rev = documents.get_revision(
            session, viewer=users.get_user(session, "thu"), code="QT-01", issue=1
        )
        assert (rev.reason, rev.description) == ("Đánh giá", description)
