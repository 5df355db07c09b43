"""docs/plugins.md keeps up with the code: every hook (core's and the registry's) and every
``core.validation`` helper has its own heading, under which the first ``python`` block is its
signature exactly as declared — compared with ``inspect.signature``, as Datasette's test_docs
does for its plugin hooks."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import core.hookimpls
import core.hookspecs
import core.validation
import plugins.registry.hookspecs

DOCS = Path(__file__).parents[2] / "docs" / "plugins.md"
HOOK_MODULES = [core.hookspecs, plugins.registry.hookspecs]
HEADING = re.compile(r"^(#{2,6}) `(\w+)`\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")


def headed_sections(text: str) -> dict[str, list[tuple[int, str, list[str]]]]:
    """`` `name` `` headings (outside code blocks) → [(level, part of the document, its python
    blocks)], the part reaching the next heading of the same level or above."""
    sections: dict[str, list[tuple[int, str, list[str]]]] = {}
    open_sections: list[tuple[int, str, list[str]]] = []
    part = ""
    in_block, language, block = False, "", []
    for line in text.splitlines():
        fence = FENCE.match(line)
        if fence and not in_block:
            in_block, language, block = True, fence.group(1), []
            continue
        if fence and in_block:
            in_block = False
            if language == "python":
                for _level, _part, blocks in open_sections:
                    blocks.append("\n".join(block))
            continue
        if in_block:
            block.append(line)
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            open_sections = [s for s in open_sections if s[0] < level]
            if level == 2:
                part = line[3:].strip()
            heading = HEADING.match(line)
            if heading:
                entry: tuple[int, str, list[str]] = (level, part, [])
                sections.setdefault(heading.group(2), []).append(entry)
                open_sections.append(entry)
    return sections


SECTIONS = headed_sections(DOCS.read_text(encoding="utf-8"))


def hookspecs() -> list[Any]:
    return [
        function
        for module in HOOK_MODULES
        for function in vars(module).values()
        if inspect.isfunction(function) and hasattr(function, f"{core.hookspecs.PROJECT}_spec")
    ]


def validation_helpers() -> list[Any]:
    return [
        obj
        for name, obj in vars(core.validation).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == core.validation.__name__
    ]


def _canonical(annotation: Any) -> Any:
    """Annotation text in one spelling (``dict[str,Any]`` and ``dict[str, Any]`` alike)."""
    if annotation is inspect.Parameter.empty:
        return annotation
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    return ast.unparse(ast.parse(text, mode="eval"))


def canonical_signature(function: Any) -> inspect.Signature:
    """The signature with annotations as canonical text (the modules postpone annotations)."""
    signature = inspect.signature(function)
    return signature.replace(
        parameters=[
            p.replace(annotation=_canonical(p.annotation)) for p in signature.parameters.values()
        ],
        return_annotation=_canonical(signature.return_annotation),
    )


def documented_signature(name: str, block: str) -> inspect.Signature:
    """The signature a documented ``def name(…) -> …`` line declares."""
    source = block.strip().removesuffix(":")
    tree = ast.parse(source + ":\n    ...")
    definition = tree.body[0] if len(tree.body) == 1 else None
    if (
        not isinstance(definition, ast.FunctionDef)
        or definition.name != name
        or definition.decorator_list
    ):
        raise AssertionError(f"the first python block under `{name}` is not `def {name}(…)`")
    namespace: dict[str, Any] = {}
    code = compile("from __future__ import annotations\n" + source + ":\n    ...", DOCS, "exec")
    exec(code, namespace)  # only a def with postponed annotations: nothing is evaluated
    return canonical_signature(namespace[name])


def signature_problem(name: str, declared: Any, where: str) -> str | None:
    """Why the docs do not document ``declared`` (a function or class) as declared, or None."""
    found = SECTIONS.get(name, [])
    if len(found) != 1:
        return f"docs/plugins.md needs one heading `{name}`, it has {len(found)}"
    _level, _part, blocks = found[0]
    if not blocks:
        return f"docs/plugins.md has no python block under `{name}`"
    if inspect.isclass(declared):
        tree = ast.parse(blocks[0].strip().removesuffix(":") + ":\n    ...")
        definition = tree.body[0]
        bases = [base.__name__ for base in declared.__bases__]
        if not (
            isinstance(definition, ast.ClassDef)
            and definition.name == name
            and [ast.unparse(b).rpartition(".")[2] for b in definition.bases] == bases
        ):
            return f"`{name}` should open with `class {name}({', '.join(bases)})`"
        return None
    documented = documented_signature(name, blocks[0])
    expected = canonical_signature(declared)
    if documented != expected:
        shown, wanted = (str(sig).replace("'", "") for sig in (documented, expected))
        return (
            f"docs/plugins.md documents `def {name}{shown}`, {where} declares `def {name}{wanted}`"
        )
    return None


@pytest.mark.parametrize("hook", hookspecs(), ids=lambda h: h.__name__)
def test_every_hook_is_documented_with_its_signature(hook):
    problem = signature_problem(hook.__name__, hook, hook.__module__)
    assert problem is None, problem
    assert SECTIONS[hook.__name__][0][1] == "Hooks", "hooks are documented under ## Hooks"


def test_every_hook_heading_names_a_hook():
    hooks = {hook.__name__ for hook in hookspecs()}
    headings = {
        name for name, found in SECTIONS.items() for _l, part, _b in found if part == "Hooks"
    }
    assert headings - hooks == set()
    assert len(hooks) >= 23  # core's 22 and registry_tags


@pytest.mark.parametrize("helper", validation_helpers(), ids=lambda h: h.__name__)
def test_every_validation_helper_is_documented_with_its_signature(helper):
    problem = signature_problem(helper.__name__, helper, "core/validation.py")
    assert problem is None, problem


def test_a_documented_signature_that_differs_is_reported():
    """The check itself: a renamed parameter or another annotation does not pass."""

    def jiedao_node_moved(session, node, old_parent, new_parent) -> None: ...

    declared = canonical_signature(core.hookspecs.jiedao_node_moved)
    exact = (
        "def jiedao_node_moved(session: Session, node: NodeRef, old_parent: NodeRef, "
        "new_parent: NodeRef) -> None"
    )
    assert documented_signature("jiedao_node_moved", exact) == declared
    for wrong in (
        exact.replace("old_parent", "previous"),
        exact.replace("new_parent: NodeRef", "new_parent: Node"),
        exact.replace("-> None", "-> bool"),
        "def jiedao_node_moved(session, node, old_parent, new_parent) -> None",
    ):
        assert documented_signature("jiedao_node_moved", wrong) != declared
    assert canonical_signature(jiedao_node_moved) != declared
    with pytest.raises(AssertionError, match="is not `def jiedao_node_moved"):
        documented_signature("jiedao_node_moved", "@hookimpl\n" + exact)


@pytest.mark.parametrize("helper", [core.hookimpls.lazy_hook, core.hookimpls.blueprints_hook])
def test_one_line_hook_helpers_are_documented_with_their_signature(helper):
    problem = signature_problem(helper.__name__, helper, "core/hookimpls.py")
    assert problem is None, problem
