"""The lake's S3 side: boto3 puts with a verified SHA-256 checksum, and every failure is a LakeWriteError."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import boto3
import pyarrow as pa
import pytest

from lambdas.stream_processor.lake import RAW_SCHEMA, Lake, LakeError, LakeWriteError


@pytest.mark.usefixtures("aws_env")
def test_an_object_is_put_with_its_sha256_checksum_and_read_back() -> None:
    boto3.client("s3").create_bucket(Bucket="lake")
    lake = Lake.from_uri("s3://lake/prefix")

    written = lake.write_bytes("calls/dt=2026-01-01/a.jsonl", b"hello\n")

    assert written.path == "lake/prefix/calls/dt=2026-01-01/a.jsonl" and written.size == 6
    head = boto3.client("s3").head_object(
        Bucket="lake", Key="prefix/calls/dt=2026-01-01/a.jsonl", ChecksumMode="ENABLED"
    )
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"hello\n").digest()).decode()
    assert lake.list_files("calls", ".jsonl") == ["calls/dt=2026-01-01/a.jsonl"]
    assert lake.read_bytes("calls/dt=2026-01-01/a.jsonl") == b"hello\n"
    with pytest.raises(FileNotFoundError):
        lake.read_bytes("calls/missing")
    with pytest.raises(LakeError, match="read_table"):
        lake.filesystem  # noqa: B018


@pytest.mark.usefixtures("aws_env")
def test_a_write_to_a_bucket_that_does_not_exist_is_a_lake_write_error() -> None:
    table = RAW_SCHEMA.empty_table()
    with pytest.raises(LakeWriteError, match=r"could not write nowhere/calls/x\.parquet"):
        Lake.from_uri("s3://nowhere").write_parquet("calls/x.parquet", table)


class _WrongChecksum:
    def put_object(self, **kwargs: Any) -> dict[str, Any]:
        return {"ChecksumSHA256": base64.b64encode(hashlib.sha256(b"other").digest()).decode()}


def test_a_stored_checksum_that_differs_from_the_one_sent_is_a_failed_write() -> None:
    lake = Lake("s3://lake", "lake", bucket="lake", client_factory=_WrongChecksum)
    with pytest.raises(LakeWriteError, match="S3 stored checksum"):
        lake.write_bytes("calls/x.jsonl", b"data")


def test_parquet_is_snappy_compressed(tmp_path: Any) -> None:
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(
        [
            {
                "event_id": "e",
                "event_name": "INSERT",
                "event_source": "stream",
                "event_at": 0,
                "sequence_number": "1",
                "keys": "{}",
                "new_image": None,
                "old_image": None,
                "ingested_at": 0,
            }
        ],
        schema=RAW_SCHEMA,
    )
    lake = Lake.from_uri(str(tmp_path))
    written = lake.write_parquet("calls/x.parquet", table)
    assert pq.ParquetFile(written.path).metadata.row_group(0).column(0).compression == "SNAPPY"
    assert [p.name for p in (tmp_path / "calls").iterdir()] == ["x.parquet"]  # no temporary file left
