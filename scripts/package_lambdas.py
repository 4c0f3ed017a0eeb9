"""Build the Lambda deployment packages and the dbt build bundle, reproducibly.

Run through ``bash lambdas/build.sh``. Every function is one entry of :data:`FUNCTIONS` (its Lambda
architecture, and any extras of its dependencies it needs); for each whose ``lambdas/<name>/handler.py`` exists
it writes ``<out>/<name>.zip`` holding:

- the ``lambdas`` package tree the function needs: ``lambdas/__init__.py``, the function's own package, and
  every ``lambdas.<package>`` it imports (followed transitively), data files included;
- the third-party packages those modules import, at the exact versions pinned in ``lambdas/requirements.lock``,
  installed by pip for the function's Lambda platform (``manylinux2014_aarch64`` for arm64,
  ``manylinux2014_x86_64`` for x86_64; CPython 3.11; binary wheels only). boto3/botocore come from the Lambda
  runtime and pyarrow from AWS's managed "AWS SDK for pandas" layer, so neither is bundled — and neither is
  anything installed only because boto3 or botocore needs it (urllib3, python-dateutil, six, …).

Every distribution a package would install must be pinned in the lock; ``--update-lock`` resolves the
``[project] dependencies`` of ``pyproject.toml`` for every function and architecture and rewrites it.

It also writes ``<out>/dbt_build.zip`` (``dbt_project/`` and ``orchestration/buildspec.yml``), the source of
the scheduled dbt build.

Zips are reproducible: entries sorted, fixed timestamps and permissions, no ``__pycache__``/``.pyc``, so the
same inputs give the same bytes and Terraform's ``source_code_hash`` changes only when something did.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PYTHON_VERSION = "3.11"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
LOCK = Path("lambdas") / "requirements.lock"

# Lambda architecture → pip platform tag. The python3.11 runtime runs on Amazon Linux 2 (glibc 2.26), so
# manylinux2014 (glibc 2.17) wheels load on both.
PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
DEFAULT_ARCHITECTURE = (
    "arm64"  # Graviton: cheaper per GB-second; every wheel the functions need exists for it
)


@dataclass(frozen=True)
class Function:
    """One Lambda function's package: its architecture, and the extras of a dependency it wants instead of the
    ones ``pyproject.toml`` declares (``{"aws-lambda-powertools": ()}``: Powertools without the X-Ray SDK)."""

    architecture: str = DEFAULT_ARCHITECTURE
    extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# Every Lambda function, one entry each (keep terraform's `lambda_architecture` in step with the architectures).
FUNCTIONS: dict[str, Function] = {
    "stream_processor": Function(extras={"aws-lambda-powertools": ()}),  # Logger and Metrics; no Tracer
    "athena_executor": Function(),
    "agent_promoter": Function(),  # boto3 only (the runtime's)
    "api_handler": Function(),
}

# Top-level import name → distribution name, for the runtime dependencies in pyproject.toml.
DISTRIBUTIONS = {
    "aws_lambda_powertools": "aws-lambda-powertools",
    "orjson": "orjson",
    "sqlglot": "sqlglot",
    "yaml": "pyyaml",
    "tqdm": "tqdm",
    "rapidfuzz": "rapidfuzz",
    "duckdb": "duckdb",
    "pyarrow": "pyarrow",
    "boto3": "boto3",
    "botocore": "botocore",
    # dbt's semantic layer: one distribution, three import packages
    "metricflow": "metricflow",
    "metricflow_semantics": "metricflow",
    "metricflow_semantic_interfaces": "metricflow",
}
# Provided at run time, never bundled: the Lambda Python runtime ships boto3 (with botocore, s3transfer and what
# they need); the AWS SDK for pandas layer ships pyarrow, pandas and numpy.
FROM_RUNTIME = frozenset(
    # boto3 and what the runtime installs with it (import and distribution names): a dependency that needs one
    # of these gets the runtime's copy
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "python-dateutil", "six"}
)
FROM_LAYER = frozenset({"pyarrow", "pandas", "numpy"})
# Installed for the embedded run only: no duckdb wheel runs on the Lambda python3.11 runtime (its wheels need
# glibc 2.27+). Code a Lambda runs must import it lazily, inside the local-only path.
LOCAL_ONLY = frozenset({"duckdb"})
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
DBT_EXCLUDE = frozenset({"target", "logs", "dbt_packages", ".user.yml", "__pycache__"})


class PackagingError(RuntimeError):
    """The packages cannot be built as asked; the message says what to change."""


def canonical(name: str) -> str:
    """A distribution name as pip compares them (``PyYAML`` → ``pyyaml``, ``typing_extensions`` → ``typing-extensions``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class FunctionPackage:
    name: str
    packages: list[str] = field(default_factory=list)  # lambdas sub-packages included
    imports: set[str] = field(default_factory=set)  # third-party top-level imports
    lazy_imports: set[str] = field(default_factory=set)  # imported only inside functions

    @property
    def requirements(self) -> list[str]:
        # imports made inside functions count too (MetricFlow is imported on first use); only the
        # local-only ones (duckdb) stay out
        return sorted(
            {
                distribution_of(name)
                for name in self.imports | self.lazy_imports
                if name not in FROM_RUNTIME and name not in FROM_LAYER and name not in LOCAL_ONLY
            }
        )

    @property
    def needs_layer(self) -> bool:
        return bool(self.imports & FROM_LAYER)


def distribution_of(import_name: str) -> str:
    """The distribution that provides a top-level import (``yaml`` → ``pyyaml``; otherwise the same name)."""
    return DISTRIBUTIONS.get(import_name, import_name.replace("_", "-").lower())


def existing_functions(repo: Path = REPO) -> list[str]:
    return [name for name in FUNCTIONS if (repo / "lambdas" / name / "handler.py").is_file()]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_imports(source: str) -> tuple[set[str], set[str]]:
    """Dotted names imported at module level and inside functions (``if TYPE_CHECKING:`` blocks skipped)."""
    top: set[str] = set()
    lazy: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit(other, in_function)
                continue
            target = lazy if in_function else top
            if isinstance(child, ast.Import):
                target.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                target.add(child.module)
                target.update(f"{child.module}.{alias.name}" for alias in child.names)
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, nested)

    visit(ast.parse(source), False)
    return top, lazy


