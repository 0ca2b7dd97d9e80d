"""Numbers and targets as their reader writes them, on every printed page."""

from __future__ import annotations

SIGNS = {"at_least": "≥", "at_most": "≤"}


def figure(value: float, language: str) -> str:
    """A number as its reader writes it: 98,5 in Vietnamese, 98.5 in English."""
    text = f"{value:g}"
    return text.replace(".", ",") if language == "vi" else text


def target_text(direction: str, target: float, unit: str, language: str) -> str:
    """A target with its direction and unit: ``≥ 98 %``."""
    return f"{SIGNS.get(direction, '')} {figure(target, language)} {unit}".strip()
