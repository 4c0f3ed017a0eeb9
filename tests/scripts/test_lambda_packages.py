"""lambdas/build.sh builds one reproducible zip per Lambda for the Lambda platform, and each one imports.

The build installs wheels from PyPI for manylinux2014_x86_64 / CPython 3.11 (pip's cache makes reruns fast).
The import check runs in a fresh virtual environment that has only what the Lambda runtime and the
AWS SDK for pandas layer provide (boto3, pyarrow), with the unzipped package as the function's code.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import package_lambdas
import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "lambdas" / "build.sh"
FUNCTIONS = package_lambdas.existing_functions()
# Wheel platform tags a python3.11 Lambda (Amazon Linux 2, glibc 2.26) can load.
LAMBDA_TAGS = re.compile(
    r"^(py3|cp311|py2\.py3)-(none|cp311|abi3)-(any|manylinux(1|2010|2014|_2_(5|12|17))_x86_64)$"
)

pytestmark = pytest.mark.slow


def _snapshot(destination: Path) -> Path:
    """A copy of the build's inputs, so both builds read the same files while the checkout keeps changing."""
    ignore = shutil.ignore_patterns(
        "__pycache__", "*.pyc", "*.so", "target", "logs", "dbt_packages", ".user.yml"
    )
    for folder in ("lambdas", "dbt_project"):
        shutil.copytree(REPO / folder, destination / folder, ignore=ignore)
    (destination / "orchestration").mkdir()
    shutil.copy2(REPO / "orchestration" / "buildspec.yml", destination / "orchestration" / "buildspec.yml")
    shutil.copy2(REPO / "pyproject.toml", destination / "pyproject.toml")
    return destination


