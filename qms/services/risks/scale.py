"""The organisation's risk scale: likelihood and impact from 1 to a configurable top
(5 x 5 by default), and the scores (likelihood x impact) from which a risk is of medium
or high level."""

from dataclasses import dataclass

from sqlmodel import Session

from qms.errors import ValidationError
from qms.services.people import organisation

SETTING = "risk.scale"
DEFAULT = "5x5:5,12"
LOW, MEDIUM, HIGH = "low", "medium", "high"


@dataclass(frozen=True)
class Scale:
    likelihood_top: int
    impact_top: int
    medium_from: int
    high_from: int

    def level(self, likelihood: int, impact: int) -> str:
        score = likelihood * impact
        if score >= self.high_from:
            return HIGH
        return MEDIUM if score >= self.medium_from else LOW

    def text(self) -> str:
        return f"{self.likelihood_top}x{self.impact_top}:{self.medium_from},{self.high_from}"


def parse(text: str) -> Scale:
    """``LxI:M,H``: likelihood and impact from 1 to L and I; a score (likelihood x impact)
    of M or more is medium, of H or more high."""
    try:
        size, thresholds = text.strip().split(":")
        tops = [int(part) for part in size.split("x")]
        bounds = [int(part) for part in thresholds.split(",")]
        if len(tops) != 2 or len(bounds) != 2:
            raise ValueError(text)
        scale = Scale(tops[0], tops[1], bounds[0], bounds[1])
    except (ValueError, IndexError):
        raise ValidationError(
            "a risk scale is written LxI:M,H, e.g. 5x5:5,12, not {text!r}", text=text
        ) from None
    top = scale.likelihood_top * scale.impact_top
    if not (
        2 <= scale.likelihood_top <= 10
        and 2 <= scale.impact_top <= 10
        and 1 < scale.medium_from < scale.high_from <= top
    ):
        raise ValidationError(
            "a risk scale runs from 2 to 10 on each axis, and its thresholds rise within "
            "the highest score ({text})",
            text=text,
        )
    return scale


def current(session: Session) -> Scale:
    return parse(organisation.get_setting(session, SETTING) or DEFAULT)


def check(scale: Scale, likelihood: int, impact: int) -> None:
    if not (1 <= likelihood <= scale.likelihood_top and 1 <= impact <= scale.impact_top):
        raise ValidationError(
            "likelihood runs from 1 to {lt} and impact from 1 to {it}, not {likelihood} "
            "and {impact}",
            lt=scale.likelihood_top,
            it=scale.impact_top,
            likelihood=likelihood,
            impact=impact,
        )
