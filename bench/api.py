"""``POST /chat`` on the verified path through the local server, next to calling the answerer directly.

On the dataset ``bench/ask.py`` builds (``BENCH_CALLS`` calls, default 1,000,000, cached under
``build/bench-ask-<N>``), the same verified questions are answered two ways, each by ``BENCH_CLIENTS``
concurrent clients (default 8; a list such as ``1,2,8`` measures each count in turn):

- **direct**: threads calling the answer chain (``setup.build_answerer``, verified) in this process;
- **HTTP**: client threads in a separate process posting ``/api/chat`` over loopback (one keep-alive
  connection each) to the local server, which runs the Lambda's router: local authorizer, API Gateway event,
  validation, the same chain, the reply shaping, and the conversation written to SQLite.

Each side's requests are split into ``BENCH_ROUNDS`` rounds (default 4) run alternately (direct, HTTP, direct,
HTTP, …), so a change in the machine's load falls on both. Nothing is cached between requests: every request
matches its question, renders, guards and runs its SQL on DuckDB.

It prints the machine's load average at the start and the end, p50/p95 of both sides and their ratio (target:
p95 ≤ 300 ms, the HTTP layer adding ≤ 20%), the CPU time this process spent per request on each side (the
answering, and for HTTP the server too; the client process apart), which moves far less than latency when
other work shares the cores, the questions behind the slowest 5%, and — from one client, in this process —
where a request's time goes, stage by stage.

    BENCH_CALLS=1000000 BENCH_CLIENTS=1,2,8 BENCH_REQUESTS=400 python bench/api.py

``PCA_DUCKDB_THREADS=1`` runs DuckDB with one thread per query, and ``BENCH_MAX_CONCURRENT=2`` with a cap on
queries at once (the rest queue), to compare.
"""

from __future__ import annotations

import collections
import concurrent.futures
import http.client
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLIENT_COUNTS = [int(n) for n in os.environ.get("BENCH_CLIENTS", "8").split(",") if n.strip()]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))  # per side and client count
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "4")))
PROFILE_REPEAT = int(os.environ.get("BENCH_PROFILE_REPEAT", "3"))
# DuckDbEngine(max_concurrent=…): queries running at once, the rest queued (unset: no cap, the engine's default)
MAX_CONCURRENT = int(os.environ.get("BENCH_MAX_CONCURRENT", "0")) or None
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


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def questions() -> list[str]:
    """Every verified question and the answerable paraphrases of bench/ask.py (the verified path only)."""
    from lambdas.shared.answering.setup import shared_repository

    specs, _ = shared_repository()
    paraphrases = [q for q in _ask_module().PARAPHRASES if "refunds" not in q]
    return [s.question for s in specs] + paraphrases


Timed = list[tuple[str, float]]  # (question, milliseconds)


def run_direct(answerer: Any, asked: list[str], clients: int) -> Timed:
    def one(question: str) -> tuple[str, float]:
        started = time.perf_counter()
        answer = answerer.answer(question)
        elapsed = (time.perf_counter() - started) * 1000
        assert not answer.refused, question
        return question, elapsed

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, asked))


def client_main(url: str, clients: int) -> int:
    """The HTTP side's load, one round per line of stdin (a JSON list of questions): ``clients`` threads,
    each with its own keep-alive connection kept across rounds; each round's timings as one JSON line."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    connections = [http.client.HTTPConnection(host, int(port), timeout=300) for _ in range(clients)]
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def worker(connection: http.client.HTTPConnection, share: list[str]) -> Timed:
        timed = []
        for question in share:
            body = json.dumps({"question": question})
            started = time.perf_counter()
            connection.request("POST", "/api/chat", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            timed.append((question, (time.perf_counter() - started) * 1000))
            if response.status != 200 or json.loads(payload)["refused"]:
                raise RuntimeError(f"{response.status} for {question!r}: {payload[:300]!r}")
        return timed

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for line in sys.stdin:
            asked: list[str] = json.loads(line)
            shares = [asked[i::clients] for i in range(clients)]
            results = list(pool.map(worker, connections, shares))
            print(json.dumps([item for share in results for item in share]), flush=True)
    for connection in connections:
        connection.close()
    return 0


class HttpClients:
    """The client process, kept for every round of one client count."""

    def __init__(self, url: str, clients: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--client", url, str(clients)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, asked: list[str]) -> Timed:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(asked) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the client process stopped (exit code {self.process.wait()})")
        return [(str(q), float(ms)) for q, ms in json.loads(line)]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def summary(label: str, timed: Timed) -> str:
    values = [ms for _, ms in timed]
    return (
        f"  {label:<8} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
        f"{statistics.fmean(values):8.1f} {max(values):8.1f}"
    )


def report(clients: int, direct: Timed, over_http: Timed, cpu: dict[str, float] | None = None) -> None:
    print(f"\n{clients} concurrent client{'s' if clients > 1 else ''}, {len(direct)} requests per side")
    print(f"  {'path':<8} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'max ms':>8}")
    print(summary("direct", direct))
    print(summary("HTTP", over_http))
    d = [ms for _, ms in direct]
    h = [ms for _, ms in over_http]
    p50_direct, p50_http = statistics.median(d), statistics.median(h)
    p95_direct, p95_http = percentile(d, 0.95), percentile(h, 0.95)
    print(
        f"  HTTP / direct: p50 {p50_http / p50_direct:.2f}x ({p50_http - p50_direct:+.1f} ms), "
        f"p95 {p95_http / p95_direct:.2f}x ({p95_http - p95_direct:+.1f} ms); "
        f"targets: p95 ≤ 300 ms {'met' if p95_http <= 300 else 'missed'}, "
        f"HTTP adds ≤ 20% {'met' if p95_http <= 1.2 * p95_direct and p50_http <= 1.2 * p50_direct else 'missed'}"
    )
    if cpu:
        print(
            f"  CPU time of this process per request: direct {cpu['direct'] / len(direct):.1f} ms, "
            f"HTTP (the server) {cpu['http'] / len(over_http):.1f} ms"
        )
    cut = percentile(h, 0.95)
    slowest = collections.Counter(q for q, ms in over_http if ms >= cut)
    print(f"  the slowest 5% over HTTP (≥ {cut:.0f} ms), by question:")
    for question, count in slowest.most_common(5):
        print(f"    {count:3d} × {question}")


# ───────────────────────────────────────────────────────────────────────────── where a request's time goes


class StageClock:
    """Milliseconds spent per stage, summed over requests (one client: stages do not overlap)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = collections.defaultdict(float)
        self.local = threading.local()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.spent[name] += (time.perf_counter() - started) * 1000

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return function(*args, **kwargs)

        return timed