def _build(out: Path, work: Path, repo: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON": sys.executable}
    source = ["--repo", str(repo)] if repo is not None else []
    return subprocess.run(
        ["bash", str(BUILD), "--out", str(out), "--work-dir", str(work), *source],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("packages")
    inputs = _snapshot(base / "repo")
    outs = []
    for n in (1, 2):
        result = _build(base / f"out{n}", base / f"work{n}", inputs)
        assert result.returncode == 0, result.stderr + result.stdout
        outs.append(base / f"out{n}")
    return outs[0], outs[1]


@pytest.fixture(scope="module")
def runtime_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean environment with what the Lambda runtime (boto3) and the pandas layer (pyarrow) provide."""
    home = tmp_path_factory.mktemp("runtime-venv")
    venv.create(home, with_pip=True, clear=True)
    python = home / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "boto3", "pyarrow"],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return python


def test_build_writes_one_zip_per_existing_handler_and_the_dbt_bundle(builds: tuple[Path, Path]) -> None:
    first, _ = builds
    assert "stream_processor" in FUNCTIONS
    assert sorted(p.name for p in first.glob("*.zip")) == sorted(
        [f"{f}.zip" for f in FUNCTIONS] + ["dbt_build.zip"]
    )


def test_two_builds_give_identical_bytes(builds: tuple[Path, Path]) -> None:
    first, second = builds
    for zip_path in sorted(first.glob("*.zip")):
        twin = second / zip_path.name
        assert hashlib.sha256(zip_path.read_bytes()).digest() == hashlib.sha256(twin.read_bytes()).digest(), (
            zip_path
        )


@pytest.mark.parametrize("name", FUNCTIONS)
def test_package_entries_are_sorted_timestamped_alike_and_free_of_bytecode(
    builds: tuple[Path, Path], name: str
) -> None:
    with zipfile.ZipFile(builds[0] / f"{name}.zip") as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert [n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n] == []


@pytest.mark.parametrize("name", FUNCTIONS)
def test_package_leaves_boto3_and_pyarrow_to_the_runtime_and_layer(
    builds: tuple[Path, Path], name: str
) -> None:
    with zipfile.ZipFile(builds[0] / f"{name}.zip") as archive:
        top = {n.split("/")[0] for n in archive.namelist()}
    assert top & {"boto3", "botocore", "s3transfer", "pyarrow", "numpy", "pandas", "duckdb"} == set()
    assert f"lambdas/{name}/handler.py" in archive.namelist()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_package_has_only_wheels_built_for_the_lambda_platform(builds: tuple[Path, Path], name: str) -> None:
    with zipfile.ZipFile(builds[0] / f"{name}.zip") as archive:
        wheels = [n for n in archive.namelist() if n.endswith(".dist-info/WHEEL")]
        assert wheels, "dependencies are installed from wheels"
        for wheel in wheels:
            tags = re.findall(r"^Tag: (.+)$", archive.read(wheel).decode(), re.MULTILINE)
            assert any(LAMBDA_TAGS.match(tag) for tag in tags), (wheel, tags)
        shared_objects = [n for n in archive.namelist() if n.endswith(".so") or ".so." in n]
    for so in shared_objects:
        assert "x86_64" in so or "cpython-311" in so or ".libs/" in so, so


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_package_imports_its_handler_in_a_clean_virtual_environment(
    builds: tuple[Path, Path], runtime_venv: Path, tmp_path: Path, name: str
) -> None:
    task = tmp_path / "task"
    with zipfile.ZipFile(builds[0] / f"{name}.zip") as archive:
        archive.extractall(task)
    probe = (
        "import importlib, sys; sys.path.insert(0, sys.argv[1]); "
        f"m = importlib.import_module('lambdas.{name}.handler'); "
        "assert callable(m.lambda_handler); "
        "print(m.__file__)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "PostCallAnalytics",
    }
    result = subprocess.run(
        [str(runtime_venv), "-I", "-c", probe, str(task)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(task / "lambdas" / name / "handler.py")


def test_stream_processor_package_carries_its_c_converter_built_for_the_lambda_platform(
    builds: tuple[Path, Path], runtime_venv: Path, tmp_path: Path
) -> None:
    task = tmp_path / "task"
    with zipfile.ZipFile(builds[0] / "stream_processor.zip") as archive:
        archive.extractall(task)
        names = archive.namelist()
    (shared_object,) = [n for n in names if n.startswith("lambdas/stream_processor/_convert.")]
    assert shared_object.endswith(".cpython-311-x86_64-linux-gnu.so")
    assert (2, 0) <= package_lambdas.required_glibc(task / shared_object) <= package_lambdas.MAX_GLIBC
    assert b"/work/" not in (task / shared_object).read_bytes()  # no build paths inside
    assert sys.base_prefix.encode() not in (task / shared_object).read_bytes()
    assert not [n for n in names if n.startswith("lambdas/") and n.endswith((".c", ".pyi"))]
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); from lambdas.stream_processor import convert; "
        'assert convert.ACCELERATED; print(convert.to_json({"n": {"N": "1.50"}, "s": {"SS": ["b", "a"]}}))'
    )
    result = subprocess.run(
        [str(runtime_venv), "-I", "-c", probe, str(task)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '{"n":1.50,"s":["a","b"]}'


def test_without_a_compiler_the_package_ships_the_pure_python_converter(tmp_path: Path) -> None:
    inputs = _snapshot(tmp_path / "repo")
    env = {**os.environ, "PYTHON": sys.executable, "CC": "/nonexistent/cc"}
    result = subprocess.run(
        [
            *("bash", str(BUILD), "stream_processor", "--no-dbt-bundle"),
            *("--out", str(tmp_path / "out"), "--work-dir", str(tmp_path / "work"), "--repo", str(inputs)),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "lambdas.stream_processor._convert not built (no C compiler" in result.stdout
    with zipfile.ZipFile(tmp_path / "out" / "stream_processor.zip") as archive:
        assert not [n for n in archive.namelist() if n.endswith(".so") and "stream_processor" in n]
        assert "lambdas/stream_processor/convert.py" in archive.namelist()


def test_extensions_are_only_built_where_they_can_run_on_the_lambda_runtime() -> None:
    assert package_lambdas.cannot_build_extensions_for("3.11", "manylinux2014_x86_64") is None
    assert "3.12" in (package_lambdas.cannot_build_extensions_for("3.12", "manylinux2014_x86_64") or "")
    assert package_lambdas.cannot_build_extensions_for("3.11", "manylinux2014_aarch64") is not None


def test_executor_package_holds_the_shared_code_and_generated_artifacts_it_reads(
    builds: tuple[Path, Path],
) -> None:
    if "athena_executor" not in FUNCTIONS:
        pytest.fail("lambdas/athena_executor/handler.py is part of the deployment")
    with zipfile.ZipFile(builds[0] / "athena_executor.zip") as archive:
        names = set(archive.namelist())
    assert "lambdas/shared/sql_guard.py" in names
    assert "lambdas/athena_executor/artifacts/schema_catalog.json" in names
    assert "lambdas/athena_executor/artifacts/semantic_manifest.json" in names
    assert "lambdas/shared/answering/semantic.py" in names
    assert "metricflow/engine/metricflow_engine.py" in names  # query_metrics compiles at run time
    assert not [n for n in names if n.startswith("lambdas/stream_processor/")]


def test_dbt_bundle_holds_the_project_and_buildspec_but_no_build_output(builds: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(builds[0] / "dbt_build.zip") as archive:
        names = archive.namelist()
    assert "orchestration/buildspec.yml" in names
    assert "dbt_project/dbt_project.yml" in names
    assert "dbt_project/profiles.yml" in names
    assert [n for n in names if n.startswith(("dbt_project/target/", "dbt_project/logs/"))] == []


# ── Analysis of what a function needs (no network) ─────────────────────────────────────────────────────────


def _fake_repo(tmp_path: Path, handler_source: str) -> Path:
    (tmp_path / "lambdas" / "fn").mkdir(parents=True)
    (tmp_path / "lambdas" / "helpers").mkdir()
    (tmp_path / "lambdas" / "unused").mkdir()
    for package in ("", "fn", "helpers", "unused"):
        (tmp_path / "lambdas" / package / "__init__.py").write_text("")
    (tmp_path / "lambdas" / "fn" / "handler.py").write_text(handler_source)
    (tmp_path / "lambdas" / "helpers" / "text.py").write_text("import yaml\n")
    return tmp_path


def test_analysis_follows_lambdas_imports_and_separates_lazy_and_typing_only_imports(tmp_path: Path) -> None:
    repo = _fake_repo(
        tmp_path,
        "from __future__ import annotations\n"
        "import json\n"
        "from typing import TYPE_CHECKING\n"
        "import orjson\n"
        "from lambdas.helpers import text\n"
        "if TYPE_CHECKING:\n"
        "    from mypy_boto3_s3 import S3Client\n"
        "def local_engine():\n"
        "    import duckdb\n"
        "    return duckdb\n",
    )

    package = package_lambdas.analyse("fn", repo)

    assert package.packages == ["fn", "helpers"]
    assert package.imports == {"orjson", "yaml"}
    assert package.lazy_imports == {"duckdb"}
    assert package.requirements == ["orjson", "pyyaml"]


def test_a_dependency_imported_inside_a_function_is_still_bundled(tmp_path: Path) -> None:
    repo = _fake_repo(tmp_path, "def compile():\n    from metricflow.engine import metricflow_engine\n")
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["metricflow==0.213.0"]\n')

    package = package_lambdas.analyse("fn", repo)

    assert package.lazy_imports == {"metricflow"}
    assert package.requirements == ["metricflow"]


def test_analysis_names_an_import_that_is_not_a_runtime_dependency(tmp_path: Path) -> None:
    repo = _fake_repo(tmp_path, "import requests\n")

    with pytest.raises(package_lambdas.PackagingError, match=r"imports 'requests'.*pyproject.toml"):
        package_lambdas.analyse("fn", repo)


def test_a_new_runtime_dependency_declared_in_pyproject_is_bundled(tmp_path: Path) -> None:
    repo = _fake_repo(tmp_path, "import jmespath\n")
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["jmespath>=1", "orjson"]\n')

    package = package_lambdas.analyse("fn", repo)

    assert package.requirements == ["jmespath"]


def test_layer_and_runtime_packages_are_not_requirements(tmp_path: Path) -> None:
    repo = _fake_repo(tmp_path, "import boto3\nimport pyarrow\nimport aws_lambda_powertools\n")

    package = package_lambdas.analyse("fn", repo)

    assert package.requirements == ["aws-lambda-powertools"]
    assert package.needs_layer


def test_zip_bytes_depend_only_on_names_and_contents(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("alpha")
    b.write_text("beta")
    package_lambdas.write_zip([("x/b.txt", b), ("x/a.txt", a)], tmp_path / "one.zip")
    os.utime(a, (0, 1_000_000_000))
    package_lambdas.write_zip([("x/a.txt", a), ("x/b.txt", b)], tmp_path / "two.zip")

    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_build_script_refuses_a_function_without_a_handler(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            "bash",
            str(BUILD),
            "no_such_function",
            "--out",
            str(tmp_path / "out"),
            "--work-dir",
            str(tmp_path / "w"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "no handler for no_such_function" in result.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
