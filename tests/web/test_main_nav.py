"""The main menu: Home, then a few groups of pages. Each role keeps every page it could reach
from the menu before the pages were grouped, and nothing more; the page being shown and its
group are marked for assistive technology."""

import pytest
from fastapi import FastAPI
from lxml import html

from tests.web.client import signed_in

DOCUMENTS = "Tài liệu"
IMPROVEMENT = "Đánh giá và cải tiến"
MEASUREMENT = "Đo lường"
SYSTEM = "Hệ thống"

# username (its roles in tests/seed.py) -> the menu: top links, then each group's links.
MENUS: dict[str, dict[str, list[str]]] = {
    "admin": {  # admin
        "": ["/"],
        DOCUMENTS: ["/documents", "/portal"],
        IMPROVEMENT: ["/audits", "/capa", "/risks"],
        MEASUREMENT: ["/dashboard", "/objectives", "/data", "/reports", "/records"],
        SYSTEM: ["/admin", "/admin/mail", "/trail"],
    },
    "thu": {  # controller
        "": ["/"],
        DOCUMENTS: [
            "/documents",
            "/portal",
            "/new-document",
            "/import-documents",
            "/admin/reviews",
        ],
        IMPROVEMENT: ["/audits", "/capa", "/risks"],
        MEASUREMENT: ["/dashboard", "/objectives", "/data", "/reports", "/reviews", "/records"],
    },
    "hung": {  # reviewer
        "": ["/"],
        DOCUMENTS: ["/documents", "/portal"],
        IMPROVEMENT: ["/capa", "/risks"],
        MEASUREMENT: ["/objectives", "/data", "/reports", "/reviews", "/records"],
    },
    "hai": {  # approver
        "": ["/"],
        DOCUMENTS: ["/documents", "/portal"],
        IMPROVEMENT: ["/audits", "/capa", "/risks"],
        MEASUREMENT: ["/dashboard", "/objectives", "/data", "/reports", "/reviews", "/records"],
    },
    "binh": {  # auditor
        "": ["/"],
        DOCUMENTS: ["/documents", "/portal"],
        IMPROVEMENT: ["/audits", "/capa", "/risks"],
        MEASUREMENT: ["/objectives", "/data", "/records"],
        SYSTEM: ["/trail"],
    },
    "lan": {  # staff
        "": ["/"],
        DOCUMENTS: ["/documents", "/portal"],
        IMPROVEMENT: ["/capa/new", "/risks"],
        MEASUREMENT: ["/objectives", "/data", "/records"],
    },
}


def _menu(page: str) -> dict[str, list[str]]:
    nav = html.fromstring(page).xpath("//nav[@id='main-nav']")[0]
    menu = {"": nav.xpath("./a/@href")}
    for group in nav.xpath("./details"):
        menu[group.xpath("string(summary)")] = group.xpath("./ul/li/a/@href")
    return menu


@pytest.mark.parametrize("username", list(MENUS))
def test_each_role_reaches_the_same_pages_from_the_grouped_menu(
    app: FastAPI, username: str
) -> None:
    with signed_in(app, username) as user:
        menu = _menu(user.get("/").text)
        assert menu == MENUS[username]
        for hrefs in menu.values():
            for href in hrefs:
                assert user.get(href).status_code == 200, href


def test_the_page_shown_and_its_group_are_marked_current(app: FastAPI) -> None:
    with signed_in(app, "admin") as admin:
        for path, group, link in [
            ("/", None, "/"),
            ("/admin/mail", SYSTEM, "/admin/mail"),
            ("/admin/users", SYSTEM, "/admin"),
            ("/objectives", MEASUREMENT, "/objectives"),
            ("/account", None, None),
        ]:
            nav = html.fromstring(admin.get(path).text).xpath("//nav[@id='main-nav']")[0]
            assert nav.xpath("//summary[@aria-current='true']/text()") == ([group] if group else [])
            assert nav.xpath("//a[@aria-current='page']/@href") == ([link] if link else []), path
