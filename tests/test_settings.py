"""Session lifetimes and the bound on password hashing come from the environment, with
defaults; a wrong value is refused with one message naming the variable."""

import pytest
from click.testing import CliRunner

from qms.cli import cli
from qms.errors import ValidationError
from qms.settings import get_settings

VARIABLES = (
    "QMS_SESSION_IDLE_MINUTES",
    "QMS_SESSION_MAX_HOURS",
    "QMS_MAX_CONCURRENT_HASHES",
    "QMS_DATABASE_POOL_SIZE",
    "QMS_SIGNING_MAX_FAILURES",
    "QMS_SIGNING_WINDOW_MINUTES",
)


@pytest.fixture(autouse=True)
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def test_defaults() -> None:
    settings = get_settings()
    assert (
        settings.session_idle_minutes,
        settings.session_max_hours,
        settings.max_concurrent_hashes,
    ) == (30, 8, 2)


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_SESSION_IDLE_MINUTES", " 15 ")
    monkeypatch.setenv("QMS_SESSION_MAX_HOURS", "12")
    monkeypatch.setenv("QMS_MAX_CONCURRENT_HASHES", "4")
    settings = get_settings()
    assert (
        settings.session_idle_minutes,
        settings.session_max_hours,
        settings.max_concurrent_hashes,
    ) == (15, 12, 4)


def test_signing_lock_out_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_SIGNING_MAX_FAILURES", "3")
    monkeypatch.setenv("QMS_SIGNING_WINDOW_MINUTES", "60")
    settings = get_settings()
    assert (settings.signing_max_failures, settings.signing_window_minutes) == (3, 60)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("QMS_SESSION_IDLE_MINUTES", "0", "from 1 to 480, not '0'"),
        ("QMS_SESSION_IDLE_MINUTES", "half an hour", "from 1 to 480, not 'half an hour'"),
        ("QMS_SESSION_IDLE_MINUTES", "600", "from 1 to 480, not '600'"),  # over the maximum
        ("QMS_SESSION_MAX_HOURS", "1.5", "from 1 to 720, not '1.5'"),
        ("QMS_SESSION_MAX_HOURS", "-8", "from 1 to 720, not '-8'"),
        ("QMS_MAX_CONCURRENT_HASHES", "0", "from 1 to 64, not '0'"),
        ("QMS_MAX_CONCURRENT_HASHES", "２", "from 1 to 64, not '２'"),
        ("QMS_DATABASE_POOL_SIZE", "0", "from 1 to 200, not '0'"),
        ("QMS_DATABASE_POOL_SIZE", "1000", "from 1 to 200, not '1000'"),
        ("QMS_SIGNING_MAX_FAILURES", "0", "from 1 to 100, not '0'"),
        ("QMS_SIGNING_WINDOW_MINUTES", "a day", "from 1 to 1440, not 'a day'"),
    ],
)
def test_wrong_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        get_settings()
    assert str(refused.value) == f"{variable} must be a whole number {message}"


def test_the_database_pool_size(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_settings().database_pool_size == 20
    monkeypatch.setenv("QMS_DATABASE_POOL_SIZE", "8")
    assert get_settings().database_pool_size == 8


def test_the_idle_lifetime_fits_in_the_absolute_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_SESSION_MAX_HOURS", "1")
    monkeypatch.setenv("QMS_SESSION_IDLE_MINUTES", "90")
    with pytest.raises(ValidationError, match="from 1 to 60, not '90'"):
        get_settings()


def test_a_command_refuses_a_wrong_value_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_SESSION_IDLE_MINUTES", "abc")
    result = CliRunner().invoke(cli, ["user", "list"])
    assert result.exit_code == 2
    assert result.output == (
        "error: QMS_SESSION_IDLE_MINUTES must be a whole number from 1 to 480, not 'abc'\n"
    )
