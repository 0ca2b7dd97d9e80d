from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from qms.cli import cli
from tests.seed import PASSWORD

Invoke = Callable[..., Result]


@pytest.fixture
def qms(db_url: str) -> Invoke:
    """Run ``qms ARGS`` against the test database, as a user at a terminal would."""

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            cli,
            list(args),
            input=input,
            env={"QMS_DATABASE_URL": db_url, "QMS_USER": None, **(env or {})},
            catch_exceptions=False,
        )

    return invoke


@pytest.fixture
def password() -> str:
    return PASSWORD + "\n"
