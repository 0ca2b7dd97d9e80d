"""The stylesheet and scripts: linked under a URL with their content's hash, kept by the
browser for a year under it, sent gzip-compressed to a browser that accepts it, and
asked again (ETag, 304) under any other URL. Pages stay no-store."""

import re
from pathlib import Path

from qms.web.static_files import STATIC_DIR, StaticAssets
from tests.web.client import WebClient

YEAR = "public, max-age=31536000, immutable"


def _linked(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_versioned_files_kept_a_year_and_sent_compressed(
    anonymous: WebClient, as_user: object
) -> None:
    lan = as_user("lan")  # type: ignore[operator]
    page = lan.get("/")
    assert "no-store" in page.headers["cache-control"]
    linked = sorted(_linked(page.text))
    assert [url.split("?")[0] for url in linked] == [
        "/static/htmx.min.js",
        "/static/qms.css",
        "/static/qms.js",
    ]
    assert sorted(_linked(anonymous.get("/login").text)) == linked
    for url in linked:
        assert re.fullmatch(r"/static/[\w.]+\?v=[0-9a-f]{16}", url), url
        on_disk = (STATIC_DIR / url.split("?")[0].removeprefix("/static/")).read_bytes()
        response = anonymous.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["cache-control"] == YEAR
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["vary"] == "Accept-Encoding"
        assert int(response.headers["content-length"]) < len(on_disk) / 2
        assert response.content == on_disk  # the client undid the gzip
        signed_in = lan.get(url)
        assert signed_in.headers["cache-control"] == YEAR, "a signed-in request keeps it too"
    # A client without gzip gets the file as it is.
    on_disk = (STATIC_DIR / "qms.css").read_bytes()
    for refusal in ("identity", "gzip;q=0", "br"):
        response = anonymous.get(linked[1], headers={"Accept-Encoding": refusal})
        assert "content-encoding" not in response.headers, refusal
        assert response.headers["content-length"] == str(len(on_disk))
        assert response.content == on_disk
        assert response.headers["content-type"] == "text/css; charset=utf-8"
        assert response.headers["cache-control"] == YEAR


def test_an_unversioned_or_old_url_is_revalidated_with_its_etag(anonymous: WebClient) -> None:
    for url in ("/static/qms.js", "/static/qms.js?v=0000000000000000"):
        response = anonymous.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-cache", url
        etag = response.headers["etag"]
        again = anonymous.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
    # Unknown files and other methods are refused.
    for url in ("/static/nothing.css", "/static/../app.py", "/static/sub/qms.css"):
        assert anonymous.get(url).status_code == 404, url
    posted = anonymous.post("/static/qms.css")
    assert posted.status_code == 405
    assert posted.headers["allow"] == "GET, HEAD"
    head = anonymous.head("/static/qms.css")
    assert head.status_code == 200
    assert head.content == b""


def test_a_changed_file_gets_a_new_url(tmp_path: Path) -> None:
    style = tmp_path / "site.css"
    style.write_text("body { color: black; }\n" * 40)
    before = StaticAssets(tmp_path).url("site.css")
    style.write_text("body { color: navy; }\n" * 40)
    after = StaticAssets(tmp_path).url("site.css")
    assert before.split("?v=")[0] == after.split("?v=")[0] == "/static/site.css"
    assert before != after
