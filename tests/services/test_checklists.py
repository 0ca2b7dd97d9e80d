"""The checklist library, clause look-up, grade scales and generated procedure questions."""

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import PermissionDenied, ValidationError
from qms.services.audits import checklists
from qms.services.people import organisation
from tests.helpers import act, refused

GRADES = [
    {"code": "C", "vi": "Phù hợp", "en": "Conforming", "nonconformity": False},
    {"code": "NC", "vi": "Không phù hợp", "en": "Nonconformity", "nonconformity": True},
]


def test_the_shipped_library() -> None:
    library = checklists.load_library()
    assert library.source.startswith("iso9001-2015.yaml@")
    assert len(library.source) == len("iso9001-2015.yaml@") + 64
    assert [g.code for g in library.grades] == ["C", "NC_MAJOR", "NC_MINOR", "OBS", "OFI"]
    assert [g.code for g in library.grades if g.nonconformity] == ["NC_MAJOR", "NC_MINOR"]
    assert all(c.questions for c in library.clauses)
    keys = [q.key for c in library.clauses for q in c.questions]
    assert len(keys) == len(set(keys))


def test_clauses_expand_to_their_sub_clauses() -> None:
    library = checklists.load_library()
    assert [c.clause for c in checklists.expand(library, "7.5")] == ["7.5.1", "7.5.2", "7.5.3"]
    assert [c.clause for c in checklists.expand(library, " 8.5.1. ")] == ["8.5.1"]
    assert len(checklists.expand(library, "10")) == 3
    assert [c.clause for c in checklists.expand(library, "7.1")][-1] == "7.1.6"
    with pytest.raises(ValidationError, match=r"unknown ISO 9001 clause 7\.6"):
        checklists.expand(library, "7.6")
    with pytest.raises(ValidationError, match=r"unknown ISO 9001 clause 7\.51"):
        checklists.expand(library, "7.51")  # not a sub-clause of 7.5
    with pytest.raises(ValidationError, match="not an ISO 9001 clause number"):
        checklists.validate_clauses(library, ["7.5", "điều 8"])
    assert checklists.validate_clauses(library, ["7.5", "7.5.", "9.1"]) == ["7.5", "9.1"]
    assert checklists.clause_title(library, "7.5", "vi") == "Thông tin dạng văn bản"
    assert checklists.clause_title(library, "7.5.3", "en") == "Control of documented information"


def test_questions_generated_from_a_procedure() -> None:
    body = (
        "# 1. Mục đích\n\nText.\n\n# 5. NỘI DUNG QUY TRÌNH\n\n## 5.1 Tiếp nhận\n\n"
        "Lập phiếu BM-01-02.\n\n```\n## not a heading BM-99-99\n```\n\n## 5.2 Xử lý\n\n"
        "### 5.2.1 Chi tiết\n\nGhi BM-01-01, rồi BM-01-02.\n\n# 6. Biểu mẫu\n"
    )
    questions = checklists.procedure_questions("QT-01", 3, body)
    assert [q.key for q in questions] == [
        "QT-01/3:step-01",
        "QT-01/3:step-02",
        "QT-01/3:current",
        "QT-01/3:form-BM-01-02",
        "QT-01/3:form-BM-01-01",
    ]
    assert questions[0].en == (
        "Is step '5.1 Tiếp nhận' of QT-01 issue 3 carried out as written? Ask for the records."
    )
    assert questions[0].vi.startswith("Bước '5.1 Tiếp nhận' của QT-01 lần ban hành 3")
    assert [q.clause for q in questions] == ["8.5.1", "8.5.1", "7.5.3", "7.5.3", "7.5.3"]
    # Without a procedure section with sub-headings, the top-level headings are the steps.
    assert checklists.step_headings("# A\n\n## A.1\n\n# B\n") == ["A", "B"]
    assert checklists.step_headings("no headings") == []


