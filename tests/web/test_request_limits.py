"""Request bodies are bounded while they arrive: small for forms and JSON, larger on the
two routes that carry audit evidence. Refused requests say why and change nothing."""

from collections.abc import Callable, Iterator

from sqlalchemy.engine import Engine

from qms.web.limits import MAX_EVIDENCE_REQUEST_BYTES, MAX_REQUEST_BYTES
from tests.helpers import snapshot
from tests.web.client import WebClient
from tests.web.records_setup import plan_and_start

Login = Callable[[str], WebClient]


def test_a_form_over_the_limit_is_refused_before_parsing(
    web_engine: Engine, as_user: Login
) -> None:
    thu = as_user("thu")
    before = snapshot(web_engine)
    refused = thu.form(
        "/new-document",
        {
            "code": "QT-50",
            "title": "Quy trình quá dài",
            "doc_type": "procedure",
            "department": "VP",
            "body": "x" * (MAX_REQUEST_BYTES + 1),
        },
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert "Yêu cầu quá lớn: mỗi lần gửi tối đa 2 MB." in refused.text
    assert snapshot(web_engine) == before
    assert thu.get("/documents/QT-50").status_code == 404


def test_json_over_the_limit_gets_a_json_error(web_engine: Engine, as_user: Login) -> None:
    thu = as_user("thu")
    before = snapshot(web_engine)
    refused = thu.api(
        "/api/documents",
        {"code": "QT-51", "title": "x", "body": "y" * (MAX_REQUEST_BYTES + 1)},
    )
    assert refused.status_code == 413
    assert refused.json()["error"] == {
        "status": 413,
        "message": "Yêu cầu quá lớn: mỗi lần gửi tối đa 2 MB.",
    }
    assert snapshot(web_engine) == before


def test_evidence_routes_take_larger_uploads_up_to_their_own_limit(
    web_engine: Engine, as_user: Login
) -> None:
    binh = as_user("binh")
    ref = plan_and_start(web_engine, binh)
    photo = b"\xff\xd8" + b"p" * (3 * 1024 * 1024)  # over the form limit, under the cap
    accepted = binh.post(
        f"/audits/{ref}/items/1",
        data={"result": "OBS", "evidence": "Ảnh chụp sổ theo dõi", "csrf_token": binh.csrf()},
        files={"attachments": ("so.jpg", photo, "image/jpeg")},
    )
    assert accepted.status_code == 303, accepted.text
    binh.choose_language("en")
    before = snapshot(web_engine)
    too_much = [
        ("attachments", (f"anh-{n}.jpg", photo * 2, "image/jpeg"))
        for n in range(MAX_EVIDENCE_REQUEST_BYTES // len(photo * 2) + 1)
    ]
    refused = binh.post(
        f"/audits/{ref}/items/2",
        data={"result": "C", "evidence": "Đủ", "csrf_token": binh.csrf()},
        files=too_much,
    )
    assert refused.status_code == 413
    assert "The request is too large: at most 32 MB at a time." in refused.text
    assert snapshot(web_engine) == before


def test_a_body_without_a_declared_length_is_counted(web_engine: Engine, as_user: Login) -> None:
    thu = as_user("thu")
    token = thu.csrf()
    before = snapshot(web_engine)

    def chunks() -> Iterator[bytes]:
        yield f"csrf_token={token}&code=QT-52&doc_type=procedure&department=VP&body=".encode()
        for _ in range(MAX_REQUEST_BYTES // 65536 + 1):
            yield b"x" * 65536

    refused = thu.post(
        "/new-document",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert refused.status_code == 413
    assert "content-length" not in {k.lower() for k in refused.request.headers}
    assert snapshot(web_engine) == before
