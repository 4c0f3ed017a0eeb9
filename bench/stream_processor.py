"""Stream processor throughput: our handler vs a naive baseline on the same batch, one core each.

Baseline: Powertools' DynamoDB Streams data class deserialising every record (TypeDeserializer → Python objects),
``json.dumps`` of each image, a pandas DataFrame and ``to_parquet`` — what a first Lambda usually looks like.
Ours: ``process_event`` (plain Python: typed JSON → exact JSON text through orjson, pyarrow arrays, one Parquet
object per day written into memory with snappy and stored by the lake), on a 10,000-record batch and on the
deployed batch size (100 records per invocation).

Each side runs in its own process pinned to one core; peak memory growth is that process's peak RSS minus its
RSS just before the timed runs. It also times the Parquet codecs on the same rows (the AWS SDK for pandas layer
has snappy and gzip, not zstd) and turns the measured time per batch into a Lambda cost per million records on
arm64 at the deployed memory. Target: ≥ 4× the baseline.

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

DEPLOYED_BATCH = 100  # terraform: stream_batch_size
DEPLOYED_MEMORY_GB = 1.0  # terraform: data_pipeline memory_size (1024 MB)
ARM64_GB_SECOND = 0.0000133334  # Lambda arm64, us-east-1, first tier
REQUEST = 0.20 / 1_000_000  # Lambda per invocation
S3_PUT = 0.005 / 1000  # S3 Standard PUT


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


def ours(batch: list[dict[str, Any]], out: Path) -> int:
    from lambdas.stream_processor.changelog import write_stream_batch
    from lambdas.stream_processor.lake import Lake

    outcome = write_stream_batch(batch, Lake.from_uri(str(out)))
    assert outcome.response() == {"batchItemFailures": []} and outcome.quarantined == 0
    return len(outcome.files)


def baseline(batch: list[dict[str, Any]], out: Path) -> int:
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
    files = 0
    for dt, part in frame.groupby("dt"):
        target = out / "calls" / f"dt={dt}"
        target.mkdir(parents=True, exist_ok=True)
        part.drop(columns="dt").to_parquet(target / "batch.parquet", index=False)
        files += 1
    return files


def codecs(batch: list[dict[str, Any]], repeat: int) -> dict[str, tuple[float, int]]:
    """Codec → (best ms to encode, bytes) for the batch's rows, written as the lake writes them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lambdas.stream_processor import changelog
    from lambdas.stream_processor.lake import STATISTICS_COLUMNS

    cache = changelog.ImageCache()
    rows = [changelog.decode_stream_record(r, cache)[2:] for r in batch]
    table = changelog.Group("calls", "all", rows).to_arrow("stream", 0)
    results = {}
    for label, codec, level in (
        ("snappy", "snappy", None),
        ("gzip-1", "gzip", 1),
        ("gzip-6", "gzip", 6),
        ("zstd", "zstd", None),
        ("none", "none", None),
    ):
        times = []
        for _ in range(repeat):
            sink = pa.BufferOutputStream()
            started = time.perf_counter()
            pq.write_table(
                table,
                sink,
                compression=codec,
                compression_level=level,
                use_dictionary=["event_name", "event_source"],
                write_statistics=STATISTICS_COLUMNS,
            )
            times.append(time.perf_counter() - started)
        results[label] = (min(times) * 1000, sink.getvalue().size)
    return results