class TimedStore:
    """The conversation store with its time counted."""

    def __init__(self, store: Any, clock: StageClock) -> None:
        self._store = store
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        return self._clock.wrap("store", attribute) if callable(attribute) else attribute


def profile(engine: Any, config: Any, base: list[str], scratch: Path, transcripts: Path) -> None:
    """One client, in this process: the direct path and the router's path, stage by stage."""
    import lambdas.api_handler.app as app_module
    from lambdas.api_handler.calls import LocalTranscripts
    from lambdas.api_handler.jobs import ThreadDispatcher
    from lambdas.api_handler.store import SqliteStore
    from lambdas.api_handler.wiring import ApiSettings, build_services, calls_over
    from lambdas.shared.answering.setup import build_answerer
    from orchestration.api_server import LocalApi, LocalAuthorizer, to_event

    clock = StageClock()
    answerer = build_answerer(config, engine)
    execute, count_rows = engine.execute, answerer.count_rows

    def timed_execute(*args: Any, **kwargs: Any) -> Any:
        if getattr(clock.local, "counting", False):  # the row count's query: counted within `count`
            return execute(*args, **kwargs)
        with clock.stage("execute"):
            return execute(*args, **kwargs)

    def timed_count(*args: Any, **kwargs: Any) -> Any:
        clock.local.counting = True
        try:
            with clock.stage("count"):
                return count_rows(*args, **kwargs)
        finally:
            clock.local.counting = False

    engine.execute = timed_execute
    answerer.count_rows = timed_count
    answerer.run = clock.wrap("run", answerer.run)
    answerer.render = clock.wrap("render", answerer.render)
    answerer.matcher.match = clock.wrap("match", answerer.matcher.match)

    def answer(question: str, *, session_id: str | None = None) -> Any:
        with clock.stage("answer"):
            return type(answerer).answer(answerer, question, session_id=session_id)

    answerer.answer = answer
    store = SqliteStore(scratch / "profile.sqlite")
    services = build_services(
        ApiSettings(requests_per_minute=10**9, answer_timeout_seconds=25.0),
        store=TimedStore(store, clock),
        answerer=lambda: answerer,
        dispatcher=ThreadDispatcher(),
        calls=calls_over(engine, LocalTranscripts(transcripts)),
    )
    reply_document = app_module.reply_document
    app_module.reply_document = clock.wrap("reply", reply_document)
    api = LocalApi(services)
    authorizer = LocalAuthorizer({TOKEN: {"sub": "bench"}})
    try:
        for question in base:  # warm up
            answerer.answer(question)
        clock.spent.clear()
        for _ in range(PROFILE_REPEAT):
            for question in base:
                answerer.answer(question)
        direct = dict(clock.spent)
        clock.spent.clear()
        for _ in range(PROFILE_REPEAT):
            for question in base:
                body = json.dumps({"question": question}).encode()
                headers = {
                    "Authorization": f"Bearer {TOKEN}",
                    "Content-Type": "application/json",
                    "Content-Length": str(len(body)),
                }
                with clock.stage("request"):
                    with clock.stage("event"):
                        claims = authorizer.claims(headers["Authorization"])
                        event = to_event("POST", "/chat", "", headers, body, claims)
                    result = api.resolve(event)
                assert result["statusCode"] == 200, result
        routed = dict(clock.spent)
    finally:
        app_module.reply_document = reply_document
        engine.execute = execute
        store.close()
    n = PROFILE_REPEAT * len(base)
    print(f"\nWhere a request's time goes (1 client, this process, mean ms over {n} requests):")
    stages = [
        ("matching (slots, entity names)", direct.get("match", 0.0)),
        ("rendering the verified SQL", direct.get("render", 0.0)),
        ("guard + transpile", direct.get("run", 0.0) - direct.get("execute", 0.0)),
        ("DuckDB execution + conversion", direct.get("execute", 0.0)),
        ("row count of a cut result (guard + DuckDB)", direct.get("count", 0.0)),
    ]
    stages.append(("answer text and the rest", direct.get("answer", 0.0) - sum(v for _, v in stages)))
    total = direct.get("answer", 0.0)
    for label, value in stages:
        print(f"  {label:<46} {value / n:7.2f}  {100 * value / total:5.1f}%")
    print(f"  {'answer (direct call)':<46} {total / n:7.2f}")
    around = routed.get("request", 0.0) - routed.get("answer", 0.0)
    http_stages = [
        ("authorizer + API Gateway event", routed.get("event", 0.0)),
        ("conversation store (SQLite)", routed.get("store", 0.0)),
        ("reply shaping (rows, chart, follow-ups)", routed.get("reply", 0.0)),
        (
            "router, validation, JSON",
            around - routed.get("event", 0.0) - routed.get("store", 0.0) - routed.get("reply", 0.0),
        ),
    ]
    print(
        f"  around the answer, in the router ({around / n:.2f} ms, {100 * around / total:.1f}% of the answer):"
    )
    for label, value in http_stages:
        print(f"    {label:<44} {value / n:7.2f}")


