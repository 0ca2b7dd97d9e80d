"""One-stop-desk figures on the web: a coordinator uploads a statistics or survey file and
sees the rate tables and charts; a bad file is refused whole with its row and column named
and nothing written; the same file again changes nothing; citizens' complaints are recorded
and become nonconformities."""

from collections.abc import Callable

from httpx import Response
from lxml import html
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.desk import feedback
from tests.helpers import snapshot
from tests.services import objectives_setup as obj
from tests.web.client import WebClient

SignIn = Callable[[str], WebClient]
ON_TIME_ROWS = "//table[contains(concat(' ', @class, ' '), ' on-time ')]/tbody/tr"


def _upload(client: WebClient, kind: str, name: str, data: bytes) -> Response:
    return client.post(
        "/data/import",
        data={"kind": kind, "csrf_token": client.csrf()},
        files={"file": (name, data, "text/csv")},
    )


def test_a_coordinator_uploads_statistics_and_sees_the_on_time_rates(
    web_engine: Engine, as_user: SignIn
) -> None:
    rows = [
        *obj.quarter("1.001193", late={"2026-08": 9}),
        *obj.quarter("1.011612", field="Xây dựng", dept="MC", on_time=20),
    ]
    data = obj.csv_bytes(rows)
    lan = as_user("lan")
    assert not html.fromstring(lan.get("/data").text).xpath("//form[@id='import']")
    before = snapshot(web_engine)
    assert _upload(lan, "dossiers", "thong-ke.csv", data).status_code == 403
    assert snapshot(web_engine) == before

    thu = as_user("thu")
    assert html.fromstring(thu.get("/data").text).xpath("//form[@id='import']")
    sent = _upload(thu, "dossiers", "thong-ke.csv", data)
    assert (sent.status_code, sent.headers["location"]) == (303, "/data")
    page = html.fromstring(thu.get("/data?year=2026").text)
    said = " ".join(page.xpath("//*[contains(@class, 'flash')]//text()"))
    assert "đã nhập 6 dòng từ thong-ke.csv" in said
    assert "CAR-2026-001" in said  # nine late dossiers in one month
    cells = [
        [td.text_content().strip() for td in tr.xpath("td")] for tr in page.xpath(ON_TIME_ROWS)
    ]
    assert cells == [
        ["2026-Q3", "Tư pháp - Hộ tịch", "198", "189", "180", "9", "3", "95,24 %"],
        ["2026-Q3", "Xây dựng", "99", "90", "90", "0", "3", "100 %"],
    ]
    (chart,) = page.xpath("//section[@id='on-time']//figure[@class='chart']/img/@src")
    assert chart.startswith("data:image/svg+xml;base64,")

    by_dept = html.fromstring(thu.get("/data?year=2026&by=department&frequency=monthly").text)
    groups = {tr.xpath("string(td[2])") for tr in by_dept.xpath(ON_TIME_ROWS)}
    assert groups == {"MC", "TP"}

    imported = snapshot(web_engine)
    again = _upload(thu, "dossiers", "thong-ke-lan-2.csv", data)
    assert again.status_code == 303
    said = " ".join(
        html.fromstring(thu.get("/data").text).xpath("//*[contains(@class, 'flash')]//text()")
    )
    assert "thong-ke-lan-2.csv đã được nhập trước đây" in said
    assert snapshot(web_engine) == imported


def test_a_bad_file_is_refused_whole_naming_its_row_and_column(
    web_engine: Engine, as_user: SignIn
) -> None:
    rows = obj.quarter("1.001193")
    rows[1][8] = -2  # late dossiers of the second row
    thu = as_user("thu")
    before = snapshot(web_engine)
    refused = _upload(thu, "dossiers", "thong-ke.csv", obj.csv_bytes(rows))
    assert refused.status_code == 422
    page = html.fromstring(refused.text)
    message = page.xpath("string(//form[@id='import']//div[@class='form-error'])")
    assert "thong-ke.csv, dòng 3, cột Trễ hạn: số liệu -2 là số âm" in message
    assert page.xpath("//form[@id='import']//option[@selected]/@value") == ["dossiers"]
    assert snapshot(web_engine) == before

    nothing = thu.post("/data/import", data={"kind": "dossiers", "csrf_token": thu.csrf()})
    assert nothing.status_code == 422
    assert "hãy chọn tệp cần nhập" in nothing.text


