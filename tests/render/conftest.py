"""Fixtures for render tests: a sample rendition and a guard against WeasyPrint warnings."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from qms.render.data import DocumentRendition

from .helpers import make_rendition


@pytest.fixture
def rendition() -> DocumentRendition:
    return make_rendition()


@dataclass
class WarningGuard:
    """Fails the test on any WeasyPrint warning unless the test allowed them."""

    records: list[logging.LogRecord] = field(default_factory=list)
    allowed: bool = False

    def allow(self) -> None:
        self.allowed = True

    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]


class _Recorder(logging.Handler):
    def __init__(self, guard: WarningGuard) -> None:
        super().__init__(level=logging.WARNING)
        self.guard = guard

    def emit(self, record: logging.LogRecord) -> None:
        self.guard.records.append(record)


@pytest.fixture(autouse=True)
def weasyprint_warnings() -> Iterator[WarningGuard]:
    guard = WarningGuard()
    handler = _Recorder(guard)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield guard
    finally:
        logger.removeHandler(handler)
    if not guard.allowed and guard.records:
        pytest.fail(f"WeasyPrint logged warnings: {guard.messages()}")
