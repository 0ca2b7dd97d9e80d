"""Markdown as the PDF renderer accepts it, checked the same way wherever text comes in:
when a body is saved or submitted, when audit conclusions are written, and before a PDF
is rendered. A refusal is invalid input (exit code 2) stating the real figure and the cap.
"""

from __future__ import annotations

from collections.abc import Mapping

from qms.errors import Text
from qms.render import markdown
from qms.render.errors import InputLimitError, RenderInputError
from qms.render.limits import DEFAULT_LIMITS, InputLimits


def checked_body(
    text: str,
    *,
    images: Mapping[str, bytes] | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> markdown.SafeBody:
    """A document body converted, within ``limits`` and showing only ``images`` (sha256
    hex -> bytes)."""
    images = images or {}
    check_images(images, limits)
    body = markdown.convert(text, limits=limits)
    missing = sorted(body.image_refs - set(images))
    if missing:
        raise RenderInputError(
            "the body shows image blob:{ref} that was not supplied", ref=missing[0]
        )
    return body


def checked_record_text(
    text: str, what: Text, *, limits: InputLimits = DEFAULT_LIMITS
) -> markdown.SafeBody:
    """A record's Markdown (audit conclusions) converted, within ``limits``; records
    carry no images, so none may be shown."""
    body = markdown.convert(text, limits=limits)
    if body.image_refs:
        raise RenderInputError(
            "the {what} show image blob:{ref}; records cannot include images",
            what=what,
            ref=sorted(body.image_refs)[0],
        )
    return body


def check_images(images: Mapping[str, bytes], limits: InputLimits) -> None:
    total = sum(len(data) for data in images.values())
    if total > limits.max_image_bytes:
        raise InputLimitError(
            "images total {size:.1f} MB; the limit is {limit:.1f} MB",
            size=total / 1_000_000,
            limit=limits.max_image_bytes / 1_000_000,
        )