def test_a_survey_upload_gives_the_satisfaction_rate_per_field_and_quarter(
    web_engine: Engine, as_user: SignIn
) -> None:
    survey = obj.csv_bytes(
        [
            ["2026-Q3", "Tư pháp - Hộ tịch", "Câu 1", 30, 15, 4, 1],
            ["2026-Q3", "Xây dựng", "Câu 1", 10, 5, 3, 2],
        ],
        headers=obj.SURVEY_HEADERS,
    )
    thu = as_user("thu")
    assert _upload(thu, "satisfaction", "khao-sat.csv", survey).status_code == 303
    page = html.fromstring(thu.get("/data?year=2026").text)
    rows = page.xpath("//table[contains(@class, 'satisfaction')]/tbody/tr")
    cells = [[td.text_content().strip() for td in tr.xpath("td")] for tr in rows]
    assert cells == [
        ["2026-Q3", "Tư pháp - Hộ tịch", "50", "45", "90 %"],
        ["2026-Q3", "Xây dựng", "20", "15", "75 %"],
    ]
    assert page.xpath("//section[@id='satisfaction']//figure[@class='chart']/img")


def test_a_complaint_is_recorded_kept_when_refused_and_becomes_a_nonconformity(
    web_engine: Engine, as_user: SignIn
) -> None:
    lan = as_user("lan")
    typed = {
        "kind": "complaint",
        "received": "2027-01-02",
        "department": "MC",
        "summary": "Phải đi lại 3 lần để bổ sung hồ sơ",
        "channel": "Hòm thư góp ý",
        "field": "Xây dựng",
    }
    future = lan.form("/data/feedback", typed)
    assert future.status_code == 422
    form = html.fromstring(future.text).xpath("//form[@id='feedback-form']")[0]
    assert "trong tương lai" in form.xpath("string(.//div[@class='form-error'])")
    assert form.xpath("string(.//textarea[@name='summary'])") == typed["summary"]
    assert form.xpath(".//input[@name='channel']/@value") == ["Hòm thư góp ý"]
    assert form.xpath(".//select[@name='department']/option[@selected]/@value") == ["MC"]
    not_a_date = lan.form("/data/feedback", {**typed, "received": "12/10"})
    assert not_a_date.status_code == 422
    assert html.fromstring(not_a_date.text).xpath("//input[@name='received']/@aria-invalid") == [
        "true"
    ]
    with read_session(web_engine) as session:
        assert feedback.list_feedback(session, year=2026) == []

    recorded = lan.form("/data/feedback", {**typed, "received": "2026-10-12"})
    assert recorded.status_code == 303
    page = html.fromstring(lan.get("/data?year=2026").text)
    (row,) = page.xpath("//table[contains(@class, 'feedback')]/tbody/tr[@id='PA-2026-001']")
    assert "Phải đi lại 3 lần" in row.text_content()
    assert not row.xpath(".//form")  # staff do not open nonconformities from it
    assert lan.form("/data/feedback/PA-2026-001/nonconformity").status_code == 403

    thu = as_user("thu")
    (form,) = html.fromstring(thu.get("/data?year=2026").text).xpath(
        "//tr[@id='PA-2026-001']//form"
    )
    opened = thu.form(form.get("action"))
    assert (opened.status_code, opened.headers["location"]) == (303, "/capa/CAR-2026-001")
    page = html.fromstring(thu.get("/data?year=2026").text)
    assert page.xpath("//tr[@id='PA-2026-001']//a/text()") == ["CAR-2026-001"]