def test_questions_follow_the_responsibility_and_records_tables() -> None:
    body = (
        "# 5. NỘI DUNG QUY TRÌNH\n\n## 5.1 Lưu đồ\n\n1. Tiếp nhận.\n\n"
        "## 5.2 Bảng trách nhiệm\n\n"
        "| Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Tiếp nhận hồ sơ | Công chức một cửa | 15 phút | BM-MC-02 |\n"
        "| 2 | Thẩm định hồ sơ | Chuyên viên | 03 ngày làm việc | Tờ trình |\n\n"
        "# 7. HỒ SƠ CẦN LƯU\n\n| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |\n"
        "|---|---|---|---|\n| 1 | Sổ theo dõi hồ sơ (BM-MC-02) | Bộ phận Một cửa | 05 năm |\n"
    )
    questions = checklists.procedure_questions("QT-MC-02", 1, body)
    assert [q.key for q in questions] == [
        "QT-MC-02/1:step-01",
        "QT-MC-02/1:step-02",
        "QT-MC-02/1:current",
        "QT-MC-02/1:record-01",
    ]
    assert questions[1].vi == (
        "Bước 2 của QT-MC-02 lần ban hành 1: Thẩm định hồ sơ (trách nhiệm: Chuyên viên; "
        "thời hạn: 03 ngày làm việc). Bước này có được thực hiện đúng như quy định không? "
        "Đề nghị xuất trình: Tờ trình."
    )
    assert questions[0].en == (
        "Step 1 of QT-MC-02 issue 1: Tiếp nhận hồ sơ (responsible: Công chức một cửa; "
        "time limit: 15 phút). Is it carried out as written? Ask for: BM-MC-02."
    )
    assert questions[3].vi.startswith(
        "Hồ sơ 'Sổ theo dõi hồ sơ (BM-MC-02)' (nơi lưu: Bộ phận Một cửa; thời gian lưu: 05 năm)"
    )
    assert [q.clause for q in questions] == ["8.5.1", "8.5.1", "7.5.3", "7.5.3"]
    assert not any("Lưu đồ" in q.vi or "Bảng trách nhiệm" in q.vi for q in questions)


@pytest.mark.parametrize(
    ("grades", "match"),
    [
        ([], "non-empty list"),
        ([{**GRADES[0], "code": "c-1"}, GRADES[1]], "grade code 'c-1'"),
        ([{**GRADES[0], "en": ""}, GRADES[1]], "needs a Vietnamese and an English label"),
        ([{**GRADES[0], "nonconformity": "no"}, GRADES[1]], "must be true or false"),
        ([GRADES[0], GRADES[0], GRADES[1]], "unique"),
        ([GRADES[1], GRADES[0]], "first grade \\(NC\\) must be the conforming one"),
        ([GRADES[0]], "at least one grade must be a nonconformity"),
    ],
)
def test_bad_grade_scales(grades: list[dict[str, object]], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        checklists.parse_grades(grades)


def test_grades_setting_overrides_the_library(engine: Engine) -> None:
    library = checklists.load_library()
    refused(engine, PermissionDenied, checklists.set_grades, "lan", "cannot change audit grades",
            grades_json=json.dumps(GRADES))  # fmt: skip
    refused(engine, ValidationError, checklists.set_grades, "thu", "not valid JSON",
            grades_json="[{")  # fmt: skip
    refused(engine, ValidationError, checklists.set_grades, "thu", "at least one grade",
            grades_json=json.dumps(GRADES[:1]))  # fmt: skip
    act(engine, checklists.set_grades, "thu", grades_json=json.dumps(GRADES))
    with read_session(engine) as session:
        assert [g.code for g in checklists.current_grades(session, library)] == ["C", "NC"]
    with write_session(engine) as session:
        organisation.set_setting(session, actor="admin", key="audit.grades", value="{broken")
        session.commit()
    with (
        read_session(engine) as session,
        pytest.raises(ValidationError, match=r"setting audit\.grades is invalid"),
    ):
        checklists.current_grades(session, library)


def test_a_malformed_library_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("grades: []\nclauses: []\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"checklist library bad\.yaml is malformed"):
        checklists.load_library(path)
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="expected a mapping"):
        checklists.load_library(path)
