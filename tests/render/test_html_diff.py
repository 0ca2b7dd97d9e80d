"""Comparing two bodies passage by passage on their sanitised HTML."""

from qms.render.html_diff import Folded, Shown, anchor, blocks, changes_only, compare
from qms.render.markdown import markdown_to_safe_html as html


def test_passages_are_headings_paragraphs_items_and_tables() -> None:
    body = "# Tiêu đề\n\nĐoạn.\n\n- a\n  - b\n- c\n\n| x | y |\n|---|---|\n| 1 | 2 |\n"
    found = [(b.tag, b.text) for b in blocks(html(body))]
    assert found == [
        ("h1", "Tiêu đề"),
        ("p", "Đoạn."),
        ("li", "a"),
        ("li", "b"),
        ("li", "c"),
        ("table", "x | y\n1 | 2"),
    ]


def test_a_changed_word_is_marked_inside_its_formatting() -> None:
    [passage] = compare(html("Nộp **bản chính** hồ sơ."), html("Nộp **bản sao** hồ sơ."))
    assert passage.op == "replace"
    assert passage.old == "<p>Nộp <strong>bản <del>chính</del></strong> hồ sơ.</p>"
    assert passage.new == "<p>Nộp <strong>bản <ins>sao</ins></strong> hồ sơ.</p>"


def test_tables_are_compared_row_by_row_and_cell_by_cell() -> None:
    old = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    new = "| a | b |\n|---|---|\n| 1 | 3 |\n| 4 | 5 |\n"
    [passage] = compare(html(old), html(new))
    assert passage.new is not None
    assert '<tr class="changed"><td>1</td><td><ins>3</ins></td></tr>' in passage.new
    assert '<tr class="inserted"><td><ins>4</ins></td><td><ins>5</ins></td></tr>' in passage.new
    assert passage.old is not None
    assert '<tr class="changed"><td>1</td><td><del>2</del></td></tr>' in passage.old


def test_inserted_and_deleted_passages_and_escaping() -> None:
    passages = compare(html("Một.\n\nHai.\n"), html("Một.\n\nBa &lt;b&gt;.\n\nHai.\n"))
    assert [p.op for p in passages] == ["equal", "insert", "equal"]
    assert passages[1].new == "<p><ins>Ba &lt;b&gt;.</ins></p>"
    assert passages[1].old is None


def test_anchors_follow_the_words_of_a_passage() -> None:
    first, second = blocks(html("Một.\n\nHai.\n")), blocks(html("Một.\n\nHai!\n"))
    assert anchor(0, first[0]) == anchor(0, second[0])
    assert anchor(1, first[1]) != anchor(1, second[1])


def test_unchanged_passages_are_folded_around_changes() -> None:
    old = "".join(f"Đoạn {n}.\n\n" for n in range(10))
    new = old.replace("Đoạn 5.", "Đoạn năm.")
    items = changes_only(compare(html(old), html(new)))
    assert [type(i).__name__ for i in items] == ["Folded", "Shown", "Shown", "Shown", "Folded"]
    first, *_, last = items
    assert isinstance(first, Folded)
    assert len(first.passages) == 4
    assert isinstance(last, Folded)
    assert len(last.passages) == 3
    changed = items[2]
    assert isinstance(changed, Shown)
    assert changed.change == 1
