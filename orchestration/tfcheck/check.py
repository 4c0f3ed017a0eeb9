"""Check a Terraform configuration against the AWS provider's schema, without terraform or a provider binary.

Every folder holding ``.tf`` files is a module. For each one this reports what ``terraform validate`` would
stop at:

- a resource or data source type the provider does not have;
- an argument the schema does not have, or a computed attribute set as if it were an argument;
- a required argument or required block that is missing;
- a block written as an attribute (``x = {…}``) or an attribute written as a block (``x {…}``);
- a block that takes at most one instance given several times; arguments of nested blocks, all the way down;
- a ``var.``, ``local.``, ``module.``, ``data.`` or resource reference that does not resolve, a resource
  attribute the schema does not have, or a counted resource read without an instance key;
- a module call passing an input the module does not declare, or missing one it requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

from .schema import Block, ProviderSchema

_OPTIONS = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=True, with_comments=False)
_IS_BLOCK = "__is_block__"

RESOURCE_META = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
DATA_META = {"count", "for_each", "provider", "depends_on", "lifecycle"}
MODULE_META = {"source", "version", "count", "for_each", "providers", "depends_on"}
# Resources built into Terraform itself (no provider schema): their arguments and attributes.
BUILTIN = {
    "terraform_data": Block.from_json(
        {"arguments": {"input": {}, "triggers_replace": {}}, "computed": ["id", "output"]}
    ),
}
PROVIDER_PREFIX = "aws_"
# Deprecations the schema package does not carry, from the provider's upgrade guides: (data source?, type,
# attribute) → (first provider version that deprecates it, what to use instead). A deprecated attribute still
# plans, with a warning, and goes away in the next major.
DEPRECATED = {
    (True, "aws_region", "name"): ((6, 0, 0), "use region"),
}

_REF = re.compile(
    r"(?<![\w.\"])(?P<data>data\.)?(?P<type>aws_\w+|terraform_data)\.(?P<name>[A-Za-z_][\w-]*)"
    r"(?P<index>(?:\[[^\]]*\])*)(?:\.(?P<attr>[A-Za-z_][\w-]*))?"
)
_VAR = re.compile(r"(?<![\w.\"])var\.([A-Za-z_][\w-]*)")
_LOCAL = re.compile(r"(?<![\w.\"])local\.([A-Za-z_][\w-]*)")
_MODULE = re.compile(r"(?<![\w.\"])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?")


@dataclass(frozen=True, order=True)
class Finding:
    path: str  # module folder, relative to the checked root
    address: str  # e.g. aws_s3_bucket.lake, module.api, var.x
    message: str
    provider_version: str = ""

    def __str__(self) -> str:
        version = f" [aws {self.provider_version}]" if self.provider_version else ""
        return f"{self.path}: {self.address}: {self.message}{version}"


@dataclass
class Module:
    path: Path
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    provider_constraints: list[str] = field(default_factory=list)
    expressions: list[str] = field(default_factory=list)  # every ${…} expression in the module


def _strip(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: _strip(v) for k, v in body.items() if k != _IS_BLOCK}
    if isinstance(body, list):
        return [_strip(v) for v in body]
    return body


def _expressions(value: Any) -> Iterator[str]:
    """Every ``${…}`` expression in a parsed value, outermost first (nested templates stay inside)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _expressions(key)
            yield from _expressions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _expressions(item)
    elif isinstance(value, str):
        depth, start = 0, -1
        i = 0
        while i < len(value):
            if value.startswith("$${", i):
                i += 3
                continue
            if value.startswith("${", i) and depth == 0:
                depth, start = 1, i + 2
                i += 2
                continue
            if depth:
                if value[i] == "{":
                    depth += 1
                elif value[i] == "}":
                    depth -= 1
                    if depth == 0:
                        yield value[start:i]
            i += 1


def _is_block(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and v.get(_IS_BLOCK) for v in value)
    )