def analyse(name: str, repo: Path = REPO) -> FunctionPackage:
    """The lambdas packages and third-party imports a function's package needs."""
    lambdas_dir = repo / "lambdas"
    package = FunctionPackage(name)
    declared = set(runtime_specifiers(repo)) if (repo / "pyproject.toml").is_file() else set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in package.packages:
            continue
        directory = lambdas_dir / current
        if not (directory / "__init__.py").is_file():
            raise PackagingError(
                f"lambdas.{current} is imported but lambdas/{current}/__init__.py does not exist"
            )
        package.packages.append(current)
        for path in sorted(directory.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            top, lazy = module_imports(path.read_text(encoding="utf-8"))
            for dotted, is_lazy in [(d, False) for d in top] + [(d, True) for d in lazy]:
                parts = dotted.split(".")
                root = parts[0]
                if root == "lambdas":
                    if len(parts) > 1 and (lambdas_dir / parts[1] / "__init__.py").is_file():
                        pending.append(parts[1])
                    continue
                if root in sys.stdlib_module_names or root == "__future__":
                    continue
                if root not in DISTRIBUTIONS and distribution_of(root) not in declared:
                    raise PackagingError(
                        f"{path.relative_to(repo)} imports {root!r}, not a runtime dependency: add it "
                        "to pyproject.toml [project] dependencies (and to DISTRIBUTIONS in "
                        "scripts/package_lambdas.py if its distribution has another name)"
                    )
                (package.lazy_imports if is_lazy else package.imports).add(root)
    package.lazy_imports -= package.imports
    package.packages.sort()
    return package


def runtime_specifiers(repo: Path = REPO) -> dict[str, str]:
    """Distribution name → requirement string from ``[project] dependencies``."""
    data = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    result: dict[str, str] = {}
    for text in data["project"]["dependencies"]:
        match = _REQUIREMENT_NAME.match(text)
        if match is None:
            raise PackagingError(f"cannot read the requirement {text!r} in pyproject.toml")
        result[canonical(match.group(0))] = text
    return result


def read_lock(repo: Path = REPO) -> dict[str, str]:
    """Distribution → exact version pinned in ``lambdas/requirements.lock`` (empty when there is none)."""
    path = repo / LOCK
    if not path.is_file():
        return {}
    pins: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        name, sep, version = text.partition("==")
        if not sep or not version.strip() or not _REQUIREMENT_NAME.fullmatch(name.strip()):
            raise PackagingError(f"{LOCK}:{number}: expected 'name==version', got {line!r}")
        pins[canonical(name.strip())] = version.strip()
    return pins


def root_requirements(name: str, package: FunctionPackage, repo: Path) -> list[str]:
    """The function's direct requirements as pip strings, with the extras its entry in FUNCTIONS asks for."""
    specifiers = runtime_specifiers(repo)
    extras = {canonical(k): v for k, v in FUNCTIONS.get(name, Function()).extras.items()}
    roots = []
    for distribution in package.requirements:
        key = canonical(distribution)
        if key not in specifiers:
            raise PackagingError(
                f"{distribution} is imported by lambdas.{name} but not in [project] dependencies"
            )
        spec = specifiers[key]
        if key in extras:
            base = _REQUIREMENT_NAME.match(spec)
            assert base is not None
            rest = re.sub(r"^\s*\[[^\]]*\]", "", spec[base.end() :])
            wanted = f"[{','.join(extras[key])}]" if extras[key] else ""
            spec = f"{base.group(0)}{wanted}{rest}"
        roots.append(spec)
    return roots


def _pip_platform(platform: str, python_version: str) -> list[str]:
    return ["--platform", platform, "--implementation", "cp", "--python-version", python_version]


def _run_pip(arguments: list[str], what: str) -> None:
    command = [sys.executable, "-m", "pip", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv)
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if not line.startswith("WARNING: Location")]
        raise PackagingError(f"pip could not {what}:\n" + "\n".join(errors[-20:]))


