"""Read the Terraform configuration with python-hcl2 (no terraform binary or provider needed).

``load(path)`` parses every ``.tf`` file of one module folder into a :class:`Module` with its blocks merged by
kind: ``resources[type][name]``, ``data[type][name]``, ``variables``, ``outputs``, ``locals``, ``modules``.
References are found in the raw text (comments removed), which is what Terraform resolves too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

REPO = Path(__file__).resolve().parents[2]
ROOT = REPO / "terraform"
MODULES = ROOT / "modules"
OPTIONS = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)

_COMMENT = re.compile(r'("(?:[^"\\]|\\.)*")|#[^\n]*|//[^\n]*|/\*.*?\*/', re.DOTALL)


@cache
def parse_file(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        parsed: dict[str, Any] = hcl2.load(handle, serialization_options=OPTIONS)
    return parsed


def strip_comments(text: str) -> str:
    """HCL text without comments (strings kept as they are)."""
    return _COMMENT.sub(lambda m: m.group(1) or "", text)


@dataclass
class Module:
    path: Path
    resources: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    data: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    text: str = ""  # every .tf file, comments removed

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        return self.resources[kind][name]

    def refs(self, prefix: str) -> set[str]:
        """Names referenced as ``<prefix>.<name>`` (e.g. ``var``, ``local``)."""
        return set(re.findall(rf"(?<![\w.]){prefix}\.([A-Za-z_][A-Za-z0-9_-]*)", self.text))

    def module_output_refs(self) -> set[tuple[str, str]]:
        return set(re.findall(r"(?<![\w.])module\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)", self.text))

    def policy_statements(self) -> dict[str, list[dict[str, Any]]]:
        """``aws_iam_policy_document`` name → its statements."""
        documents = self.data.get("aws_iam_policy_document", {})
        return {name: body.get("statement", []) for name, body in documents.items()}


@cache
def load(path: Path) -> Module:
    """Parsed once per test process; callers only read it."""
    module = Module(path)
    texts = []
    for tf in sorted(path.glob("*.tf")):
        texts.append(strip_comments(tf.read_text(encoding="utf-8")))
        parsed = parse_file(tf)
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                module.resources.setdefault(kind, {}).update(named)
        for block in parsed.get("data", []):
            for kind, named in block.items():
                module.data.setdefault(kind, {}).update(named)
        for block in parsed.get("variable", []):
            module.variables.update(block)
        for block in parsed.get("output", []):
            module.outputs.update(block)
        for block in parsed.get("locals", []):
            module.locals.update(block)
        for block in parsed.get("module", []):
            module.modules.update(block)
    module.text = "\n".join(texts)
    return module


def root() -> Module:
    return load(ROOT)


def child(name: str) -> Module:
    return load(MODULES / name)


def child_names() -> list[str]:
    return sorted(p.name for p in MODULES.iterdir() if p.is_dir())


def first(block: Any) -> dict[str, Any]:
    """The single nested block (python-hcl2 gives nested blocks as one-element lists)."""
    assert isinstance(block, list), block
    assert len(block) == 1, block
    item: dict[str, Any] = block[0]
    return item


def render(expression: Any, module: Module, inputs: dict[str, Any] | None = None) -> Any:
    """Evaluate the simple string templates names are built from: ``${var.x}``, ``${local.x}`` and
    ``${replace(var.x, "-", "_")}``; variables take ``inputs`` or their defaults."""
    if not isinstance(expression, str):
        return expression
    given = inputs or {}

    def variable(name: str) -> Any:
        if name in given:
            return given[name]
        return module.variables[name]["default"]

    def evaluate(inner: str) -> str:
        inner = inner.strip()
        match = re.fullmatch(r"coalesce\(var\.(\w+),\s*(.+)\)", inner)
        if match:
            chosen = variable(match.group(1))
            return str(render(chosen, module, given)) if chosen is not None else evaluate(match.group(2))
        match = re.fullmatch(r'replace\((.+?),\s*"(.*?)",\s*"(.*?)"\)', inner)
        if match:
            return str(evaluate(match.group(1))).replace(match.group(2), match.group(3))
        if inner.startswith("var."):
            return str(render(variable(inner[4:]), module, given))
        if inner.startswith("local."):
            return str(render(module.locals[inner[6:]], module, given))
        raise ValueError(f"cannot render ${{{inner}}}")

    whole = re.fullmatch(r"\$\{([^{}]+)\}", expression)
    if whole and whole.group(1).strip().startswith("var."):
        value = variable(whole.group(1).strip()[4:])
        return render(value, module, given) if isinstance(value, str) else value
    return re.sub(r"\$\{([^{}]+)\}", lambda m: evaluate(m.group(1)), expression)
