"""Which column of an imported file holds which figure. The defaults are the Vietnamese
headers of the one-stop-desk system's export and of the BM-MC-01 survey; a mapping file
(YAML) names other headers, the department of each field, and the survey's scale:

    dossiers:
      columns: {received: "Số hồ sơ tiếp nhận", late: "Trễ hẹn"}
      departments: {"Tư pháp - Hộ tịch": TP}
    satisfaction:
      scale: {levels: [Rất hài lòng, Hài lòng, Bình thường, Không hài lòng],
              satisfied: [Rất hài lòng, Hài lòng]}
      questions: [Câu 1, Câu 2, Đánh giá chung]
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import yaml

from qms.errors import Joined, ValidationError
from qms.text import clean

COUNTS = ("received", "early", "on_time", "late", "pending_in_time", "pending_overdue")
DOSSIER_FIGURES = ("period", "field", "procedure_code", "procedure", "department", *COUNTS)
DOSSIER_OPTIONAL = ("procedure_code", "procedure", "department")
SURVEY_FIGURES = ("period", "field", "question", "respondent")
DEFAULTS_FILE = "desk-columns.yaml"


@cache
def _defaults() -> dict[str, Any]:
    """The shipped defaults: the one-stop-desk export's headers and form BM-MC-01."""
    path = resources.files("qms.data") / DEFAULTS_FILE
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def default_dossier_columns() -> dict[str, str]:
    return dict(_defaults()["dossiers"]["columns"])


def _default_survey() -> dict[str, Any]:
    survey: dict[str, Any] = _defaults()["satisfaction"]
    return survey


@dataclass(frozen=True)
class DossierMapping:
    columns: dict[str, str] = field(default_factory=default_dossier_columns)
    # Department code of each field, for files without a department column.
    departments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyMapping:
    columns: dict[str, str] = field(default_factory=lambda: dict(_default_survey()["columns"]))
    levels: tuple[str, ...] = field(
        default_factory=lambda: tuple(_default_survey()["scale"]["levels"])
    )
    satisfied: tuple[str, ...] = field(
        default_factory=lambda: tuple(_default_survey()["scale"]["satisfied"])
    )
    questions: tuple[str, ...] = field(
        default_factory=lambda: tuple(_default_survey()["questions"])
    )


@dataclass(frozen=True)
class ImportMapping:
    dossiers: DossierMapping = field(default_factory=DossierMapping)
    satisfaction: SurveyMapping = field(default_factory=SurveyMapping)


def key(header: str) -> str:
    """Headers match whatever their case and surrounding spaces."""
    return clean(header).casefold()


def parse(text: str, *, filename: str) -> ImportMapping:
    """A mapping file's YAML as a mapping; anything it does not name keeps its default."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ValidationError(
            "{file}: not valid YAML ({reason})", file=filename, reason=str(exc).splitlines()[0]
        ) from None
    top = _section(data, ("dossiers", "satisfaction"), filename, "")
    dossiers = _section(top.get("dossiers") or {}, ("columns", "departments"), filename, "dossiers")
    survey = _section(
        top.get("satisfaction") or {}, ("columns", "scale", "questions"), filename, "satisfaction"
    )
    dossier_columns = _strings(
        dossiers.get("columns") or {}, DOSSIER_FIGURES, filename, "dossiers.columns"
    )
    survey_columns = _strings(
        survey.get("columns") or {}, SURVEY_FIGURES, filename, "satisfaction.columns"
    )
    result = SurveyMapping()
    result = replace(result, columns={**result.columns, **survey_columns})
    scale = _section(
        survey.get("scale") or {}, ("levels", "satisfied"), filename, "satisfaction.scale"
    )
    if scale:
        levels = _list(scale.get("levels"), filename, "satisfaction.scale.levels")
        satisfied = _list(scale.get("satisfied"), filename, "satisfaction.scale.satisfied")
        if not set(map(key, satisfied)) <= set(map(key, levels)):
            raise ValidationError(
                "{file}: satisfaction.scale.satisfied names a level not in satisfaction.scale.levels",
                file=filename,
            )
        result = replace(result, levels=tuple(levels), satisfied=tuple(satisfied))
    if survey.get("questions") is not None:
        result = replace(
            result, questions=tuple(_list(survey["questions"], filename, "satisfaction.questions"))
        )
    departments = dossiers.get("departments") or {}
    if not isinstance(departments, dict):
        raise ValidationError(
            "{file}: dossiers.departments must map fields to departments", file=filename
        )
    return ImportMapping(
        dossiers=DossierMapping(
            columns={**default_dossier_columns(), **dossier_columns},
            departments={key(str(k)): clean(str(v)) for k, v in departments.items()},
        ),
        satisfaction=result,
    )


def _section(value: Any, known: tuple[str, ...], filename: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(
            "{file}: {where} must be a mapping", file=filename, where=where or "the file"
        )
    unknown = sorted(set(map(str, value)) - set(known))
    if unknown:
        raise ValidationError(
            "{file}: unknown key {name!r} in {where} (known: {known})",
            file=filename,
            name=unknown[0],
            where=where or "the file",
            known=Joined(known),
        )
    return value


def _strings(value: Any, known: tuple[str, ...], filename: str, where: str) -> dict[str, str]:
    section = _section(value, known, filename, where)
    out = {}
    for name, header in section.items():
        text = clean(str(header or ""))
        if not text:
            raise ValidationError(
                "{file}: {where}.{name} is empty", file=filename, where=where, name=name
            )
        out[str(name)] = text
    return out


def _list(value: Any, filename: str, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationError(
            "{file}: {where} must be a non-empty list", file=filename, where=where
        )
    items = [clean(str(v)) for v in value]
    if len(set(map(key, items))) != len(items) or not all(items):
        raise ValidationError(
            "{file}: {where} has an empty or repeated entry", file=filename, where=where
        )
    return items