def resolve(
    roots: list[str], platform: str, python_version: str, pins: Mapping[str, str] | None
) -> list[dict[str, Any]]:
    """pip's resolution of ``roots`` for the Lambda platform (its ``--report`` install items), constrained to
    ``pins`` when given."""
    with tempfile.TemporaryDirectory(prefix="pca-resolve-") as scratch:
        report = Path(scratch) / "report.json"
        arguments = [
            *("install", "--dry-run", "--ignore-installed", "--quiet", "--disable-pip-version-check"),
            *("--report", str(report), "--target", str(Path(scratch) / "target")),
            *_pip_platform(platform, python_version),
            "--only-binary=:all:",
        ]
        if pins:
            constraints = Path(scratch) / "constraints.txt"
            constraints.write_text("".join(f"{k}=={v}\n" for k, v in sorted(pins.items())), encoding="utf-8")
            arguments += ["--constraint", str(constraints)]
        _run_pip([*arguments, *roots], f"resolve {' '.join(roots)} for {platform}/CPython {python_version}")
        items: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))["install"]
    return items


def _requirement_edges(requirement: str, extras: set[str]) -> tuple[str, set[str]] | None:
    """``requires_dist`` entry → (distribution, extras it asks for), or None when it belongs to an extra not
    requested. Other markers (Python version, platform) are kept: over-keeping is safe, dropping is not."""
    text, _, marker = requirement.partition(";")
    wanted = _EXTRA_MARKER.findall(marker)
    if wanted and not set(wanted) & extras:
        return None
    match = _REQUIREMENT_NAME.match(text.strip())
    if match is None:
        return None
    bracket = re.match(r"\s*\[([^\]]*)\]", text.strip()[match.end() :])
    asked = {e.strip() for e in bracket.group(1).split(",")} if bracket else set()
    return canonical(match.group(0)), asked


def bundled_distributions(roots: list[str], items: list[dict[str, Any]]) -> dict[str, str]:
    """Distribution → version of what the package ships: everything the roots need, following dependencies,
    but never into what the runtime or the layer provides — so what only boto3/botocore need stays out too."""
    found = {canonical(i["metadata"]["name"]): i["metadata"] for i in items}
    provided = {canonical(n) for n in FROM_RUNTIME | FROM_LAYER}
    pending: list[tuple[str, set[str]]] = []
    for root in roots:
        edge = _requirement_edges(root, set())
        if edge is not None:
            pending.append(edge)
    keep: dict[str, set[str]] = {}
    while pending:
        name, extras = pending.pop()
        if name in provided or name not in found:
            continue
        if name in keep and extras <= keep[name]:
            continue
        keep[name] = keep.get(name, set()) | extras
        for requirement in found[name].get("requires_dist") or []:
            edge = _requirement_edges(requirement, keep[name])
            if edge is not None:
                pending.append(edge)
    return {found[name]["name"]: found[name]["version"] for name in sorted(keep)}


