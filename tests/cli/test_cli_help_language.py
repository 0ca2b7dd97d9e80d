"""QMS_LANGUAGE=vi: the help of every command reads in Vietnamese, every sentence of it;
examples and option names stay as typed. English help is unchanged."""

import inspect

import click
import pytest
from click.testing import CliRunner

from qms.cli import cli
from tests.cli.test_cli import all_commands

PATHS = [(), *all_commands(cli)]


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        found = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
        assert found is not None
        command = found
    return command


def _english_sentences(command: click.Command) -> list[str]:
    """The command's own English words: its help paragraphs (the headings of examples, not
    the example commands) and the help of its options."""
    sentences = []
    for paragraph in inspect.cleandoc(command.help or "").split("\n\n"):
        lines = paragraph.strip("\n").splitlines()
        if lines and lines[0] == "\b":
            sentences += [line for line in lines[1:] if line and not line[0].isspace()]
        elif lines:
            sentences.append(" ".join(line.strip() for line in lines))
    return sentences + [p.help for p in command.params if getattr(p, "help", None)]


def _help(path: tuple[str, ...], language: str) -> str:
    result = CliRunner().invoke(
        cli,
        [*path, "--help"],
        env={"QMS_LANGUAGE": language},
        catch_exceptions=False,
        prog_name="qms",
    )
    assert result.exit_code == 0
    return result.stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(("qms", *path)))
def test_help_has_no_english_sentence_in_vietnamese(path: tuple[str, ...]) -> None:
    english, vietnamese = _help(path, "en"), _flat(_help(path, "vi"))
    sentences = _english_sentences(_command(path))
    assert sentences
    assert [s for s in sentences if _flat(s) in vietnamese] == []
    for words in ("Usage:", "Options:", "Show this message and exit.", "[default:", "required]"):
        assert words not in vietnamese
    assert vietnamese.startswith("Cách dùng: qms")
    assert "Tùy chọn:" in vietnamese
    if isinstance(_command(path), click.Group):
        assert "Lệnh:" in vietnamese
        assert "Commands:" not in vietnamese
    # what is typed stays as typed: the usage line's arguments and the option names
    assert _flat(english.splitlines()[0]).removeprefix("Usage: ") in vietnamese
    options = [p for p in _command(path).params if isinstance(p, click.Option)]
    assert all(name in vietnamese for option in options for name in option.opts)


def test_the_root_lists_the_groups_in_vietnamese() -> None:
    vietnamese = _help((), "vi")
    assert "  doc        Tài liệu và các lần ban hành: đăng ký, sửa đổi, xem xét, phê" in vietnamese
    assert "Kiểm soát tài liệu theo ISO 9001" in vietnamese
    assert "QMS_LANGUAGE=vi" in vietnamese


def test_english_help_is_click_s_own() -> None:
    revise = _help(("doc", "revise"), "en")
    assert revise.startswith("Usage: qms doc revise [OPTIONS] CODE\n\n  Start the next issue")
    assert "  --as USERNAME       Acting user (or set QMS_USER).  [required]\n" in revise
    assert "  -h, --help          Show this message and exit.\n" in revise
    listing = _help(("doc", "list"), "en")
    assert "Output format; json is for scripts. [default: text]" in _flat(listing)


def test_a_wrong_language_leaves_the_help_in_english() -> None:
    result = CliRunner().invoke(cli, ["--help"], env={"QMS_LANGUAGE": "fr"}, prog_name="qms")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: qms [OPTIONS] COMMAND [ARGS]...")
