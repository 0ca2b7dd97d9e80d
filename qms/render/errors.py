"""Errors raised by the render layer."""

from __future__ import annotations

from qms.errors import QMSError


class RenderError(QMSError):
    """A PDF could not be produced (missing asset or font, bad input, worker failure)."""

    exit_code = 9
    http_status = 500


class RenderLimitError(RenderError):
    """The input or the render exceeded a size, nesting, time or memory limit."""

    http_status = 422
