"""lambdas/build.sh builds one reproducible zip per Lambda for its architecture, and each one runs.

The build installs the pinned wheels (lambdas/requirements.lock) for each function's Lambda platform (arm64 by
default); pip's cache makes reruns fast. Zips built for this machine's architecture then run in a fresh virtual
environment holding only what the Lambda runtime and the AWS SDK for pandas layer provide: boto3, and the
layer's pyarrow version made to behave like the layer's build — no S3 filesystem, no zstd — by a
``sitecustomize`` import hook. The stream processor's zip writes through it to a local moto S3 server.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path
from typing import Any

import boto3
import package_lambdas
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "lambdas" / "build.sh"
FUNCTIONS = package_lambdas.existing_functions()
HOST_ARCHITECTURE = {"x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]
# The Arrow the AWS SDK for pandas layer (terraform's default aws_sdk_pandas_version, 3.13.x) builds: see its
# building/lambda/build-lambda-layer.sh (ARROW_VERSION; ARROW_S3 off, ARROW_WITH_ZSTD=OFF, snappy and zlib on).
LAYER_PYARROW = "20.0.0"
# What only boto3/botocore need: the runtime has them, the packages must not carry them.
RUNTIME_ONLY = {"boto3", "botocore", "s3transfer", "urllib3", "dateutil", "six.py", "python_dateutil"}


def lambda_tags(architecture: str) -> re.Pattern[str]:
    """Wheel platform tags a python3.11 Lambda (Amazon Linux 2, glibc 2.26) of ``architecture`` can load."""
    machine = {"arm64": "aarch64", "x86_64": "x86_64"}[architecture]
    return re.compile(
        rf"^(py3|cp311|py2\.py3)-(none|cp311|abi3)-(any|manylinux(1|2010|2014|_2_(5|12|17|26))_{machine})$"
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


def _build(out: Path, work: Path, repo: Path | None = None, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PCA_LAMBDA_ARCHITECTURE"} | {"PYTHON": sys.executable}
    source = ["--repo", str(repo)] if repo is not None else []
    return subprocess.run(
        ["bash", str(BUILD), "--out", str(out), "--work-dir", str(work), *source, *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _snapshot(tmp_path_factory.mktemp("packages") / "repo")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory, inputs: Path) -> tuple[Path, Path]:
    """Two builds with each function's own architecture (arm64): the same inputs, so the same bytes."""
    base = tmp_path_factory.mktemp("default-builds")
    outs = []
    for n in (1, 2):
        result = _build(base / f"out{n}", base / f"work{n}", inputs)
        assert result.returncode == 0, result.stderr + result.stdout
        outs.append(base / f"out{n}")
    return outs[0], outs[1]


