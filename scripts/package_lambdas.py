"""Build the Lambda deployment packages and the dbt build bundle, reproducibly.

Run through ``bash lambdas/build.sh``. For each function whose ``lambdas/<name>/handler.py`` exists it writes
``<out>/<name>.zip`` holding:

- the ``lambdas`` package tree the function needs: ``lambdas/__init__.py``, the function's own package, and
  every ``lambdas.<package>`` it imports (followed transitively), data files included;
- the third-party packages those modules import, installed by pip for the Lambda platform
  (``manylinux2014_x86_64``, CPython 3.11, binary wheels only, so no host-compiled code), with the version
  specifiers from ``pyproject.toml``'s ``[project] dependencies``. boto3/botocore come from the Lambda runtime
  and pyarrow from AWS's managed "AWS SDK for pandas" layer, so neither is bundled.

C extensions in a function's packages (``lambdas/<package>/<module>.c``, optional speed-ups whose pure-Python
equivalents ship too) are compiled for the Lambda target when this machine can build for it (Linux x86_64,
CPython 3.11, a C compiler): no debug info, build paths mapped away, symbols stripped, and refused if they need
a glibc newer than manylinux2014's 2.17. A host-built ``.so`` in the checkout never ships; where the extension
cannot be built the package runs the pure-Python code, and the build says so.

It also writes ``<out>/dbt_build.zip`` (``dbt_project/`` and ``orchestration/buildspec.yml``), the source of
the scheduled dbt build.

Zips are reproducible: entries sorted, fixed timestamps and permissions, no ``__pycache__``/``.pyc``, so the
same inputs give the same bytes and Terraform's ``source_code_hash`` changes only when something did.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform as host
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FUNCTIONS = ("stream_processor", "athena_executor", "api_handler")
PLATFORM = "manylinux2014_x86_64"  # the python3.11 runtime runs on Amazon Linux 2 (glibc 2.26)
PYTHON_VERSION = "3.11"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

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
# Provided at run time, never bundled: the Lambda Python runtime ships boto3; the AWS SDK for pandas layer
# ships pyarrow, pandas and numpy.
FROM_RUNTIME = frozenset({"boto3", "botocore", "s3transfer"})
FROM_LAYER = frozenset({"pyarrow", "pandas", "numpy"})
# Installed for the embedded run only: no duckdb wheel runs on the Lambda python3.11 runtime (its wheels need
# glibc 2.27+). Code a Lambda runs must import it lazily, inside the local-only path.
LOCAL_ONLY = frozenset({"duckdb"})
PROVIDED_DIRS = (
    "boto3",
    "botocore",
    "s3transfer",
    "pyarrow",
    "pandas",
    "numpy",
    "numpy.libs",
    "pyarrow.libs",
)
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_GLIBC = (2, 17)  # manylinux2014
EXTENSION_FLAGS = (
    "-shared",
    "-fPIC",
    "-O2",
    "-DNDEBUG",
    "-g0",
    "-s",
    "-Wall",
    "-Wextra",
    "-U_FORTIFY_SOURCE",
    "-D_FORTIFY_SOURCE=0",
    "-Wl,--build-id=none",
)
_GLIBC_VERSION = re.compile(rb"GLIBC_([0-9]+)\.([0-9]+)(?:\.([0-9]+))?")
DBT_EXCLUDE = frozenset({"target", "logs", "dbt_packages", ".user.yml", "__pycache__"})


class PackagingError(RuntimeError):
    """The packages cannot be built as asked; the message says what to change."""


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
        bundled = sorted(
            {
                distribution_of(name)
                for name in self.imports | self.lazy_imports
                if name not in FROM_RUNTIME and name not in FROM_LAYER and name not in LOCAL_ONLY
            }
        )
        return bundled

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
        result[re.sub(r"[-_.]+", "-", match.group(0)).lower()] = text
    return result


def pip_install(requirements: list[str], target: Path, python_version: str, platform: str) -> None:
    if not requirements:
        return
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(target),
        "--platform",
        platform,
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--only-binary=:all:",
        *requirements,
    ]
    print(f"  pip install ({platform}, CPython {python_version}): {' '.join(requirements)}", flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv)
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if not line.startswith("WARNING: Location")]
        raise PackagingError(
            "pip could not install the Lambda dependencies for "
            f"{platform}/CPython {python_version}:\n" + "\n".join(errors[-20:])
        )


def _clean(tree: Path) -> None:
    """Drop what must not ship: caches, bytecode, console scripts, packages the runtime or layer provide."""
    for directory in sorted(tree.rglob("__pycache__"), reverse=True):
        shutil.rmtree(directory, ignore_errors=True)
    for pyc in tree.rglob("*.py[co]"):
        pyc.unlink()
    shutil.rmtree(tree / "bin", ignore_errors=True)
    for name in PROVIDED_DIRS:
        shutil.rmtree(tree / name, ignore_errors=True)
    for info in tree.glob("*.dist-info"):
        distribution = info.name.split("-")[0].lower().replace("_", "-")
        if distribution in {"boto3", "botocore", "s3transfer", "pyarrow", "pandas", "numpy"}:
            shutil.rmtree(info)


def _copy_sources(repo: Path, package: FunctionPackage, tree: Path) -> None:
    lambdas_out = tree / "lambdas"
    lambdas_out.mkdir(parents=True)
    shutil.copy2(repo / "lambdas" / "__init__.py", lambdas_out / "__init__.py")
    ignore = shutil.ignore_patterns(
        "__pycache__", "*.pyc", "*.pyo", "build", ".pytest_cache", "*.so", "*.c", "*.pyi"
    )
    for sub in package.packages:
        shutil.copytree(repo / "lambdas" / sub, lambdas_out / sub, ignore=ignore)


def extension_sources(repo: Path, package: FunctionPackage) -> list[Path]:
    """The C sources (``lambdas/<package>/<module>.c``) in a function's packages."""
    return sorted(path for sub in package.packages for path in (repo / "lambdas" / sub).glob("*.c"))


