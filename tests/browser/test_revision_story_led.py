"""The whole revision story with nobody looking for work: each person is led to the next
step by the bell or the home page; an approval for a later date takes effect when
``qms jobs run`` passes that date; the staff on the distribution find the new issue to
read, and the coordinator sees who has not read it yet."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from qms.db import make_engine
from qms.services.documents import distribution
from tests.browser.conftest import Person
from tests.helpers import act, new_draft
from tests.pinned_clock import NOW
from tests.seed import PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TAKES_EFFECT = NOW + timedelta(days=3)  # Monday 7 December


def jobs_run(database_url: str) -> str:
    """``qms jobs run`` as cron would start it, its clock at the day the issue takes effect."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("QMS_", "PYTHON"))}
    done = subprocess.run(
        [sys.executable, "-m", "qms", "jobs", "run", "--as", "thu"],
        env={
            **kept,
            "PYTHONPATH": str(ROOT),
            "QMS_DATABASE_URL": database_url,
            "QMS_LANGUAGE": "en",
            "QMS_NOW": TAKES_EFFECT.isoformat(),
        },
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_each_person_is_led_to_the_next_step(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'browser.db'}"  # the server's database
    engine = make_engine(database_url)
    try:
        new_draft(engine, "QT-05", title="Quy trình tiếp nhận hồ sơ")
        act(engine, distribution.add_to_distribution, "thu", code="QT-05", department="MC")
    finally:
        engine.dispose()

    # The drafter finds her draft on her home page and submits it.
    thu = Person(browser, live_server, "thu", PASSWORD)
    thu.page.locator("#inbox-drafts a", has_text="QT-05").click()
    submit = thu.page.locator("#submit")
    submit.get_by_label("Người xem xét").select_option("hung")
    submit.get_by_label("Mật khẩu của bạn (ký soạn thảo)").fill(PASSWORD)
    submit.get_by_role("button", name="Ký và trình").click()
    expect(thu.page.locator(".flash")).to_contain_text("Đã trình xem xét.")
    thu.page.goto("/")
    expect(thu.page.locator("#inbox-waiting")).to_contain_text(
        "chờ Phạm Văn Hùng xem xét từ 04/12/2026"
    )

    # The reviewer is led by the bell to the draft and accepts it.
    hung = Person(browser, live_server, "hung", PASSWORD)
    hung.page.locator("header .bell").click()
    hung.page.get_by_role("button", name="Lê Thị Minh Thư đã trình QT-05 lần ban hành 1").click()
    hung.page.wait_for_url(live_server + "/documents/QT-05")
    review = hung.page.locator("#review")
    review.get_by_label("Mật khẩu của bạn (cần khi chấp thuận: để ký xem xét)").fill(PASSWORD)
    review.get_by_role("button", name="Chấp thuận và ký").click()
    expect(hung.page.locator(".flash")).to_contain_text("Đã ghi nhận xem xét: chấp thuận.")

    # The approver is led the same way and approves it for a later date.
    hai = Person(browser, live_server, "hai", PASSWORD)
    hai.page.locator("header .bell").click()
    hai.page.get_by_role("button", name="Phạm Văn Hùng đã xem xét QT-05 lần ban hành 1").click()
    hai.page.wait_for_url(live_server + "/documents/QT-05")
    hai.page.get_by_label("Ngày hiệu lực").fill(TAKES_EFFECT.date().isoformat())
    hai.page.get_by_label("Mật khẩu của bạn (ký phê duyệt)").fill(PASSWORD)
    hai.page.get_by_role("button", name="Phê duyệt và ký").click()
    expect(hai.page.locator(".flash")).to_contain_text("Đã phê duyệt và ký.")

    # The drafter is told when it takes effect; nobody publishes it by hand.
    thu.page.goto("/notices")
    expect(thu.page.locator(".notices")).to_contain_text(
        "Trần Thanh Hải đã phê duyệt QT-05 lần ban hành 1 (Quy trình tiếp nhận hồ sơ); "
        "có hiệu lực từ ngày 07/12/2026"
    )
    assert "QT-05 issue 1 is now effective" in jobs_run(database_url)

    # Staff on the distribution find it to read, and acknowledge it.
    lan = Person(browser, live_server, "lan", PASSWORD)
    expect(lan.page.locator("#inbox-acknowledge")).to_contain_text("QT-05")
    lan.page.locator("header .bell").click()
    lan.page.get_by_role("button", name="Ban hành mới cần đọc: QT-05 lần ban hành 1").click()
    lan.page.wait_for_url(live_server + "/documents/QT-05")
    lan.page.get_by_role("button", name="Tôi đã đọc lần ban hành này").click()
    expect(lan.page.locator(".flash")).to_contain_text("Cảm ơn: đã ghi nhận bạn đã đọc.")

    # The coordinator sees who has read it and who has not.
    nam = Person(browser, live_server, "nam", PASSWORD)
    nam.page.goto("/documents/QT-05")
    nam.page.get_by_role("link", name="Phân phối và người đọc").click()
    expect(nam.page.locator(".readers .summary")).to_contain_text(
        "Lần ban hành 1: 1/2 người đã đọc"
    )
    expect(nam.page.locator("tr.unread")).to_contain_text("Trịnh Văn An")
    expect(nam.page.locator("tr.read")).to_contain_text("Nguyễn Thị Lan")
    for person in (thu, hung, hai, lan, nam):
        person.close()