@cache
def _parse(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        parsed: dict[str, Any] = hcl2.load(handle, serialization_options=_OPTIONS)
    return parsed


def load_module(path: Path) -> Module:
    module = Module(path)
    for tf in sorted(path.glob("*.tf")):
        parsed = _parse(tf)
        # `moved` and `removed` blocks name addresses that no longer exist: they are no references.
        module.expressions.extend(
            _expressions({k: v for k, v in parsed.items() if k not in {"moved", "removed"}})
        )
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                if kind == _IS_BLOCK:
                    continue
                for name, body in named.items():
                    if name != _IS_BLOCK:
                        module.resources[(kind, name)] = body
        for block in parsed.get("data", []):
            for kind, named in block.items():
                if kind == _IS_BLOCK:
                    continue
                for name, body in named.items():
                    if name != _IS_BLOCK:
                        module.data[(kind, name)] = body
        for block in parsed.get("variable", []):
            module.variables.update({k: v for k, v in block.items() if k != _IS_BLOCK})
        for block in parsed.get("output", []):
            module.outputs.update({k: v for k, v in block.items() if k != _IS_BLOCK})
        for block in parsed.get("locals", []):
            module.locals.update({k: v for k, v in block.items() if k != _IS_BLOCK})
        for block in parsed.get("module", []):
            module.calls.update({k: v for k, v in block.items() if k != _IS_BLOCK})
        for block in parsed.get("terraform", []):
            for providers in block.get("required_providers", []):
                aws = providers.get("aws")
                if isinstance(aws, dict) and "version" in aws:
                    module.provider_constraints.append(str(aws["version"]))
    return module


def module_folders(root: Path) -> list[Path]:
    """The root and every folder below it that holds .tf files (modules called or not yet called)."""
    folders = {tf.parent for tf in root.rglob("*.tf") if ".terraform" not in tf.parts}
    return sorted(folders, key=lambda p: (p != root, str(p)))


# ── Arguments against the schema ───────────────────────────────────────────────────────────────────────────


def _check_body(
    body: dict[str, Any], schema: Block, meta: set[str], where: str, report: list[tuple[str, str]]
) -> None:
    present: set[str] = set()
    for key, value in body.items():
        if key == _IS_BLOCK or key in meta:
            continue
        if key == "dynamic":
            for dynamic in value if isinstance(value, list) else [value]:
                for name, spec in dynamic.items():
                    if name == _IS_BLOCK:
                        continue
                    present.add(name)
                    argument = schema.arguments.get(name)
                    if argument is None:
                        report.append((where, f'dynamic "{name}": the schema has no block {name}'))
                    elif not (argument.block or argument.either):
                        report.append((where, f'dynamic "{name}": {name} is an attribute, not a block'))
                    elif argument.nested is not None:
                        for content in spec.get("content", []):
                            _check_body(content, argument.nested, set(), f"{where}.{name}", report)
            continue
        present.add(key)
        argument = schema.arguments.get(key)
        if argument is None:
            if key in schema.attributes:
                report.append((where, f"{key} is computed (read only); it cannot be set"))
            else:
                report.append((where, f"unknown argument {key}"))
            continue
        written_as_block = _is_block(value)
        if argument.block and not written_as_block:
            report.append((where, f"{key} is a block: write {key} {{ … }}, not {key} = …"))
            continue
        if not argument.block and not argument.either and written_as_block:
            report.append(
                (where, f"{key} is an attribute: write {key} = [{{ … }}], not a {key} {{ … }} block")
            )
            continue
        if written_as_block:
            if argument.max_one and len(value) > 1:
                report.append((where, f"{key} takes at most one block; found {len(value)}"))
            if argument.nested is not None:
                for item in value:
                    _check_body(item, argument.nested, set(), f"{where}.{key}", report)
    for name, argument in sorted(schema.arguments.items()):
        if argument.required and name not in present:
            kind = "block" if argument.block else "argument"
            report.append((where, f"missing required {kind} {name}"))


def _check_schema(module: Module, rel: str, schema: ProviderSchema) -> list[Finding]:
    findings: list[Finding] = []
    for is_data, blocks, types, meta in (
        (False, module.resources, schema.resources, RESOURCE_META),
        (True, module.data, schema.data_sources, DATA_META),
    ):
        for (kind, name), body in sorted(blocks.items()):
            address = f"{'data.' if is_data else ''}{kind}.{name}"
            if not kind.startswith(PROVIDER_PREFIX) and kind not in BUILTIN:
                continue  # another provider's type (archive, random, …): its schema is not checked here
            block = types.get(kind) or (None if is_data else BUILTIN.get(kind))
            if block is None:
                what = "data source" if is_data else "resource type"
                findings.append(Finding(rel, address, f"the provider has no {what} {kind}", schema.version))
                continue
            report: list[tuple[str, str]] = []
            _check_body(body, block, meta, address, report)
            findings.extend(Finding(rel, where, message, schema.version) for where, message in report)
    return findings


# ── References ─────────────────────────────────────────────────────────────────────────────────────────────


def _readable(module: Module, kind: str, is_data: bool, schema: ProviderSchema) -> frozenset[str] | None:
    block = (schema.data_sources if is_data else schema.resources).get(kind) or (
        None if is_data else BUILTIN.get(kind)
    )
    return None if block is None else block.attributes


def _check_references(
    module: Module, rel: str, schema: ProviderSchema, modules: dict[Path, Module]
) -> list[Finding]:
    findings: set[Finding] = set()
    for expression in module.expressions:
        for name in _VAR.findall(expression):
            if name not in module.variables:
                findings.add(Finding(rel, f"var.{name}", "no such variable is declared"))
        for name in _LOCAL.findall(expression):
            if name not in module.locals:
                findings.add(Finding(rel, f"local.{name}", "no such local value is defined"))
        for call, output in _MODULE.findall(expression):
            if call not in module.calls:
                findings.add(Finding(rel, f"module.{call}", "no such module call"))
                continue
            child = _called(module, call, modules)
            if output and child is not None and output not in child.outputs:
                findings.add(Finding(rel, f"module.{call}.{output}", "the module has no such output"))
        for match in _REF.finditer(expression):
            is_data = bool(match.group("data"))
            kind, name, index, attr = match.group("type", "name", "index", "attr")
            declared = (module.data if is_data else module.resources).get((kind, name))
            address = f"{'data.' if is_data else ''}{kind}.{name}"
            if declared is None:
                findings.add(Finding(rel, address, "referenced but not declared in this module"))
                continue
            counted = "count" in declared or "for_each" in declared
            if counted and attr and not index:
                findings.add(
                    Finding(
                        rel, f"{address}.{attr}", "has count or for_each: read one instance ([key] or [*])"
                    )
                )
            readable = _readable(module, kind, is_data, schema)
            if attr and readable is not None and attr not in readable:
                findings.add(Finding(rel, f"{address}.{attr}", "no such attribute", schema.version))
            deprecated = DEPRECATED.get((is_data, kind, attr or ""))
            if deprecated and _version(schema.version) >= deprecated[0]:
                since = ".".join(str(p) for p in deprecated[0])
                findings.add(
                    Finding(
                        rel, f"{address}.{attr}", f"deprecated since {since}: {deprecated[1]}", schema.version
                    )
                )
    return sorted(findings)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _called(module: Module, call: str, modules: dict[Path, Module]) -> Module | None:
    source = module.calls[call].get("source")
    if not isinstance(source, str) or not source.startswith((".", "/")):
        return None  # a registry module: its variables are not known here
    return modules.get((module.path / source).resolve())


def _check_calls(module: Module, rel: str, modules: dict[Path, Module]) -> list[Finding]:
    findings: list[Finding] = []
    for call, body in sorted(module.calls.items()):
        source = body.get("source")
        if not isinstance(source, str):
            findings.append(Finding(rel, f"module.{call}", "has no source"))
            continue
        child = _called(module, call, modules)
        if child is None:
            if source.startswith((".", "/")):
                findings.append(Finding(rel, f"module.{call}", f"source {source} holds no .tf files"))
            continue
        given = {k for k in body if k not in MODULE_META and k != _IS_BLOCK}
        for name in sorted(given - set(child.variables)):
            findings.append(
                Finding(rel, f"module.{call}", f"passes {name}, which the module does not declare")
            )
        required = {name for name, spec in child.variables.items() if "default" not in spec}
        for name in sorted(required - given):
            findings.append(Finding(rel, f"module.{call}", f"does not pass required input {name}"))
    return findings


# ── Whole configuration ────────────────────────────────────────────────────────────────────────────────────


def load_modules(root: Path) -> dict[Path, Module]:
    return {folder.resolve(): load_module(folder) for folder in module_folders(root)}


def provider_constraints(modules: dict[Path, Module]) -> set[str]:
    return {c for m in modules.values() for c in m.provider_constraints}


def check(root: Path, schemas: list[ProviderSchema]) -> list[Finding]:
    """Every finding for the configuration under ``root``, checked against each schema."""
    modules = load_modules(root)
    findings: set[Finding] = set()
    for path, module in modules.items():
        rel = str(path.relative_to(root.resolve())) if path != root.resolve() else "."
        findings.update(_check_calls(module, rel, modules))
        for schema in schemas:
            findings.update(_check_schema(module, rel, schema))
            findings.update(_check_references(module, rel, schema, modules))
    return sorted(findings)
