"""The coordinator's page of a document's distribution and readers: the list changed from
the page, who has read the effective issue by department, reminders; late readers see it
on their home page."""

from datetime import timedelta

from sqlalchemy.engine import Engine

from qms import clock
from tests.helpers import new_draft, snapshot, to_effective
from tests.pinned_clock import NOW


def test_a_coordinator_changes_the_list_sees_readers_and_reminds_them(
    web_engine: Engine,
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    new_draft(web_engine, "QT-01")
    thu = as_user("thu")
    assert 'href="/documents/QT-01/readers"' in thu.get("/documents/QT-01").text
    page = thu.get("/documents/QT-01/readers")
    assert page.status_code == 200
    assert 'class="empty"' in page.text.split('<section class="readers">')[1]  # none in force

    added = thu.form("/documents/QT-01/distribution", {"kind": "department", "name": "MC"})
    assert added.status_code == 303
    assert added.headers["location"] == "/documents/QT-01/readers"
    thu.form("/documents/QT-01/distribution", {"kind": "user", "name": "mai"})
    to_effective(web_engine, "QT-01")
    as_user("lan").form("/documents/QT-01/acknowledge")

    page = thu.get("/documents/QT-01/readers").text
    assert '<li class="line-department">' in page
    assert '<li class="line-user">' in page
    assert page.count('<tr class="unread">') == 2
    assert page.count('<tr class="read">') == 1
    assert "<h3>MC</h3>" in page
    assert "<h3>TP</h3>" in page

    assert thu.form("/documents/QT-01/remind").status_code == 303
    assert (
        "Đề nghị đọc và xác nhận đã đọc QT-01 lần ban hành 1" in as_user("mai").get("/notices").text
    )

    removed = thu.form(
        "/documents/QT-01/distribution", {"kind": "user", "name": "mai", "action": "remove"}
    )
    assert removed.status_code == 303
    assert '<li class="line-user">' not in thu.get("/documents/QT-01/readers").text


def test_refusals_leave_the_list_unchanged(web_engine: Engine, as_user) -> None:  # type: ignore[no-untyped-def]
    new_draft(web_engine, "QT-02")
    thu, lan = as_user("thu"), as_user("lan")  # signed in before the snapshot
    before = snapshot(web_engine, skip=("web_session", "login_attempt"))
    assert lan.get("/documents/QT-02/readers").status_code == 403
    assert (
        lan.form("/documents/QT-02/distribution", {"kind": "role", "name": "staff"}).status_code
        == 403
    )
    bad = thu.form("/documents/QT-02/distribution", {"kind": "group", "name": "x"})
    assert bad.status_code == 422
    assert "hãy nêu một đơn vị, một vai trò hoặc một người" in bad.text
    unknown = thu.form("/documents/QT-02/distribution", {"kind": "role", "name": "chief"})
    assert unknown.status_code == 422
    purge = {"kind": "role", "name": "auditor", "action": "purge"}
    assert thu.form("/documents/QT-02/distribution", purge).status_code == 422
    assert thu.form("/documents/QT-02/remind").status_code == 404  # nothing in force
    assert snapshot(web_engine, skip=("web_session", "login_attempt")) == before


def test_late_readers_see_the_issue_on_their_home_page(web_engine: Engine, as_user) -> None:  # type: ignore[no-untyped-def]
    new_draft(web_engine, "QT-03")
    to_effective(web_engine, "QT-03")
    with clock.pinned(NOW + timedelta(days=17)):
        home = as_user("hung").get("/").text
    late = home.split('id="inbox-read_overdue"')[1].split("</section>")[0]
    assert "Lần ban hành đã quá hạn xác nhận đã đọc" in late
    assert 'href="/documents/QT-03?issue=1"' in late