@pytest.fixture(scope="module")
def host_build(tmp_path_factory: pytest.TempPathFactory, inputs: Path) -> Path:
    """The packages built for this machine's architecture, so they can run here."""
    base = tmp_path_factory.mktemp("host-build")
    result = _build(
        base / "out", base / "work", inputs, "--architecture", HOST_ARCHITECTURE, "--no-dbt-bundle"
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return base / "out"


# Makes this environment's pyarrow behave like the layer's: pyarrow._s3fs is not importable (pyarrow.fs then
# refuses S3FileSystem with "not built with support for 'S3FileSystem'"), and Parquet refuses zstd.
LAYER_SITECUSTOMIZE = """
import importlib.abc
import importlib.util
import inspect
import sys


def _refuse_zstd(core):
    import pyarrow.lib

    writer = core.ParquetWriter
    original = writer.__init__
    signature = inspect.signature(original)

    def __init__(self, *args, **kwargs):
        bound = signature.bind_partial(self, *args, **kwargs).arguments
        compression = bound.get("compression", "snappy")
        codecs = compression.values() if isinstance(compression, dict) else [compression]
        if any(str(c).lower() == "zstd" for c in codecs):
            raise pyarrow.lib.ArrowNotImplementedError("Support for codec 'zstd' not built")
        original(self, *args, **kwargs)

    writer.__init__ = __init__


class _LayerArrow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pyarrow._s3fs":
            raise ModuleNotFoundError("pyarrow was built without S3 support", name=name)
        if name != "pyarrow.parquet.core":
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _refuse_zstd(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _LayerArrow())
"""


@pytest.fixture(scope="module")
def runtime_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean Python 3.11 with what the Lambda runtime (boto3) and the pandas layer (its pyarrow, built without
    S3 and zstd) provide."""
    home = tmp_path_factory.mktemp("runtime-venv")
    venv.create(home, with_pip=True, clear=True)
    python = home / "bin" / "python"
    subprocess.run(
        [
            *(str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
            *("boto3", f"pyarrow=={LAYER_PYARROW}"),
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "sitecustomize.py").write_text(LAYER_SITECUSTOMIZE, encoding="utf-8")
    return python


def _run(
    python: Path, code: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-I", "-c", code, *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        timeout=300,
        check=False,
    )


def _unzip(archive: Path, task: Path) -> Path:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(task)
    return task


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
def test_package_leaves_boto3_its_dependencies_and_pyarrow_to_the_runtime_and_layer(
    builds: tuple[Path, Path], name: str
) -> None:
    with zipfile.ZipFile(builds[0] / f"{name}.zip") as archive:
        names = archive.namelist()
    top = {n.split("/")[0].split("-")[0].lower() for n in names}
    assert top & (RUNTIME_ONLY | {"pyarrow", "numpy", "pandas", "duckdb"}) == set(), sorted(top)
    assert f"lambdas/{name}/handler.py" in names


def test_the_stream_processor_ships_no_xray_sdk_and_the_executor_keeps_the_tracer_it_uses(
    builds: tuple[Path, Path],
) -> None:
    with zipfile.ZipFile(builds[0] / "stream_processor.zip") as archive:
        assert not [n for n in archive.namelist() if n.startswith(("aws_xray_sdk", "wrapt"))]
    assert "Tracer" not in (REPO / "lambdas" / "stream_processor" / "handler.py").read_text()
    with zipfile.ZipFile(builds[0] / "athena_executor.zip") as archive:
        assert [n for n in archive.namelist() if n.startswith("aws_xray_sdk/")]
    assert "Tracer(" in (REPO / "lambdas" / "athena_executor" / "handler.py").read_text()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_shipped_distribution_is_the_exact_version_the_lock_pins(
    builds: tuple[Path, Path], name: str
) -> None:
    pins = package_lambdas.read_lock(REPO)
    with zipfile.ZipFile(builds[0] / f"{name}.zip") as archive:
        shipped = {
            package_lambdas.canonical(m.group(1)): m.group(2)
            for n in archive.namelist()
            if (m := re.fullmatch(r"([^/]+)-([^-/]+)\.dist-info/METADATA", n))
        }
    assert bool(shipped) == bool(package_lambdas.analyse(name).requirements)
    assert {d: pins.get(d) for d in shipped} == shipped


def test_the_lock_pins_exact_versions_only() -> None:
    lines = [
        line
        for line in (REPO / "lambdas" / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9._-]+==[0-9][0-9A-Za-z.+!-]*", line) for line in lines), (
        lines
    )
    assert lines == sorted(lines)


def test_an_unpinned_dependency_stops_the_build(tmp_path: Path, inputs: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(inputs, repo)
    lock = repo / "lambdas" / "requirements.lock"
    lock.write_text(
        "".join(line + "\n" for line in lock.read_text().splitlines() if not line.startswith("orjson"))
    )

    result = _build(tmp_path / "out", tmp_path / "work", repo, "stream_processor", "--no-dbt-bundle")

    assert result.returncode == 1
    assert (
        "orjson (needed by lambdas.stream_processor) not pinned in lambdas/requirements.lock" in result.stderr
    )


@pytest.mark.parametrize("name", FUNCTIONS)
def test_package_has_only_wheels_built_for_its_lambda_architecture(
    builds: tuple[Path, Path], name: str
) -> None:
    architecture = package_lambdas.FUNCTIONS[name].architecture
    tags = lambda_tags(architecture)
    machine = {"arm64": "aarch64", "x86_64": "x86_64"}[architecture]
    with zipfile.ZipFile(builds[0] / f"{name}.zip") as archive:
        wheels = [n for n in archive.namelist() if n.endswith(".dist-info/WHEEL")]
        if package_lambdas.analyse(name).requirements:
            assert wheels, "dependencies are installed from wheels"
        else:
            assert not [n for n in archive.namelist() if ".dist-info/" in n], (
                "no dependencies: nothing installed"
            )
        for wheel in wheels:
            found = re.findall(r"^Tag: (.+)$", archive.read(wheel).decode(), re.MULTILINE)
            assert any(tags.match(tag) for tag in found), (wheel, found)
        shared_objects = [n for n in archive.namelist() if n.endswith(".so") or ".so." in n]
    for so in shared_objects:
        assert machine in so or ".libs/" in so or so.endswith(".abi3.so"), so


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_package_imports_its_handler_in_the_runtime_with_the_layers_pyarrow(
    host_build: Path, runtime_venv: Path, tmp_path: Path, name: str
) -> None:
    task = _unzip(host_build / f"{name}.zip", tmp_path / "task")
    probe = (
        "import importlib, sys; sys.path.insert(0, sys.argv[1]); "
        f"m = importlib.import_module('lambdas.{name}.handler'); "
        "assert callable(m.lambda_handler); "
        "print(m.__file__)"
    )
    env = {
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "PostCallAnalytics",
    }
    result = _run(runtime_venv, probe, str(task), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(task / "lambdas" / name / "handler.py")


def test_the_runtime_environment_behaves_like_the_layer(runtime_venv: Path) -> None:
    probe = (
        "import io, pyarrow as pa, pyarrow.fs, pyarrow.parquet as pq\n"
        "print(pa.__version__)\n"
        "try:\n    pyarrow.fs.S3FileSystem\nexcept ImportError as e:\n    print('s3:', e)\n"
        "t = pa.table({'x': [1]})\n"
        "try:\n    pq.write_table(t, io.BytesIO(), compression='zstd')\nexcept pa.ArrowNotImplementedError as e:\n"
        "    print('zstd:', e)\n"
        "pq.write_table(t, io.BytesIO(), compression='snappy'); print('snappy: ok')\n"
    )
    result = _run(runtime_venv, probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        LAYER_PYARROW,
        "s3: The pyarrow installation is not built with support for 'S3FileSystem'",
        "zstd: Support for codec 'zstd' not built",
        "snappy: ok",
    ]


def _stream_event() -> dict[str, Any]:
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/{}/stream/2026-01-01T00:00:00.000"

    def record(sequence: int, table: str, at: int, image: dict[str, Any]) -> dict[str, Any]:
        return {
            "eventID": f"ev-{sequence}",
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "ApproximateCreationDateTime": at,
                "Keys": {"id": image["id"]},
                "NewImage": image,
                "SequenceNumber": str(sequence),
                "SizeBytes": 10,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
            "eventSourceARN": arn.format(table),
        }

    day = 1_767_225_600
    return {
        "Records": [
            record(100, "calls", day, {"id": {"S": "c1"}, "n": {"N": "1.50"}, "tags": {"SS": ["b", "a"]}}),
            record(200, "calls", day + 86_400, {"id": {"S": "c2"}, "n": {"N": "12345678901234567890.5"}}),
            record(300, "scorecards", day, {"id": {"S": "e1"}, "score": {"N": "0.5"}}),
            record(400, "calls", day, {"id": {"S": "c3"}, "n": {"N": "1e400"}}),  # out of range: quarantined
        ]
    }


@pytest.mark.usefixtures("aws_env")
def test_the_built_stream_processor_writes_to_s3_in_the_layers_runtime(
    host_build: Path, runtime_venv: Path, tmp_path: Path, moto_endpoint: str
) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="lake")
    task = _unzip(host_build / "stream_processor.zip", tmp_path / "task")
    event = tmp_path / "event.json"
    event.write_text(json.dumps(_stream_event()))
    invoke = (
        "import json, sys; sys.path.insert(0, sys.argv[1])\n"
        "from lambdas.stream_processor import handler\n"
        "class Context:\n"
        "    function_name = 'post-call-analytics-stream-processor'; memory_limit_in_mb = 512\n"
        "    invoked_function_arn = 'arn:aws:lambda:us-east-1:123456789012:function:x'; aws_request_id = 'r'\n"
        "event = json.load(open(sys.argv[2]))\n"
        "print('RESPONSE', json.dumps(handler.lambda_handler(event, Context())))\n"
    )
    env = {
        "PCA_LAKE_URI": "s3://lake",
        "AWS_ENDPOINT_URL_S3": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_METRICS_NAMESPACE": "PostCallAnalytics",
    }

    result = _run(runtime_venv, invoke, str(task), str(event), env=env)

    assert result.returncode == 0, result.stderr + result.stdout
    (response,) = [line for line in result.stdout.splitlines() if line.startswith("RESPONSE ")]
    assert json.loads(response.removeprefix("RESPONSE ")) == {"batchItemFailures": []}
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"])
    assert [k for k in keys if k.endswith(".parquet")] == [
        "calls/dt=2026-01-01/stream-20260101T000000000-100-100.parquet",
        "calls/dt=2026-01-02/stream-20260101T000000000-200-200.parquet",
        "scorecards/dt=2026-01-01/stream-20260101T000000000-300-300.parquet",
    ]
    (quarantine,) = [k for k in keys if k.startswith("quarantine/calls/")]
    assert (
        "outside DynamoDB's number range"
        in s3.get_object(Bucket="lake", Key=quarantine)["Body"].read().decode()
    )
    first = s3.get_object(Bucket="lake", Key=keys[0], ChecksumMode="ENABLED")
    body = first["Body"].read()
    assert first["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()
    parquet = pq.ParquetFile(io.BytesIO(body))
    assert parquet.metadata.row_group(0).column(0).compression == "SNAPPY"
    row = parquet.read().to_pylist()[0]
    assert json.loads(row["new_image"]) == {"id": "c1", "n": 1.5, "tags": ["a", "b"]}
    assert '"n":1.50' in row["new_image"]


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


def test_api_handler_package_holds_the_router_models_answering_chain_and_what_it_reads(
    builds: tuple[Path, Path],
) -> None:
    assert "api_handler" in FUNCTIONS, "lambdas/api_handler/handler.py is part of the deployment"
    with zipfile.ZipFile(builds[0] / "api_handler.zip") as archive:
        names = set(archive.namelist())
    for expected in (
        "lambdas/api_handler/app.py",
        "lambdas/api_handler/models.py",
        "lambdas/shared/answering/chain.py",
        "lambdas/shared/sql_guard.py",
        "lambdas/athena_executor/artifacts/schema_catalog.json",  # GET /schema
        "lambdas/athena_executor/artifacts/verified_queries.athena.json",  # verified answers, GET /suggestions
    ):
        assert expected in names, expected
    assert any(n.startswith("pydantic/") for n in names) and any(
        n.startswith("pydantic_core/") for n in names
    )
    assert not [n for n in names if n.startswith(("lambdas/stream_processor/", "orchestration/", "duckdb/"))]


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
    repo = _fake_repo(tmp_path, "import tabulate\n")
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["tabulate>=0.9", "orjson"]\n'
    )

    package = package_lambdas.analyse("fn", repo)

    assert package.requirements == ["tabulate"]


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


def test_dependencies_the_runtime_installs_with_boto3_are_never_bundled() -> None:
    def item(name: str, version: str, *requires: str) -> dict[str, Any]:
        return {"metadata": {"name": name, "version": version, "requires_dist": list(requires)}}

    items = [
        item("metricflow", "1.0", "python-dateutil>=2.8", "jinja2", "jmespath"),
        item("jinja2", "3.1", "markupsafe"),
        item("markupsafe", "3.0"),
        item("python-dateutil", "2.9", "six>=1.5"),
        item("six", "1.17"),
        item("jmespath", "1.0"),
    ]

    shipped = package_lambdas.bundled_distributions(["metricflow==1.0"], items)

    assert shipped == {"jinja2": "3.1", "markupsafe": "3.0", "metricflow": "1.0"}
