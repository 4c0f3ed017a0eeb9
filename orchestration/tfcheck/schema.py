"""The AWS provider's configuration schema, read from the npm package ``@cdktf/provider-aws``.

That package is generated from ``terraform providers schema -json`` for one provider version, and keeps what the
Terraform configuration needs: for every resource and data source, each argument (required or not, block or
attribute, nested arguments of a block, blocks limited to one) and every attribute that can be read. The
generated JavaScript holds the arguments and whether each is a block (``isBlock``); the TypeScript declarations
hold which are required and which blocks take at most one instance; the getters hold the readable attributes.

``extract(package_dir)`` turns an unpacked package into a compact :class:`ProviderSchema`, saved as JSON so a
check reads it in a fraction of a second.
"""

from __future__ import annotations

import json
import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# One entry of `const attrs = { name: { value: …, isBlock: …, type: "…", storageClassType: "…" }, … }`.
_ATTR = re.compile(
    r"^\s{8,}(\w+): \{\s*value: (?P<value>.*?),\s*isBlock: (?P<block>true|false),\s*"
    r'type: "(?P<type>\w+)",\s*storageClassType: "[^"]*",\s*\},',
    re.MULTILINE | re.DOTALL,
)
_NESTED_FN = re.compile(r"\b(\w+)ToHclTerraform\b")
_STRUCT_FN = re.compile(r"^function (\w+)ToHclTerraform\(struct\) \{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
_MAIN_CLASS = re.compile(
    r"^class (\w+) extends cdktf\.(TerraformResource|TerraformDataSource) \{\n(.*?)^\}",
    re.MULTILINE | re.DOTALL,
)
_SYNTH = re.compile(r"synthesizeHclAttributes\(\) \{\n(.*?)\n    \}\n", re.DOTALL)
_TF_TYPE = re.compile(r'^(\w+)\.tfResourceType = "(\w+)";', re.MULTILINE)
_GETTER = re.compile(r"\.(?:get\w*Attribute|interpolationForAttribute)\('(\w+)'\)")
_OUTPUT_REF = re.compile(r'new \w+(?:OutputReference|List|Map)\(this, "(\w+)"')
_INTERFACE = re.compile(r"^export interface (\w+)(?: extends [\w.]+)? \{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
_PROPERTY = re.compile(r"(/\*\*(?:(?!\*/).)*\*/)\s*readonly (\w+)(\??): ([^;]+);", re.DOTALL)
_DOC_NAME = re.compile(r"#(\w+)\}")


@dataclass
class Argument:
    """One argument of a resource, a data source or a block."""

    required: bool = False
    block: bool = False  # written as a nested block `name { … }`, never `name = …`
    either: bool = False  # the package cannot tell a single nested block from an object attribute
    max_one: bool = False  # a block that takes at most one instance
    nested: Block | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.required:
            out["required"] = True
        if self.block:
            out["block"] = True
        if self.either:
            out["either"] = True
        if self.max_one:
            out["max_one"] = True
        if self.nested is not None:
            out["nested"] = self.nested.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Argument:
        nested = data.get("nested")
        return cls(
            required=bool(data.get("required")),
            block=bool(data.get("block")),
            either=bool(data.get("either")),
            max_one=bool(data.get("max_one")),
            nested=Block.from_json(nested) if nested is not None else None,
        )


@dataclass
class Block:
    """The body of a resource, data source or nested block: its arguments and what can be read from it."""

    arguments: dict[str, Argument] = field(default_factory=dict)
    attributes: frozenset[str] = frozenset()  # every readable name (arguments and computed attributes)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"arguments": {k: v.to_json() for k, v in sorted(self.arguments.items())}}
        computed = sorted(self.attributes - set(self.arguments))
        if computed:
            out["computed"] = computed
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Block:
        arguments = {k: Argument.from_json(v) for k, v in data.get("arguments", {}).items()}
        return cls(arguments, frozenset(arguments) | frozenset(data.get("computed", [])))


@dataclass
class ProviderSchema:
    version: str
    resources: dict[str, Block]
    data_sources: dict[str, Block]

    def to_json(self) -> dict[str, Any]:
        return {
            "provider_version": self.version,
            "resources": {k: v.to_json() for k, v in sorted(self.resources.items())},
            "data_sources": {k: v.to_json() for k, v in sorted(self.data_sources.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProviderSchema:
        return cls(
            version=str(data["provider_version"]),
            resources={k: Block.from_json(v) for k, v in data["resources"].items()},
            data_sources={k: Block.from_json(v) for k, v in data["data_sources"].items()},
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ProviderSchema:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


class SchemaError(Exception):
    """The package does not look like a generated @cdktf/provider-aws."""


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


_MAPPED = re.compile(r"(?:list|set)MapperHcl\((?!cdktf\.)(\w+)ToHclTerraform, (true|false)\)")
_DIRECT = re.compile(r"^(\w+)ToHclTerraform\(")


def _attrs(body: str) -> list[tuple[str, str, str | None]]:
    """(name, kind, nested struct function) for each entry of a `const attrs = {…}` body.

    kind is "block" (a list or set of nested blocks, or a block taking at most one: "max_one"), "attribute",
    or "either" (a single nested object the package renders the same way whether block or attribute).
    """
    found: list[tuple[str, str, str | None]] = []
    for match in _ATTR.finditer(body):
        value, is_block, kind = match.group("value"), match.group("block") == "true", match.group("type")
        mapped, direct = _MAPPED.search(value), _DIRECT.match(value)
        nested = mapped.group(1) if mapped else direct.group(1) if direct else None
        if not is_block or (mapped and mapped.group(2) == "false"):
            category = "attribute"  # a list of objects mapped as values (a nested attribute) is no block
        elif mapped:
            category = "block"
        elif direct and kind in {"list", "set"}:
            category = "max_one"
        else:
            category = "either"
        found.append((match.group(1), category, nested))
    return found


def _interfaces(declarations: str) -> dict[str, dict[str, tuple[bool, bool]]]:
    """Interface name → snake-case property → (optional, is an array)."""
    out: dict[str, dict[str, tuple[bool, bool]]] = {}
    for match in _INTERFACE.finditer(declarations):
        properties: dict[str, tuple[bool, bool]] = {}
        for doc, _camel, optional, kind in _PROPERTY.findall(match.group(2)):
            names = _DOC_NAME.findall(doc)
            if not names:
                continue
            properties[names[-1]] = (optional == "?", "[]" in kind)
        out[match.group(1)] = properties
    return out


def _extract_folder(folder: str, scripts: str, declarations: str) -> tuple[str, bool, Block] | None:
    main = _MAIN_CLASS.search(scripts)
    if main is None:
        return None
    class_name, base, class_body = main.groups()
    tf_type = dict(_TF_TYPE.findall(scripts)).get(class_name)
    synth = _SYNTH.search(class_body)
    if tf_type is None or synth is None:
        raise SchemaError(f"{folder}: no tfResourceType or synthesizeHclAttributes")
    structs = {name: body for name, body in _STRUCT_FN.findall(scripts)}
    interfaces = _interfaces(declarations)

    def build(body: str, interface: str, trail: tuple[str, ...]) -> Block:
        properties = interfaces.get(interface, {})
        arguments: dict[str, Argument] = {}
        for name, category, nested_fn in _attrs(body):
            optional, _is_array = properties.get(name, (True, True))
            nested = None
            if nested_fn is not None and nested_fn in structs and nested_fn not in trail:
                struct_interface = nested_fn[:1].upper() + nested_fn[1:]
                nested = build(structs[nested_fn], struct_interface, (*trail, nested_fn))
            arguments[name] = Argument(
                required=not optional,
                block=category in {"block", "max_one"},
                either=category == "either",
                max_one=category == "max_one",
                nested=nested,
            )
        return Block(arguments, frozenset(arguments))

    root = build(synth.group(1), f"{class_name}Config", ())
    readable = set(_GETTER.findall(class_body)) | set(_OUTPUT_REF.findall(class_body))
    root.attributes = frozenset(root.arguments) | readable
    return tf_type, base == "TerraformDataSource", root


def _provider_version(manifest: dict[str, Any], scripts: dict[str, list[str]]) -> str:
    version = manifest.get("cdktf", {}).get("provider", {}).get("version")
    if version:
        return str(version)
    for texts in scripts.values():
        pinned = re.search(r"providerVersion: '([\d.]+)'", "".join(texts))
        if pinned:
            return pinned.group(1)
    raise SchemaError("the package names no provider version")


def _build(
    manifest: dict[str, Any], scripts: dict[str, list[str]], declarations: dict[str, list[str]]
) -> ProviderSchema:
    resources: dict[str, Block] = {}
    data_sources: dict[str, Block] = {}
    for folder in sorted(scripts):
        found = _extract_folder(folder, "\n".join(scripts[folder]), "\n".join(declarations.get(folder, [])))
        if found is None:
            continue
        tf_type, is_data, block = found
        (data_sources if is_data else resources)[tf_type] = block
    if not resources:
        raise SchemaError("the package holds no provider resources")
    return ProviderSchema(_provider_version(manifest, scripts), resources, data_sources)


def extract(package_dir: Path) -> ProviderSchema:
    """Read an unpacked ``@cdktf/provider-aws`` (the folder holding ``package.json``)."""
    manifest = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    scripts: dict[str, list[str]] = {}
    declarations: dict[str, list[str]] = {}
    for path in sorted((package_dir / "lib").rglob("*")):
        parts = path.relative_to(package_dir / "lib").parts
        if len(parts) < 2 or not path.is_file():
            continue
        if path.name.endswith(".d.ts"):
            declarations.setdefault(parts[0], []).append(path.read_text(encoding="utf-8"))
        elif path.name.endswith(".js"):
            scripts.setdefault(parts[0], []).append(path.read_text(encoding="utf-8"))
    return _build(manifest, scripts, declarations)


def extract_tarball(tarball: Path) -> ProviderSchema:
    """Read the tarball ``npm pack @cdktf/provider-aws@<version>`` downloads, without unpacking it to disk."""
    manifest: dict[str, Any] = {}
    scripts: dict[str, list[str]] = {}
    declarations: dict[str, list[str]] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            parts = member.name.split("/")
            if not member.isfile():
                continue
            if parts[1:] == ["package.json"]:
                manifest = json.load(archive.extractfile(member))  # type: ignore[arg-type]
                continue
            if len(parts) < 4 or parts[1] != "lib":
                continue
            if member.name.endswith(".d.ts"):
                target = declarations
            elif member.name.endswith(".js"):
                target = scripts
            else:
                continue
            handle = archive.extractfile(member)
            if handle is not None:
                target.setdefault(parts[2], []).append(handle.read().decode("utf-8"))
    if not manifest:
        raise SchemaError(f"{tarball} has no package.json")
    return _build(manifest, scripts, declarations)
