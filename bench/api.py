"""``POST /chat`` on the verified path through the local server, next to calling the answerer directly.

On the dataset ``bench/ask.py`` builds (``BENCH_CALLS`` calls, default 1,000,000, cached under
``build/bench-ask-<N>``), the same verified questions are answered two ways, each by ``BENCH_CLIENTS``
concurrent clients (default 8):

- **direct**: threads calling the answer chain (``setup.build_answerer``, verified) in this process;
- **HTTP**: client threads in a separate process posting ``/api/chat`` over loopback (keep-alive) to the local
  server, which runs the Lambda's router: local authorizer, API Gateway event, validation, the same chain, the
  reply shaping, and the conversation written to SQLite.

It prints p50/p95 of both, and the ratio: target p95 ≤ 300 ms and the HTTP layer adding ≤ 20%.

    BENCH_CALLS=1000000 BENCH_REQUESTS=400 python bench/api.py
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import http.client
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))  # per side
TOKEN = "bench-token"


def _ask_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_ask", ROOT / "bench" / "ask.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def questions(end: dt.date) -> list[str]:
    """Every verified question and the answerable paraphrases of bench/ask.py (the verified path only)."""
    from lambdas.shared.answering.setup import shared_repository

    specs, _ = shared_repository()
    paraphrases = [q for q in _ask_module().PARAPHRASES if "refunds" not in q]
    return [s.question for s in specs] + paraphrases


def run_direct(answerer: object, asked: list[str]) -> list[float]:
    def one(question: str) -> float:
        started = time.perf_counter()
        answer = answerer.answer(question)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - started) * 1000
        assert not answer.refused, question
        return elapsed

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(one, asked))


def client_main(url: str, path: str) -> int:
    """The HTTP side's load: CLIENTS threads, one keep-alive connection each; latencies as JSON on stdout."""
    asked: list[str] = json.loads(Path(path).read_text())
    host, port = url.split("//")[1].split("/")[0].split(":")
    shares = [asked[i::CLIENTS] for i in range(CLIENTS)]

    def worker(share: list[str]) -> list[float]:
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        latencies = []
        for question in share:
            body = json.dumps({"question": question})
            started = time.perf_counter()
            connection.request(
                "POST",
                "/api/chat",
                body=body,
                headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            payload = response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status != 200 or json.loads(payload)["refused"]:
                raise RuntimeError(f"{response.status} for {question!r}: {payload[:300]!r}")
        connection.close()
        return latencies

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(worker, shares))
    print(json.dumps([ms for share in results for ms in share]))
    return 0


def main() -> int:
    ask = _ask_module()
    from lambdas.api_handler.app import Services
    from lambdas.api_handler.calls import LocalTranscripts
    from lambdas.api_handler.jobs import ThreadDispatcher
    from lambdas.api_handler.store import SqliteStore
    from lambdas.api_handler.wiring import ApiSettings, build_services, calls_over
    from lambdas.shared.answering.config import AnsweringConfig
    from lambdas.shared.answering.setup import build_answerer
    from lambdas.shared.query_engines import DuckDbEngine
    from orchestration.api_server import LocalApi, LocalAuthorizer, LocalServer

    root = Path(os.environ.get("BENCH_DATA", ROOT / "build" / f"bench-ask-{ask.CALLS}"))
    warehouse = ask.build(root)
    print(f"dataset: {ask.CALLS:,} calls in {root} ({(root / '.built').read_text().strip()})")
    config = AnsweringConfig(answerers=("verified",), today=ask.END)
    base = questions(ask.END)
    asked = [base[i % len(base)] for i in range(REQUESTS)]
    print(f"{len(asked)} requests per side over {len(base)} verified questions, {CLIENTS} concurrent clients")

    engine = DuckDbEngine(warehouse, root / "lake", timeout_seconds=120)
    answerer = build_answerer(config, engine)
    run_direct(answerer, base[:CLIENTS])  # warm up: connection, caches
    direct = run_direct(answerer, asked)

    with tempfile.TemporaryDirectory() as scratch:
        store = SqliteStore(Path(scratch) / "conversations.sqlite")
        dispatcher = ThreadDispatcher()
        services: Services = build_services(
            ApiSettings(requests_per_minute=10**9, answer_timeout_seconds=25.0),
            store=store,
            answerer=lambda: answerer,
            dispatcher=dispatcher,
            calls=calls_over(engine, LocalTranscripts(root / "transcribe")),
        )
        with LocalServer(LocalApi(services), LocalAuthorizer({TOKEN: {"sub": "bench"}}), port=0) as server:
            work = Path(scratch) / "questions.json"
            work.write_text(json.dumps(base[:CLIENTS]))
            client = [sys.executable, __file__, "--client", server.url, str(work)]
            subprocess.run(client, check=True, capture_output=True, text=True)  # warm up the server threads
            work.write_text(json.dumps(asked))
            completed = subprocess.run(client, check=True, capture_output=True, text=True)
            over_http = json.loads(completed.stdout)
        store.close()
    engine.close()

    print(f"\n  {'path':<8} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for label, values in (("direct", direct), ("HTTP", over_http)):
        print(
            f"  {label:<8} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
            f"{statistics.fmean(values):8.1f}"
        )
    p95_direct, p95_http = percentile(direct, 0.95), percentile(over_http, 0.95)
    p50_direct, p50_http = statistics.median(direct), statistics.median(over_http)
    print(
        f"\nHTTP / direct: p50 {p50_http / p50_direct:.2f}x (+{p50_http - p50_direct:.1f} ms), "
        f"p95 {p95_http / p95_direct:.2f}x (+{p95_http - p95_direct:.1f} ms); "
        f"targets: p95 ≤ 300 ms ({'met' if p95_http <= 300 else 'missed'}), "
        f"HTTP adds ≤ 20% ({'met' if p95_http <= 1.2 * p95_direct else 'missed'})"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--client":
        sys.exit(client_main(sys.argv[2], sys.argv[3]))
    sys.exit(main())
