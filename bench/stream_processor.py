"""Stream processor throughput: our handler vs a naive baseline on the same 10,000-record batch, one core.

Baseline: Powertools' DynamoDB Streams data class deserialising every record (TypeDeserializer → Python objects),
``json.dumps`` of each image, a pandas DataFrame and ``to_parquet`` — what a first Lambda usually looks like.
Ours: ``process_event`` (typed-JSON → exact JSON text in one pass, pyarrow arrays, one Parquet file per day), with
the C converter (``lambdas/stream_processor/_convert.c``, what the Lambda package ships) and, for comparison,
with its pure-Python reference (``PCA_PURE_PYTHON_CONVERT=1``).

Each side runs in its own process pinned to one core; peak memory growth is that process's peak RSS minus its
RSS just before the timed runs. Targets: ≥ 4× the baseline, ≥ 40,000 records/s, peak growth < 300 MB.

    python bench/stream_processor.py [--records 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build_batch(records: int) -> list[dict[str, Any]]:
    """Realistic call records (INSERTs and MODIFYs with old images) from the synthetic generator."""
    from orchestration.paths import data_paths
    from orchestration.synthetic.feed import GenerateOptions, generate, read_stream

    folder = Path(tempfile.mkdtemp(prefix="bench-sp-"))
    paths = data_paths(folder)
    generate(
        paths,
        GenerateOptions(
            calls=int(records * 0.85) + 50,
            days=30,
            seed=1,
            end_date=date(2026, 6, 30),
            transcripts=False,
            progress=False,
        ),
    )
    batch = [r for r, _ in zip(read_stream(paths, "calls"), range(records), strict=False)]
    if len(batch) < records:
        raise SystemExit("generator produced too few records")
    return batch


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def ours(batch: list[dict[str, Any]], out: Path) -> None:
    from lambdas.stream_processor.handler import process_event
    from lambdas.stream_processor.lake import Lake

    response = process_event({"Records": batch}, Lake.from_uri(str(out)))
    assert response == {"batchItemFailures": []}


def baseline(batch: list[dict[str, Any]], out: Path) -> None:
    import pandas as pd
    from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent

    def default(value: Any) -> Any:
        if isinstance(value, set):
            return sorted(value)
        if isinstance(value, bytes):
            import base64

            return base64.b64encode(value).decode()
        return str(value)

    rows = []
    for record in DynamoDBStreamEvent({"Records": batch}).records:
        ddb = record.dynamodb
        assert ddb is not None
        created = ddb.approximate_creation_date_time
        new, old = ddb.new_image, ddb.old_image
        rows.append(
            {
                "event_id": record.event_id,
                "event_name": record.event_name.name if record.event_name else None,
                "event_source": "stream",
                "event_at": pd.Timestamp(created, unit="s") if created else None,
                "sequence_number": (ddb.sequence_number or "").zfill(40),
                "keys": json.dumps(ddb.keys, default=default),
                "new_image": json.dumps(new, default=default) if new else None,
                "old_image": json.dumps(old, default=default) if old else None,
                "ingested_at": pd.Timestamp.now(),
            }
        )
    frame = pd.DataFrame(rows)
    frame["dt"] = frame["event_at"].dt.strftime("%Y-%m-%d")
    out.mkdir(parents=True, exist_ok=True)
    for dt, part in frame.groupby("dt"):
        target = out / "calls" / f"dt={dt}"
        target.mkdir(parents=True, exist_ok=True)
        part.drop(columns="dt").to_parquet(target / "batch.parquet", index=False)


def measure(name: str, records: int, repeat: int, queue: Any) -> None:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if name == "ours-pure":
        os.environ["PCA_PURE_PYTHON_CONVERT"] = "1"  # read when the converter is first imported
    batch = build_batch(records)
    run = baseline if name == "baseline" else ours
    run(batch[:200], Path(tempfile.mkdtemp()))  # warm imports and caches
    before = rss_mb()
    times = []
    for _ in range(repeat):
        out = Path(tempfile.mkdtemp(prefix="bench-out-"))
        started = time.perf_counter()
        run(batch, out)
        times.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from lambdas.stream_processor import convert

    if name != "baseline" and (name == "ours") != convert.ACCELERATED:
        raise SystemExit(f"{name}: the converter is {'C' if convert.ACCELERATED else 'pure Python'}")
    queue.put(
        {
            "name": name,
            "best_s": min(times),
            "median_s": sorted(times)[len(times) // 2],
            "peak_growth_mb": max(0.0, peak - before),
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    context = mp.get_context("spawn")
    results = {}
    names = ("baseline", "ours-pure", "ours")
    for name in names:
        queue = context.Queue()
        process = context.Process(target=measure, args=(name, args.records, args.repeat, queue))
        process.start()
        results[name] = queue.get()
        process.join()
    n = args.records
    print(f"stream processor, {n} realistic call records, one core, best of {args.repeat}")
    print(f"{'':10} {'records/s':>12} {'best s':>8} {'median s':>9} {'peak growth MB':>15}")
    for name in names:
        r = results[name]
        print(
            f"{name:10} {n / r['best_s']:12,.0f} {r['best_s']:8.3f} {r['median_s']:9.3f} {r['peak_growth_mb']:15.1f}"
        )
    ratio = results["baseline"]["best_s"] / results["ours"]["best_s"]
    ours_rate = n / results["ours"]["best_s"]
    pure = results["ours-pure"]["best_s"] / results["ours"]["best_s"]
    print("ours = C converter (what the Lambda package ships); ours-pure = its pure-Python reference")
    print(
        f"ratio ours/baseline: {ratio:.1f}x (target >= 4x); ours {ours_rate:,.0f} records/s (target >= 40,000); "
        f"peak growth {results['ours']['peak_growth_mb']:.0f} MB (target < 300 MB); "
        f"C converter vs pure Python {pure:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
