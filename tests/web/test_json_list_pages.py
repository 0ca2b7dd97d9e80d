"""The JSON API's corrective-action register and audit checklist a page at a time: the
rows of the page asked for, how many match (``X-Total-Count``) and where the next page is
(``Link``), on both databases."""

from collections.abc import Callable

from sqlalchemy.engine import Engine

from tests.services import capa_setup as cs
from tests.web.client import WebClient

Login = Callable[[str], WebClient]


def test_the_register_comes_a_page_at_a_time(web_engine: Engine, as_user: Login) -> None:
    refs = [cs.open_complaint(web_engine, department=d) for d in ("MC", "TP", "MC")]
    thu = as_user("thu")

    first = thu.get("/api/capa", params={"per_page": 2})
    assert [row["ref"] for row in first.json()] == refs[:2]
    assert first.headers["X-Total-Count"] == "3"
    assert 'page=2&per_page=2>; rel="next"' in first.headers["Link"]
    second = thu.get("/api/capa", params={"page": 2, "per_page": 2})
    assert [row["ref"] for row in second.json()] == refs[2:]
    assert second.headers["X-Total-Count"] == "3"
    assert second.headers["Link"].endswith('page=2&per_page=2>; rel="last"')
    assert 'rel="next"' not in second.headers["Link"]

    mc = thu.get("/api/capa", params={"department": "MC", "page": 2, "per_page": 1})
    assert ([row["ref"] for row in mc.json()], mc.headers["X-Total-Count"]) == ([refs[2]], "2")
    beyond = thu.get("/api/capa", params={"page": 3, "per_page": 2})
    assert (beyond.json(), beyond.headers["X-Total-Count"]) == ([], "3")
    for bad in ({"per_page": 0}, {"per_page": 201}, {"page": 0}, {"page": "2.0"}):
        assert thu.get("/api/capa", params=bad).status_code == 422, bad


def test_the_checklist_comes_a_page_at_a_time(web_engine: Engine, as_user: Login) -> None:
    ref = cs.audit_with_findings(web_engine)  # items 1 and 2 graded as nonconformities
    binh = as_user("binh")
    path = f"/api/audits/{ref}/checklist"
    whole = binh.get(path, params={"per_page": 200}).json()
    assert len(whole) > 4

    second = binh.get(path, params={"page": 2, "per_page": 2})
    assert second.json() == whole[2:4]
    assert second.headers["X-Total-Count"] == str(len(whole))
    assert 'page=3&per_page=2>; rel="next"' in second.headers["Link"]
    todo = binh.get(path, params={"show": "unanswered", "per_page": 200})
    assert todo.json() == whole[2:]
    assert todo.headers["X-Total-Count"] == str(len(whole) - 2)
    failed = binh.get(path, params={"show": "nonconforming", "page": 2, "per_page": 1})
    assert (failed.json(), failed.headers["X-Total-Count"]) == ([whole[1]], "2")
    assert binh.get(path, params={"show": "everything"}).status_code == 422
