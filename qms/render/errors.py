"""Errors raised by the render layer."""

from __future__ import annotations

from qms.errors import QMSError, ValidationError


class RenderError(QMSError):
    """A PDF could not be produced (missing asset or font, bad input, worker failure)."""

    exit_code = 9
    http_status = 500


class RenderLimitError(RenderError):
    """The input or the render exceeded a size, nesting, time or memory limit."""

    http_status = 422


class RenderInputError(ValidationError, RenderError):
    """The input cannot be rendered as given (it shows an image that was not supplied):
    invalid input, refused before any layout, so exit code 2 like any other."""


class InputLimitError(RenderInputError, RenderLimitError):
    """The input is over one of the caps (size, nesting, table cells, brackets, images);
    the message states its real figure and the cap. Invalid input (exit code 2), checked
    when a body is saved as well as before a render."""