def main() -> int:
    ask = _ask_module()
    from lambdas.api_handler.app import Services
    from lambdas.api_handler.calls import LocalTranscripts
    from lambdas.api_handler.jobs import ThreadDispatcher
    from lambdas.api_handler.store import SqliteStore
    from lambdas.api_handler.wiring import ApiSettings, build_services, calls_over
    from lambdas.shared.answering.config import AnsweringConfig
    from lambdas.shared.answering.setup import build_answerer, duckdb_threads
    from lambdas.shared.query_engines import DuckDbEngine
    from orchestration.api_server import LocalApi, LocalAuthorizer, LocalServer

    print(f"load average at the start: {load()}")
    root = Path(os.environ.get("BENCH_DATA", ROOT / "build" / f"bench-ask-{ask.CALLS}"))
    warehouse = ask.build(root)
    print(f"dataset: {ask.CALLS:,} calls in {root} ({(root / '.built').read_text().strip()})")
    config = AnsweringConfig(answerers=("verified",), today=ask.END)
    base = questions()
    asked = [base[i % len(base)] for i in range(REQUESTS)]
    rounds = [asked[i::ROUNDS] for i in range(ROUNDS)]
    print(
        f"{len(base)} verified questions; per client count {len(asked)} requests per side in {ROUNDS} "
        "alternating rounds"
    )

    engine = DuckDbEngine(
        warehouse, root / "lake", timeout_seconds=120, threads=duckdb_threads(), max_concurrent=MAX_CONCURRENT
    )
    print(
        f"engine: {engine.threads} DuckDB threads, "
        + (f"at most {MAX_CONCURRENT} queries at once" if MAX_CONCURRENT else "no cap on queries at once")
    )
    answerer = build_answerer(config, engine)
    with tempfile.TemporaryDirectory() as scratch:
        store = SqliteStore(Path(scratch) / "conversations.sqlite")
        services: Services = build_services(
            ApiSettings(requests_per_minute=10**9, answer_timeout_seconds=25.0),
            store=store,
            answerer=lambda: answerer,
            dispatcher=ThreadDispatcher(),
            calls=calls_over(engine, LocalTranscripts(root / "transcribe")),
        )
        with LocalServer(LocalApi(services), LocalAuthorizer({TOKEN: {"sub": "bench"}}), port=0) as server:
            for clients in CLIENT_COUNTS:
                http_clients = HttpClients(server.url, clients)
                try:
                    run_direct(answerer, base[: clients * 2], clients)  # warm up both sides
                    http_clients.run(base[: clients * 2])
                    direct: Timed = []
                    over_http: Timed = []
                    cpu = {"direct": 0.0, "http": 0.0}  # ms of this process's CPU time, all threads
                    for share in rounds:
                        started = time.process_time()
                        direct += run_direct(answerer, share, clients)
                        cpu["direct"] += (time.process_time() - started) * 1000
                        started = time.process_time()
                        over_http += http_clients.run(share)
                        cpu["http"] += (time.process_time() - started) * 1000
                finally:
                    http_clients.close()
                report(clients, direct, over_http, cpu)
        store.close()
        profile(engine, config, base, Path(scratch), root / "transcribe")
    engine.close()
    print(f"\nload average at the end: {load()}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--client":
        sys.exit(client_main(sys.argv[2], int(sys.argv[3])))
    sys.exit(main())