def worker(name: str, records: int, repeat: int, commands: Any, results: Any) -> None:
    """One side, pinned to one core: warm up, then time one run of the batch per "run" command."""
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    batch = build_batch(records)
    run = baseline if name == "baseline" else ours
    run(batch[:200], Path(tempfile.mkdtemp()))  # warm imports and caches
    before = rss_mb()
    small = [batch[i : i + DEPLOYED_BATCH] for i in range(0, len(batch), DEPLOYED_BATCH)]
    times: list[float] = []
    small_times: list[float] = []
    objects = 0
    results.put("ready")
    while (command := commands.get()) != "stop":
        out = Path(tempfile.mkdtemp(prefix="bench-out-"))
        started = time.perf_counter()
        if command == "run":
            run(batch, out)
            times.append(time.perf_counter() - started)
        else:  # the deployed shape: batches of 100 records, one invocation each
            objects = sum(run(part, out) for part in small)
            small_times.append(time.perf_counter() - started)
        results.put("done")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "name": name,
        "best_s": min(times),
        "median_s": sorted(times)[len(times) // 2],
        "peak_growth_mb": max(0.0, peak - before),
        "small_best_s": min(small_times),
        "small_batches": len(small),
        "objects_per_batch": objects / len(small),
    }
    if name == "ours":
        result["codecs"] = codecs(batch, repeat)
    results.put(result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--put-ms",
        type=float,
        default=25.0,
        help="assumed S3 PUT latency per object in Lambda (cost estimate)",
    )
    args = parser.parse_args()
    context = mp.get_context("spawn")
    names = ("baseline", "ours")
    channels = {name: (context.Queue(), context.Queue()) for name in names}
    processes = [
        context.Process(target=worker, args=(name, args.records, args.repeat, *channels[name]))
        for name in names
    ]
    for process in processes:
        process.start()
    for name in names:
        assert channels[name][1].get() == "ready"
    # Alternate the sides run by run, so a change in the machine's load falls on both alike.
    for command in ["run"] * args.repeat + ["small"] * max(1, args.repeat // 2):
        for name in names:
            channels[name][0].put(command)
            assert channels[name][1].get() == "done"
    results = {}
    for name in names:
        channels[name][0].put("stop")
        results[name] = channels[name][1].get()
    for process in processes:
        process.join()
    n = args.records
    print(f"stream processor, {n} realistic call records, one core, best of {args.repeat}")
    print(
        f"{'':10} {'records/s':>12} {'best s':>8} {'median s':>9} {'peak growth MB':>15} {'records/s @100':>15}"
    )
    for name in names:
        r = results[name]
        print(
            f"{name:10} {n / r['best_s']:12,.0f} {r['best_s']:8.3f} {r['median_s']:9.3f} "
            f"{r['peak_growth_mb']:15.1f} {n / r['small_best_s']:15,.0f}"
        )
    ratio = results["baseline"]["best_s"] / results["ours"]["best_s"]
    small_ratio = results["baseline"]["small_best_s"] / results["ours"]["small_best_s"]
    print(
        f"ratio ours/baseline: {ratio:.1f}x on {n} records (target >= 4x); {small_ratio:.1f}x in batches of 100"
    )

    print(
        "\nParquet codecs on the same rows (the layer's Arrow has snappy and gzip, no zstd; the lake writes snappy):"
    )
    sizes = results["ours"]["codecs"]
    for codec, (ms, size) in sizes.items():
        print(f"  {codec:7} {ms:8.1f} ms {size / 1024:10,.0f} KiB")

    ours_result = results["ours"]
    per_batch_s = ours_result["small_best_s"] / ours_result["small_batches"]
    billed_s = per_batch_s + ours_result["objects_per_batch"] * args.put_ms / 1000
    batches = 1_000_000 / DEPLOYED_BATCH
    compute = batches * billed_s * DEPLOYED_MEMORY_GB * ARM64_GB_SECOND
    requests = batches * REQUEST
    puts = batches * ours_result["objects_per_batch"] * S3_PUT
    print(
        f"\ncost per million records on arm64 ({DEPLOYED_BATCH} per invocation, {DEPLOYED_MEMORY_GB:.0f} GB): "
        f"{per_batch_s * 1000:.1f} ms compute + {ours_result['objects_per_batch']:.2f} PUT x {args.put_ms:.0f} ms "
        f"per batch → Lambda ${compute:.3f} + requests ${requests:.3f} + S3 PUTs ${puts:.3f} "
        f"= ${compute + requests + puts:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
