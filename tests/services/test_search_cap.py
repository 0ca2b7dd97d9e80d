"""A broad search is counted up to a cap: exactly under it, "more than" it above, and
every page of its matches still reachable in order."""

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.documents import search
from qms.services.people import users
from tests.helpers import effective_document, new_draft

# Drafts whose titles hold "kiểm soát", in title order; two in TP, three in VP.
DRAFTS = [
    ("QT-05", "A kiểm soát hồ sơ", "TP"),
    ("QT-04", "B kiểm soát tài liệu", "VP"),
    ("QT-03", "C kiểm soát rủi ro", "TP"),
    ("QT-02", "D kiểm soát đầu ra", "VP"),
    ("QT-01", "E kiểm soát thay đổi", "VP"),
]
IN_ORDER = [code for code, _, _ in DRAFTS]


def _register(engine: Engine) -> Engine:
    for code, title, dept in DRAFTS:
        new_draft(engine, code, title=title, department=dept)
    new_draft(engine, "BM-01", title="Biểu mẫu khác", doc_type="form")
    return engine


def _page(engine: Engine, viewer: str = "thu", **kwargs: object) -> search.RegisterPage:
    with read_session(engine) as session:
        return search.register_page(session, viewer=users.get_user(session, viewer), **kwargs)  # type: ignore[arg-type]


def _codes(page: search.RegisterPage) -> list[str]:
    return [row.document.code for row in page.rows]


def test_under_the_cap_the_count_and_facets_are_exact(engine: Engine) -> None:
    _register(engine)
    for cap in (5, 100):  # at the cap itself the count is still exact
        page = _page(engine, search="kiem soat", facets=True, count_cap=cap)
        assert (page.total, page.capped, page.more) == (5, False, False)
        assert _codes(page) == IN_ORDER
        assert page.facets is not None
        assert page.facets.departments == {"TP": 2, "VP": 3}
        assert page.pages == 1


def test_above_the_cap_the_count_says_more_than_it(engine: Engine) -> None:
    _register(engine)
    page = _page(engine, search="kiểm soát", facets=True, count_cap=3, per_page=2)
    assert (page.total, page.capped, page.more) == (3, True, True)
    assert page.facets is None  # not counted either
    assert _codes(page) == IN_ORDER[:2]
    assert page.pages == 2  # known so far: more than three documents fill two pages
    # Narrowed by a department (the count joins the index to the documents) or by a code
    # written with punctuation (a condition on the code and title), likewise.
    narrowed = _page(engine, search="kiem soat", department="VP", count_cap=2, facets=True)
    assert (narrowed.total, narrowed.capped) == (2, True)
    assert _codes(narrowed) == ["QT-04", "QT-02", "QT-01"]
    coded = _page(engine, search="qt-0", count_cap=4)
    assert (coded.total, coded.capped) == (4, True)
    assert _codes(coded) == IN_ORDER
    exact = _page(engine, search="qt-0", department="TP", count_cap=4, facets=True)
    assert (exact.total, exact.capped) == (2, False)


def test_every_page_of_a_capped_search_is_reachable(engine: Engine) -> None:
    _register(engine)
    seen: list[str] = []
    for number in (1, 2, 3):
        page = _page(engine, search="kiem", count_cap=1, per_page=2, page=number)
        assert page.capped
        assert page.more == (number < 3)
        assert page.pages == number + int(page.more)
        seen += _codes(page)
    assert seen == IN_ORDER
    beyond = _page(engine, search="kiem", count_cap=1, per_page=2, page=4)
    assert (beyond.rows, beyond.more) == ([], False)
    backwards = _page(engine, search="kiem", count_cap=1, sort="code", descending=True)
    assert _codes(backwards) == ["QT-05", "QT-04", "QT-03", "QT-02", "QT-01"]


def test_staff_and_the_register_without_words_are_counted_exactly(engine: Engine) -> None:
    _register(engine)
    effective_document(engine, "HD-01")
    effective_document(engine, "HD-02")
    staff = _page(engine, "lan", search="kiem soat", count_cap=1, facets=True)
    assert (staff.total, staff.capped, _codes(staff)) == (1, True, ["HD-01", "HD-02"])
    everything = _page(engine, count_cap=1, facets=True)
    assert (everything.total, everything.capped) == (8, False)
    assert everything.facets is not None
