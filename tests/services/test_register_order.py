"""The register at scale: sorted in the database by any column, both ways; facet counts
grouped in the database for the current filter; every filtered row for an export."""

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import ValidationError
from qms.services.documents import revisions, search
from qms.services.people import users
from tests.helpers import act, new_draft, revise, to_effective

# (code, title, type, department): titles sort in Vietnamese order (Đ after D).
DOCUMENTS = [
    ("QT-02", "Đánh giá nội bộ", "procedure", "TP"),
    ("BM-01", "Biểu mẫu tiếp nhận", "form", "MC"),
    ("QT-01", "Dịch vụ công", "procedure", "VP"),
    ("HD-01", "Hướng dẫn lưu trữ", "work_instruction", "VP"),
]


@pytest.fixture
def register(engine: Engine) -> Engine:
    """QT-02 and QT-01 effective (QT-01 with a draft of issue 2), BM-01 a draft, HD-01
    withdrawn."""
    for code, title, kind, dept in DOCUMENTS:
        new_draft(engine, code, title=title, doc_type=kind, department=dept)
    for code in ("QT-02", "QT-01", "HD-01"):
        to_effective(engine, code)
    revise(engine, "QT-01")
    act(engine, revisions.obsolete, "thu", code="HD-01", reason="Không còn áp dụng")
    return engine


def _codes(engine: Engine, viewer: str = "thu", **kwargs: object) -> list[str]:
    with read_session(engine) as session:
        page = search.register_page(session, viewer=users.get_user(session, viewer), **kwargs)  # type: ignore[arg-type]
        return [row.document.code for row in page.rows]


def test_sorted_by_each_column_both_ways(register: Engine) -> None:
    assert _codes(register) == ["BM-01", "QT-01", "QT-02", "HD-01"]  # title order
    assert _codes(register, sort="title", descending=True) == ["HD-01", "QT-02", "QT-01", "BM-01"]
    assert _codes(register, sort="code") == ["BM-01", "HD-01", "QT-01", "QT-02"]
    assert _codes(register, sort="code", descending=True) == ["QT-02", "QT-01", "HD-01", "BM-01"]
    assert _codes(register, sort="type") == ["BM-01", "QT-01", "QT-02", "HD-01"]
    assert _codes(register, sort="department") == ["BM-01", "QT-02", "QT-01", "HD-01"]
    # Through its life: the draft, then the effective ones (title order), then withdrawn.
    assert _codes(register, sort="status") == ["BM-01", "QT-01", "QT-02", "HD-01"]
    assert _codes(register, sort="status", descending=True) == [
        "HD-01",
        "QT-02",
        "QT-01",
        "BM-01",
    ]
    # Those in effect by date (QT-02 took effect first), those never in effect last.
    by_date = _codes(register, sort="effective")
    assert by_date[-2:] == ["HD-01", "BM-01"] or by_date[-2:] == ["BM-01", "HD-01"]
    assert set(by_date[:2]) == {"QT-01", "QT-02"}
    assert _codes(register, viewer="lan", sort="code", descending=True) == ["QT-02", "QT-01"]


def test_sorted_pages_follow_on(register: Engine) -> None:
    pages = [_codes(register, sort="code", per_page=3, page=n) for n in (1, 2)]
    assert pages == [["BM-01", "HD-01", "QT-01"], ["QT-02"]]


def test_facets_count_each_choice_with_the_other_filters(register: Engine) -> None:
    with read_session(register) as session:
        thu = users.get_user(session, "thu")
        page = search.register_page(session, viewer=thu, facets=True)
        assert page.facets == search.Facets(
            types={"procedure": 2, "form": 1, "work_instruction": 1},
            departments={"TP": 1, "MC": 1, "VP": 2},
            statuses={"effective": 2, "draft": 2, "in_review": 0, "approved": 0, "obsolete": 1},
        )
        # Narrowed to procedures: the type counts keep every type (they say what each
        # choice would show), the others count procedures only.
        narrowed = search.register_page(session, viewer=thu, doc_type="procedure", facets=True)
        assert narrowed.facets is not None
        assert narrowed.facets.types == {"procedure": 2, "form": 1, "work_instruction": 1}
        assert narrowed.facets.departments == {"TP": 1, "VP": 1}
        assert narrowed.facets.statuses["draft"] == 1
        searched = search.register_page(session, viewer=thu, search="danh gia", facets=True)
        assert searched.facets is not None
        assert searched.facets.types == {"procedure": 1}
        lan = users.get_user(session, "lan")
        staff = search.register_page(session, viewer=lan, facets=True)
        assert staff.facets == search.Facets({"procedure": 2}, {"TP": 1, "VP": 1}, {})
        assert search.register_page(session, viewer=thu).facets is None


def test_every_filtered_row_in_order_for_an_export(register: Engine) -> None:
    with read_session(register) as session:
        thu = users.get_user(session, "thu")
        rows = search.register_rows(
            session,
            viewer=thu,
            filters=search.RegisterFilter(doc_type="procedure"),
            sort="code",
            descending=True,
            batch=1,
        )
        assert [(r.document.code, r.current is not None) for r in rows] == [
            ("QT-02", True),
            ("QT-01", True),
        ]
        everything = search.register_rows(session, viewer=thu, filters=search.RegisterFilter())
        assert len(list(everything)) == 4


def test_unknown_sort_is_refused(register: Engine) -> None:
    with read_session(register) as session, pytest.raises(ValidationError, match="sort"):
        search.register_page(session, viewer=users.get_user(session, "thu"), sort="secret")
