"""Every refusal is a literal template, so the catalogs can translate it: no f-string or
assembled message reaches a QMSError, and the values given match the placeholders."""

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

import qms
from qms.errors import Joined, NotFound, QMSError, Text, ValidationError, either
from qms.i18n import MESSAGE_KEYWORDS

PACKAGE = Path(qms.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES}


TREES = _trees()


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.add(base.id)
        elif isinstance(base, ast.Attribute):
            names.add(base.attr)
    return names


def _error_classes() -> tuple[set[str], set[str]]:
    """Names of QMSError and its subclasses; and those with their own ``__init__``."""
    classes = {"QMSError"}
    own_init: set[str] = set()
    grew = True
    nodes = [n for tree in TREES.values() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    while grew:
        grew = False
        for node in nodes:
            if node.name not in classes and _base_names(node) & classes:
                classes.add(node.name)
                grew = True
    for node in nodes:
        constructors = [i for i in node.body if isinstance(i, ast.FunctionDef)]
        if node.name in classes - {"QMSError"} and any(i.name == "__init__" for i in constructors):
            own_init.add(node.name)
    return classes, own_init


ERROR_CLASSES, OWN_INIT = _error_classes()


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_text_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _callee(node) == "Text"


def _is_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _annotated_text(annotation: ast.AST | None) -> bool:
    return annotation is not None and "Text" in ast.unparse(annotation).replace("|", " ").split()


def _translatable_name(name: str, scope: ast.AST) -> bool:
    """``name`` is a Text parameter, is only ever given a literal or a Text, is asserted
    to be a Text in ``scope``, or is the message id of a function the catalogs extract
    calls of (``echo_phrase("...")``: its callers are checked where they call it)."""
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        positional = scope.args.posonlyargs + scope.args.args
        if scope.name in MESSAGE_KEYWORDS and positional and positional[0].arg == name:
            return True
        arguments = scope.args.args + scope.args.kwonlyargs + scope.args.posonlyargs
        if any(a.arg == name and _annotated_text(a.annotation) for a in arguments):
            return True
    values = []
    for node in ast.walk(scope):
        if (
            isinstance(node, ast.Call)
            and _callee(node) == "isinstance"
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == name
            and ast.unparse(node.args[1]) == "Text"
        ):
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            values.append(node.value)
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == name:
            if _annotated_text(node.annotation):
                return True  # a typed binding: mypy keeps it a Text
            values.append(node.value)

    def good(value: ast.AST | None) -> bool:
        if isinstance(value, ast.IfExp):
            return good(value.body) and good(value.orelse)
        return value is not None and (_is_literal(value) or _is_text_call(value))

    return bool(values) and all(good(v) for v in values)


def _imports_text(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "qms.errors"
        and any(alias.name == "Text" for alias in node.names)
        for node in ast.walk(tree)
    )


def _calls_with_scope(
    trees: dict[Path, ast.Module],
) -> Iterator[tuple[Path, ast.Call, ast.AST]]:
    for path, tree in trees.items():
        scopes: list[ast.AST] = [tree]
        scopes += [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        seen: set[int] = set()
        # innermost function first, so each call is checked against its own scope
        for scope in reversed(scopes):
            for node in ast.walk(scope):
                if isinstance(node, ast.Call) and id(node) not in seen:
                    seen.add(id(node))
                    yield path, node, scope


def _message_calls(trees: dict[Path, ast.Module]) -> Iterator[tuple[str, ast.Call, ast.AST]]:
    """Calls that build a QMSError (or a Text): the class, ``type(exc)(...)``, or the
    ``super().__init__`` of a subclass with its own constructor."""
    for path, call, scope in _calls_with_scope(trees):
        where = f"{path.relative_to(PACKAGE.parent)}:{call.lineno}"
        if _builds_a_message(call, trees[path]):
            yield where, call, scope


def _builds_a_message(call: ast.Call, tree: ast.Module) -> bool:
    name = _callee(call)
    if name in ERROR_CLASSES:
        return name not in OWN_INIT
    if name == "Text":
        return isinstance(call.func, ast.Name) and _imports_text(tree)
    if isinstance(call.func, ast.Call):  # type(exc)(...)
        return _callee(call.func) == "type"
    inner = call.func.value if isinstance(call.func, ast.Attribute) else None
    return (
        name == "__init__"
        and isinstance(inner, ast.Call)
        and _callee(inner) == "super"
        and _owning_class(tree, call) in OWN_INIT
    )


def _owning_class(tree: ast.Module, call: ast.Call) -> str | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(n is call for n in ast.walk(node)):
            return node.name
    return None


def _not_literal(trees: dict[Path, ast.Module]) -> list[str]:
    """Where a refusal is built from anything but a literal template or a Text."""
    bad = []
    for where, call, scope in _message_calls(trees):
        if _callee(call) == "QMSError" and where.startswith("qms/errors.py"):
            continue
        if not call.args:
            bad.append(f"{where}: no message")
            continue
        first = call.args[0]
        if _is_literal(first) or _is_text_call(first):
            continue
        if isinstance(first, ast.Name) and _translatable_name(first.id, scope):
            continue
        bad.append(f"{where}: {ast.unparse(first)[:60]}")
    return bad


MESSAGE_CALLS = list(_message_calls(TREES))


def test_the_walk_finds_the_refusals() -> None:
    assert {"ValidationError", "NotFound", "RenderError", "TooManyAttempts"} <= ERROR_CLASSES
    assert len(MESSAGE_CALLS) > 250


def test_every_refusal_is_a_literal_template() -> None:
    assert _not_literal(TREES) == []


@pytest.mark.parametrize(
    "body",
    [
        'raise NotFound(f"no document {code}")',
        'raise NotFound("no document " + code)',
        'raise NotFound("no document {code}".format(code=code))',
        "message = describe(code)\n    raise NotFound(message)",
        'raise type(exc)(f"{code}: {exc}")',
    ],
)
def test_an_assembled_refusal_fails_the_check(body: str) -> None:
    source = f"from qms.errors import NotFound, Text\n\ndef f(code, exc):\n    {body}\n"
    trees = {PACKAGE / "example.py": ast.parse(source)}
    assert len(_not_literal(trees)) == 1


@pytest.mark.parametrize(
    "body",
    [
        'raise NotFound("no document {code}", code=code)',
        'raise NotFound(Text("no document {code}", code=code))',
        'message = Text("no document")\n    raise NotFound(message)',
    ],
)
def test_a_template_passes_the_check(body: str) -> None:
    source = f"from qms.errors import NotFound, Text\n\ndef f(code, exc):\n    {body}\n"
    trees = {PACKAGE / "example.py": ast.parse(source)}
    assert _not_literal(trees) == []


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_the_values_given_match_the_placeholders() -> None:
    bad = []
    for where, call, _scope in MESSAGE_CALLS:
        if not call.args or not _is_literal(call.args[0]):
            continue
        template = call.args[0].value  # type: ignore[attr-defined]
        given = {k.arg for k in call.keywords if k.arg is not None}
        if any(k.arg is None for k in call.keywords):
            continue  # **values: checked where they are made
        named = {name.split("!")[0].split(":")[0] for name in _placeholders(template)}
        if named != given:
            bad.append(f"{where}: placeholders {sorted(named)}, values {sorted(given)}")
    assert bad == []


# ------------------------------------------------------------------- the message objects


def _field(name: str | None, spec: str | None, conversion: str | None) -> str:
    if name is None:
        return ""
    return (
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
    )


def _shout(message: str) -> str:
    """A stand-in catalog: every template in capitals, placeholders kept."""
    return "".join(
        literal.upper() + _field(name, spec, conversion)
        for literal, name, spec, conversion in string.Formatter().parse(message)
    )


def test_english_text_and_translation() -> None:
    error = NotFound("{code} has no issue {issue}", code="QT-01", issue=3)
    assert str(error) == "QT-01 has no issue 3"
    assert error.translated(_shout) == "QT-01 HAS NO ISSUE 3"
    assert error.args == ("QT-01 has no issue 3",)


def test_values_are_inserted_verbatim() -> None:
    error = ValidationError("bad {value}", value="{code} <script>{0}")
    assert str(error) == "bad {code} <script>{0}"
    assert error.translated(_shout) == "BAD {code} <script>{0}"


def test_a_template_without_values_keeps_its_braces() -> None:
    assert str(ValidationError("use {curly} braces")) == "use {curly} braces"


def test_nested_phrases_are_translated_too() -> None:
    error = ValidationError(
        "{ref} is {state}; it needs {wanted}",
        ref="CAR-2026-001",
        state=Text("open"),
        wanted=either([Text("contained"), Text("cause analysed"), Text("closed")]),
    )
    assert str(error) == "CAR-2026-001 is open; it needs contained, cause analysed or closed"
    assert error.translated(_shout) == (
        "CAR-2026-001 IS OPEN; IT NEEDS CONTAINED, CAUSE ANALYSED OR CLOSED"
    )
    listed = Text("missing: {items}", items=Joined([Text("a title"), "QT-01"], "; "))
    assert listed.translated(_shout) == "MISSING: A TITLE; QT-01"


def test_a_faulty_translation_falls_back_to_english() -> None:
    error = NotFound("{code} has no issue {issue}", code="QT-01", issue=3)
    assert error.translated(lambda _: "{code} {missing}") == "QT-01 has no issue 3"


def test_templates_cannot_reach_attributes() -> None:
    with pytest.raises(KeyError):
        str(Text("{value.__class__}", value="x"))


def test_located_keeps_the_kind_and_translates() -> None:
    error = ValidationError("the body is empty").located("QT-01.md")
    assert type(error) is ValidationError
    assert str(error) == "QT-01.md: the body is empty"
    assert error.translated(_shout) == "QT-01.md: THE BODY IS EMPTY"
    assert isinstance(error, QMSError)


def test_grouped_numbers_are_written_the_readers_way() -> None:
    from qms.i18n import in_language

    error = ValidationError(
        "the body is longer than {limit:,} characters (item {number})", limit=200_000, number=1234
    )
    assert str(error) == "the body is longer than 200,000 characters (item 1234)"
    assert in_language(error, "en") == str(error)
    # Only {n:,} is grouped: a year or an item number in a plain {n} stays as it is.
    assert error.translated(_shout, lambda n: f"<{n}>") == (
        "THE BODY IS LONGER THAN <200000> CHARACTERS (ITEM 1234)"
    )
    nested = Text("{reason}", reason=Text("the limit is {limit:,}", limit=20_000))
    assert in_language(nested, "vi").endswith("20.000")


def test_a_refusal_in_vietnamese_groups_numbers_with_dots() -> None:
    from qms.i18n import in_language

    error = ValidationError("the evidence is longer than {limit:,} characters", limit=20_000)
    assert in_language(error, "vi") == "bằng chứng dài quá 20.000 ký tự"


def test_values_go_in_the_text_or_beside_the_template_not_both() -> None:
    with pytest.raises(TypeError, match="give the values in the Text, not beside it"):
        NotFound(Text("no document {code}", code="QT-01"), code="QT-02")
