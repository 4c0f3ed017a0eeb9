"""Fixtures for the chat API tests: a real dbt-built DuckDB warehouse, moto DynamoDB and S3, a fake agent."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lambdas.api_handler.app import Services, create_app, finish_job
from lambdas.api_handler.calls import S3Transcripts
from lambdas.api_handler.jobs import ThreadDispatcher
from lambdas.api_handler.store import DynamoStore
from lambdas.api_handler.wiring import ApiSettings, build_services, calls_over
from lambdas.shared.answering.bedrock_agent import BedrockAgentAnswerer
from lambdas.shared.answering.config import AnsweringConfig
from lambdas.shared.answering.model import Answerer
from lambdas.shared.answering.setup import build_answerer, guarded_runner
from lambdas.shared.query_engines import DuckDbEngine
from orchestration.api_server import to_event
from tests.api.api_fakes import FakeAgentRuntime, LambdaContext

TABLE = "post-call-analytics-conversations"
TRANSCRIBE_BUCKET = "transcribe-output"
END_DATE = date(2026, 6, 30)


@dataclass(frozen=True)
class Warehouse:
    root: Path
    warehouse: Path
    lake: Path
    transcribe: Path


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """250 generated calls (with transcripts) replayed into a lake and built with dbt on DuckDB."""
    from orchestration.paths import data_paths
    from orchestration.replay import replay
    from orchestration.synthetic.feed import GenerateOptions, generate

    root = tmp_path_factory.mktemp("api-warehouse")
    paths = data_paths(root)
    generate(paths, GenerateOptions(calls=250, days=30, seed=5, end_date=END_DATE, progress=False))
    replay(paths, progress=False)
    project = Path(__file__).resolve().parents[2] / "dbt_project"
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "run",
            "--target",
            "local",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(root / "dbt-target"),
            "--log-path",
            str(root / "dbt-logs"),
        ],
        env={**os.environ, "PCA_DATA_DIR": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    return Warehouse(root, paths.warehouse, paths.lake, paths.transcribe)


@pytest.fixture
def engine(warehouse: Warehouse) -> Iterator[DuckDbEngine]:
    engine = DuckDbEngine(warehouse.warehouse, warehouse.lake)
    yield engine
    engine.close()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


def create_conversations_table() -> Any:
    """The table as Terraform defines it: pk/sk strings, on demand (TTL on ``expires_at``)."""
    client = boto3.client("dynamodb")
    client.create_table(
        TableName=TABLE,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    return boto3.resource("dynamodb").Table(TABLE)


@pytest.fixture
def store(aws: None) -> DynamoStore:
    return DynamoStore(create_conversations_table())


@pytest.fixture
def transcripts(aws: None, warehouse: Warehouse) -> S3Transcripts:
    """The generated Transcribe documents uploaded to a moto bucket under ``analytics/``."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=TRANSCRIBE_BUCKET)
    for path in sorted((warehouse.transcribe / "analytics").glob("*.json")):
        s3.put_object(Bucket=TRANSCRIBE_BUCKET, Key=f"analytics/{path.name}", Body=path.read_bytes())
    return S3Transcripts(s3, TRANSCRIBE_BUCKET, "analytics/")


@pytest.fixture
def agent_runtime(engine: DuckDbEngine) -> FakeAgentRuntime:
    return FakeAgentRuntime(guarded_runner(engine))


def chain_over(engine: DuckDbEngine, runtime: FakeAgentRuntime, monkeypatch: pytest.MonkeyPatch) -> Answerer:
    """The answer chain as the Lambda builds it (``setup.build_answerer``), verified first, then the agent."""
    monkeypatch.setattr(
        BedrockAgentAnswerer,
        "create",
        classmethod(lambda cls, agent_id, alias_id, region=None: cls(runtime, agent_id, alias_id)),
    )
    config = AnsweringConfig(
        answerers=("verified", "bedrock-agent"),
        agent_id="AGENT12345",
        agent_alias_id="ALIAS12345",
        today=END_DATE,
    )
    return build_answerer(config, engine)


@dataclass
class Api:
    """The resolver with its services; ``call`` sends an API Gateway event as a given user."""

    services: Services

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: str | None = "user-a",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        import json

        raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        path, _, query = path.partition("?")
        event = to_event(
            method,
            path,
            query,
            {"Content-Type": "application/json", **(headers or {})},
            raw,
            None if user is None else {"sub": user, "email": f"{user}@example.com"},
        )
        result = create_app(self.services).resolve(event, LambdaContext())
        out_headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for k, values in (result.get("multiValueHeaders") or {}).items():
            out_headers[k] = ", ".join(str(v) for v in values)
        text = result.get("body") or ""
        return int(result["statusCode"]), out_headers, json.loads(text) if text else None


ServicesFactory = Callable[..., Services]


@pytest.fixture
def make_services(
    store: DynamoStore,
    engine: DuckDbEngine,
    transcripts: S3Transcripts,
    agent_runtime: FakeAgentRuntime,
    monkeypatch: pytest.MonkeyPatch,
) -> ServicesFactory:
    def make(*, runtime: FakeAgentRuntime | None = None, **settings: Any) -> Services:
        answerer = chain_over(engine, runtime or agent_runtime, monkeypatch)
        dispatcher = ThreadDispatcher()
        services = build_services(
            ApiSettings(**settings),
            store=store,
            answerer=lambda: answerer,
            dispatcher=dispatcher,
            calls=calls_over(engine, transcripts),
        )
        dispatcher.finish = lambda job_id, compute: finish_job(services, job_id, compute)
        return services

    return make


@pytest.fixture
def api(make_services: ServicesFactory) -> Api:
    return Api(make_services())
