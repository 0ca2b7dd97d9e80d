"""One-line fields from a form or the API with a line break or control character: a
readable refusal naming the field (422), nothing saved."""

from collections.abc import Callable

from fastapi import FastAPI

from tests.helpers import snapshot
from tests.web.client import WebClient

REFUSAL = (
    "tên tài liệu phải nằm trên một dòng: có ký tự xuống dòng, ký tự tab hoặc ký tự điều"
    " khiển khác (U+{code})"
)


def test_a_title_with_a_line_break_is_refused_on_the_page(
    app: FastAPI, as_user: Callable[[str], WebClient]
) -> None:
    thu = as_user("thu")
    before = snapshot(app.state.engine)
    response = thu.form(
        "/new-document",
        {
            "code": "QT-40",
            "title": "Quy trình\r\nkiểm soát",
            "doc_type": "procedure",
            "department": "VP",
        },
    )
    assert response.status_code == 422
    assert REFUSAL.format(code="000D") in response.text
    assert snapshot(app.state.engine) == before


def test_a_title_with_a_paragraph_separator_is_refused_by_the_api(
    app: FastAPI, as_user: Callable[[str], WebClient]
) -> None:
    thu = as_user("thu")
    before = snapshot(app.state.engine)
    response = thu.api(
        "/api/documents",
        {"code": "QT-40", "title": "Quy trình\u2029kiểm soát", "type": "procedure",
         "department": "VP"},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json() == {"error": {"status": 422, "message": REFUSAL.format(code="2029")}}
    assert snapshot(app.state.engine) == before