def cannot_build_extensions_for(python_version: str, platform: str) -> str | None:
    """Why this machine cannot compile extensions for the Lambda target, or None when it can."""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if sys.platform != "linux" or host.machine() != "x86_64" or not platform.endswith("_x86_64"):
        return f"this machine ({sys.platform}/{host.machine()}) does not build for {platform}"
    if here != python_version:
        return f"this Python is {here}, the Lambda runtime is {python_version}"
    if sysconfig.get_config_var("EXT_SUFFIX") is None or not sysconfig.get_paths().get("include"):
        return "this Python has no headers for building extensions"
    return None


def build_extension(source: Path, repo: Path, destination_dir: Path) -> tuple[int, ...]:
    """Compile ``source`` into ``destination_dir`` as the module beside it and return the glibc version it needs;
    PackagingError on any failure."""
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    if shutil.which(compiler[0]) is None:
        raise PackagingError(f"no C compiler ({compiler[0]!r} not found)")
    target = destination_dir / f"{source.stem}{sysconfig.get_config_var('EXT_SUFFIX')}"
    destination_dir.mkdir(parents=True, exist_ok=True)
    command = [
        *compiler,
        *EXTENSION_FLAGS,
        f"-ffile-prefix-map={repo}=.",
        f"-ffile-prefix-map={sysconfig.get_paths()['include']}=python",
        f"-I{sysconfig.get_paths()['include']}",
        str(source),
        "-o",
        str(target),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv)
    if result.returncode != 0:
        raise PackagingError(f"compiling {source.name} failed:\n{result.stderr.strip()[-2000:]}")
    needed = required_glibc(target)
    if needed > MAX_GLIBC:
        target.unlink()
        raise PackagingError(
            f"{target.name} needs GLIBC_{_dotted(needed)}, newer than the Lambda platform allows "
            f"({_dotted(MAX_GLIBC)})"
        )
    return needed


def required_glibc(shared_object: Path) -> tuple[int, ...]:
    """The newest glibc symbol version a shared object names, e.g. (2, 2, 5); () when it names none."""
    found = [
        tuple(int(part) for part in m.groups() if part is not None)
        for m in _GLIBC_VERSION.finditer(shared_object.read_bytes())
    ]
    return max(found, default=())


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version)) or "nothing"


def _build_extensions(
    repo: Path, package: FunctionPackage, tree: Path, python_version: str, platform: str
) -> None:
    sources = extension_sources(repo, package)
    if not sources:
        return
    reason = cannot_build_extensions_for(python_version, platform)
    for source in sources:
        module = f"lambdas.{source.parent.name}.{source.stem}"
        try:
            if reason is not None:
                raise PackagingError(reason)
            glibc = build_extension(source, repo, tree / "lambdas" / source.parent.name)
        except PackagingError as error:
            print(f"  C extension {module} not built ({error}); the pure-Python code runs instead")
            continue
        print(f"  C extension {module} built for {platform} (needs GLIBC_{_dotted(glibc)})")


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


def build_function(
    name: str, out: Path, work: Path, repo: Path, python_version: str, platform: str
) -> tuple[Path, FunctionPackage]:
    package = analyse(name, repo)
    specifiers = runtime_specifiers(repo)
    requirements: list[str] = []
    for distribution in package.requirements:
        if distribution not in specifiers:
            raise PackagingError(
                f"{distribution} is imported by lambdas.{name} but not in [project] dependencies"
            )
        requirements.append(specifiers[distribution])
    tree = work / name
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    print(f"{name}: lambdas.{{{', '.join(package.packages)}}}", flush=True)
    pip_install(requirements, tree, python_version, platform)
    _copy_sources(repo, package, tree)
    _build_extensions(repo, package, tree, python_version, platform)
    _clean(tree)
    if package.needs_layer:
        print(
            f"  pyarrow comes from the AWS SDK for pandas layer "
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
        "functions", nargs="*", help=f"functions to build (default: every one of {FUNCTIONS} that exists)"
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "terraform" / "lambda_packages", help="output folder"
    )
    parser.add_argument("--work-dir", type=Path, default=REPO / "build" / "lambda", help="scratch folder")
    parser.add_argument("--repo", type=Path, default=REPO, help=argparse.SUPPRESS)
    parser.add_argument(
        "--python-version", default=os.environ.get("PCA_LAMBDA_PYTHON_VERSION", PYTHON_VERSION)
    )
    parser.add_argument("--platform", default=os.environ.get("PCA_LAMBDA_PLATFORM", PLATFORM))
    parser.add_argument("--no-dbt-bundle", action="store_true", help="skip dbt_build.zip")
    args = parser.parse_args(argv)

    repo: Path = args.repo.resolve()
    available = existing_functions(repo)
    chosen = args.functions or available
    try:
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
            build_function(name, out, args.work_dir.resolve(), repo, args.python_version, args.platform)
        if not args.no_dbt_bundle:
            build_dbt_bundle(out, repo)
    except PackagingError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