def install_exactly(
    distributions: Mapping[str, str], target: Path, python_version: str, platform: str
) -> None:
    if not distributions:
        return
    pinned = [f"{name}=={version}" for name, version in sorted(distributions.items())]
    print(f"  pip install --no-deps ({platform}, CPython {python_version}): {' '.join(pinned)}", flush=True)
    _run_pip(
        [
            *("install", "--quiet", "--disable-pip-version-check", "--no-compile", "--no-deps"),
            *("--target", str(target)),
            *_pip_platform(platform, python_version),
            "--only-binary=:all:",
            *pinned,
        ],
        f"install the Lambda dependencies for {platform}/CPython {python_version}",
    )


def locked_distributions(
    name: str, package: FunctionPackage, repo: Path, python_version: str, platform: str
) -> dict[str, str]:
    """What the function's package ships, each at its pinned version; PackagingError for anything unpinned."""
    roots = root_requirements(name, package, repo)
    if not roots:
        return {}
    pins = read_lock(repo)
    shipped = bundled_distributions(roots, resolve(roots, platform, python_version, pins))
    unpinned = sorted(d for d, v in shipped.items() if pins.get(canonical(d)) != v)
    if unpinned:
        raise PackagingError(
            f"{', '.join(unpinned)} (needed by lambdas.{name}) not pinned in {LOCK}: run "
            "'python scripts/package_lambdas.py --update-lock'"
        )
    return shipped


