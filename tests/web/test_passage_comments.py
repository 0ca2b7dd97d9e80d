"""Comments on a passage of an issue in review: made beside the passage on the review
screen, answered, kept when the issue is returned, and seen by the drafter in place on the
draft's page and in the editor; a comment whose passage the drafter changed keeps the
words it was about."""

import html
import re

from httpx import Response
from sqlalchemy.engine import Engine

from qms.services.documents import revisions
from tests.helpers import act, snapshot
from tests.web.client import WebClient
from tests.web.test_review_screen import NEW, _in_review

COMMENT = "Thời hạn 02 ngày có phù hợp với quy định của Bộ không?"


def _anchor_of(page: str, words: str) -> str:
    """The anchor of the passage of the new issue that holds ``words``."""
    new_passage = r'<div class="new" data-label="[^"]*" id="(p\d+-[0-9a-f]+)">(.*?)</div>'
    for found in re.finditer(new_passage, page, re.S):
        if words in html.unescape(found.group(2)):
            return found.group(1)
    raise AssertionError(f"no passage with {words!r}")


def _comment(client: WebClient, anchor: str, text: str = COMMENT) -> Response:
    return client.form("/documents/QT-30/comments", {"passage": anchor, "comment": text})


def test_a_reviewer_comments_beside_a_passage_and_the_drafter_answers_in_place(
    web_engine: Engine, as_user: type
) -> None:
    _in_review(web_engine)
    hung: WebClient = as_user("hung")
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    anchor = _anchor_of(page, "thức")
    made = _comment(hung, anchor)
    assert made.status_code == 303
    assert made.headers["location"] == f"/documents/QT-30?issue=2#{anchor}"
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    beside = page[page.index(f'id="{anchor}"') :]
    beside = beside[: beside.index('<div class="change-row')]
    assert COMMENT in html.unescape(beside)
    returned = {"decision": "return", "comment": "Xem góp ý ở đoạn 1"}
    assert hung.form("/documents/QT-30/review", returned).status_code == 303
    # The drafter finds it beside the passage of the draft, and answers it.
    thu: WebClient = as_user("thu")
    draft = thu.get("/documents/QT-30", params={"issue": 2}).text
    passage = re.search(rf'<div class="passage" id="{anchor}">(.*?)</aside>', draft, re.S)
    assert passage is not None
    assert COMMENT in html.unescape(passage.group(1))
    comment_id = re.search(r'id="comment-(\d+)"', passage.group(1))
    assert comment_id is not None
    answer = {"comment": "Đã đối chiếu Quyết định 01/2026, phù hợp."}
    answered = thu.form(f"/documents/QT-30/comments/{comment_id.group(1)}/reply", answer)
    assert answered.status_code == 303
    draft = thu.get("/documents/QT-30", params={"issue": 2}).text
    assert "Đã đối chiếu Quyết định 01/2026, phù hợp." in draft
    editor = thu.get("/documents/QT-30/edit").text
    notes = editor[editor.index('<section class="review-notes"') :]
    assert COMMENT in html.unescape(notes)
    assert "Đã đối chiếu Quyết định 01/2026, phù hợp." in notes


def test_a_comment_on_a_changed_passage_keeps_its_words(web_engine: Engine, as_user: type) -> None:
    _in_review(web_engine)
    hung: WebClient = as_user("hung")
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    _comment(hung, _anchor_of(page, "thức"))
    act(web_engine, revisions.review, "hung", code="QT-30", accept=False, comment="Xem góp ý")
    changed = NEW.replace("cách thức", "phương thức")
    act(web_engine, revisions.revise, "thu", code="QT-30", body=changed)
    draft = as_user("thu").get("/documents/QT-30", params={"issue": 2}).text
    moved = draft[draft.index('<section class="moved-comments">') :]
    moved = html.unescape(moved[: moved.index("</section>")])
    assert "Quy định cách thức tiếp nhận hồ sơ." in moved  # the words it was about
    assert COMMENT in moved


def test_a_refused_comment_keeps_the_text_and_changes_nothing(
    web_engine: Engine, as_user: type
) -> None:
    _in_review(web_engine)
    hung: WebClient = as_user("hung")
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    anchor = _anchor_of(page, "thức")
    staff, thu = as_user("lan"), as_user("thu")
    before = snapshot(web_engine)
    too_long = "Quá dài. " * 600
    refused = _comment(hung, anchor, too_long)
    assert refused.status_code == 422
    assert "góp ý dài tối đa 4.000 ký tự" in refused.text
    assert too_long.strip() in html.unescape(refused.text)
    unknown = _comment(hung, "p99-0000000000")
    assert unknown.status_code == 422
    assert "không có đoạn văn bản này" in unknown.text
    assert _comment(staff, anchor).status_code == 403
    assert snapshot(web_engine) == before
    assert 'class="comment-on"' in hung.get("/documents/QT-30", params={"issue": 2}).text
    # The drafter answers comments, but makes none.
    assert 'class="comment-on"' not in thu.get("/documents/QT-30", params={"issue": 2}).text


def test_the_list_of_review_comments_says_what_each_went_with_in_words(
    web_engine: Engine, as_user: type
) -> None:
    _in_review(web_engine)
    hung: WebClient = as_user("hung")
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    _comment(hung, _anchor_of(page, "thức"))
    act(web_engine, revisions.review, "hung", code="QT-30", accept=False, comment="Xem góp ý")
    draft = as_user("thu").get("/documents/QT-30", params={"issue": 2}).text
    listed = draft[draft.index('<section class="comments">') :]
    listed = listed[: listed.index("</section>")]
    assert "(trả lại để sửa, " in listed
    assert "(góp ý về đoạn văn bản, " in listed
    assert "(returned, " not in listed
    assert "(comment, " not in listed


def test_an_answer_by_someone_not_in_the_review_is_refused_and_changes_nothing(
    web_engine: Engine, as_user: type
) -> None:
    _in_review(web_engine)
    hung: WebClient = as_user("hung")
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    _comment(hung, _anchor_of(page, "thức"))
    page = hung.get("/documents/QT-30", params={"issue": 2}).text
    comment_id = re.search(r'id="comment-(\d+)"', page)
    assert comment_id is not None
    answer = f"/documents/QT-30/comments/{comment_id.group(1)}/reply"
    staff: WebClient = as_user("lan")
    before = snapshot(web_engine)
    assert staff.form(answer, {"comment": "Tôi cũng thấy vậy"}).status_code == 403
    assert hung.form(answer, {"comment": "   "}).status_code == 422
    unknown = f"/documents/QT-30/comments/{int(comment_id.group(1)) + 99}/reply"
    assert hung.form(unknown, {"comment": "Đã xem"}).status_code == 404
    assert snapshot(web_engine) == before
    assert "/reply" not in staff.get("/documents/QT-30", params={"issue": 2}).text
    assert answer in hung.get("/documents/QT-30", params={"issue": 2}).text