def update_lock(repo: Path, python_version: str) -> Path:
    """Resolve every function's dependencies for every architecture, unconstrained, and pin the result."""
    pins: dict[str, str] = {}
    for name in existing_functions(repo):
        package = analyse(name, repo)
        roots = root_requirements(name, package, repo)
        for platform in PLATFORMS.values():
            if roots:
                for distribution, version in bundled_distributions(
                    roots, resolve(roots, platform, python_version, None)
                ).items():
                    previous = pins.setdefault(canonical(distribution), version)
                    if previous != version:
                        raise PackagingError(
                            f"{distribution} resolves to {previous} and {version} on different platforms"
                        )
    path = repo / LOCK
    lines = [
        "# Exact versions of every third-party distribution the Lambda packages ship (scripts/package_lambdas.py).",
        "# Regenerate with: python scripts/package_lambdas.py --update-lock",
        *sorted(f"{name}=={version}" for name, version in pins.items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _clean(tree: Path) -> None:
    """Drop what must not ship: caches, bytecode, console scripts."""
    for directory in sorted(tree.rglob("__pycache__"), reverse=True):
        shutil.rmtree(directory, ignore_errors=True)
    for pyc in tree.rglob("*.py[co]"):
        pyc.unlink()
    shutil.rmtree(tree / "bin", ignore_errors=True)


def _copy_sources(repo: Path, package: FunctionPackage, tree: Path) -> None:
    lambdas_out = tree / "lambdas"
    lambdas_out.mkdir(parents=True)
    shutil.copy2(repo / "lambdas" / "__init__.py", lambdas_out / "__init__.py")
    ignore = shutil.ignore_patterns(
        "__pycache__", "*.pyc", "*.pyo", "build", ".pytest_cache", "*.so", "*.pyi"
    )
    for sub in package.packages:
        shutil.copytree(repo / "lambdas" / sub, lambdas_out / sub, ignore=ignore)


def _files(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path


def write_zip(entries: Iterable[tuple[str, Path]], destination: Path) -> None:
    """A zip whose bytes depend only on the entries' names and contents."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for arcname, path in sorted(entries, key=lambda entry: entry[0]):
            info = zipfile.ZipInfo(arcname, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, path.read_bytes(), compresslevel=6)
    tmp.replace(destination)


def architecture_of(name: str, override: str | None = None) -> str:
    architecture = override or FUNCTIONS.get(name, Function()).architecture
    if architecture not in PLATFORMS:
        raise PackagingError(
            f"unknown Lambda architecture {architecture!r}: use one of {', '.join(PLATFORMS)}"
        )
    return architecture


def build_function(
    name: str, out: Path, work: Path, repo: Path, python_version: str, architecture: str | None = None
) -> tuple[Path, FunctionPackage]:
    package = analyse(name, repo)
    arch = architecture_of(name, architecture)
    platform = PLATFORMS[arch]
    tree = work / name
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    print(f"{name} ({arch}): lambdas.{{{', '.join(package.packages)}}}", flush=True)
    install_exactly(
        locked_distributions(name, package, repo, python_version, platform), tree, python_version, platform
    )
    _copy_sources(repo, package, tree)
    _clean(tree)
    if package.needs_layer:
        print(
            f"  pyarrow comes from the AWS SDK for pandas layer for {arch} "
            f"(imports: {', '.join(sorted(package.imports & FROM_LAYER))})"
        )
    for skipped in sorted((package.imports | package.lazy_imports) & LOCAL_ONLY):
        where = "inside functions only" if skipped in package.lazy_imports else "AT MODULE LEVEL"
        print(f"  {skipped} is not bundled (local engine only); imported {where}")
    destination = out / f"{name}.zip"
    write_zip(_files(tree), destination)
    print(f"  → {destination} ({destination.stat().st_size:,} bytes)", flush=True)
    return destination, package


def build_dbt_bundle(out: Path, repo: Path) -> Path | None:
    project = repo / "dbt_project"
    buildspec = repo / "orchestration" / "buildspec.yml"
    if not (project / "dbt_project.yml").is_file():
        print("dbt_build: skipped (dbt_project/dbt_project.yml does not exist)")
        return None
    entries = [("orchestration/buildspec.yml", buildspec)]
    for relative, path in _files(project):
        if DBT_EXCLUDE & set(relative.split("/")) or path.suffix in {".pyc", ".duckdb"}:
            continue
        entries.append((f"dbt_project/{relative}", path))
    destination = out / "dbt_build.zip"
    write_zip(entries, destination)
    print(f"dbt_build: {len(entries)} files → {destination} ({destination.stat().st_size:,} bytes)")
    return destination


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "functions",
        nargs="*",
        help=f"functions to build (default: every one of {tuple(FUNCTIONS)} that exists)",
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "terraform" / "lambda_packages", help="output folder"
    )
    parser.add_argument("--work-dir", type=Path, default=REPO / "build" / "lambda", help="scratch folder")
    parser.add_argument("--repo", type=Path, default=REPO, help=argparse.SUPPRESS)
    parser.add_argument(
        "--python-version", default=os.environ.get("PCA_LAMBDA_PYTHON_VERSION", PYTHON_VERSION)
    )
    parser.add_argument(
        "--architecture",
        choices=sorted(PLATFORMS),
        default=os.environ.get("PCA_LAMBDA_ARCHITECTURE") or None,
        help="build every function for this architecture instead of its own (terraform's lambda_architecture "
        "must say the same)",
    )
    parser.add_argument("--no-dbt-bundle", action="store_true", help="skip dbt_build.zip")
    parser.add_argument(
        "--update-lock", action="store_true", help=f"re-resolve and rewrite {LOCK}, then stop"
    )
    args = parser.parse_args(argv)

    repo: Path = args.repo.resolve()
    available = existing_functions(repo)
    chosen = args.functions or available
    try:
        if args.update_lock:
            print(f"pinned every Lambda dependency in {update_lock(repo, args.python_version)}")
            return 0
        unknown = [name for name in chosen if name not in available]
        if unknown:
            raise PackagingError(
                f"no handler for {', '.join(unknown)}: expected lambdas/<name>/handler.py; available: "
                + (", ".join(available) or "none")
            )
        if not chosen:
            raise PackagingError("no Lambda handler exists yet (lambdas/<name>/handler.py)")
        out = args.out.resolve()
        out.mkdir(parents=True, exist_ok=True)
        for name in chosen:
            build_function(name, out, args.work_dir.resolve(), repo, args.python_version, args.architecture)
        if not args.no_dbt_bundle:
            build_dbt_bundle(out, repo)
    except PackagingError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
