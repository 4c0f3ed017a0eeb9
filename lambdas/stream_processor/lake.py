"""The raw change log's storage: S3 in AWS, a local folder in the embedded run.

``Lake.from_uri("s3://bucket/prefix")`` or ``Lake.from_uri("/path/to/lake")``.

Writing uses only what the Lambda runtime has. The function takes pyarrow from AWS's "AWS SDK for pandas" layer,
whose Arrow is built without its S3 filesystem and without zstd, so pyarrow writes each Parquet object into
memory (snappy-compressed) and boto3 — part of the runtime — puts it with a SHA-256 checksum that S3 verifies
before it stores the object. A local lake writes a temporary file and renames it, so readers never see half a
file. For S3 the endpoint can be overridden with ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` (a local moto
server in tests).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# The raw change-log contract (partition column ``dt`` lives in the directory name, not in the file).
# Timestamps are UTC, stored without a zone (Parquet isAdjustedToUTC=false) so every engine reads the same wall time.
RAW_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("event_name", pa.string(), nullable=False),
        pa.field("event_source", pa.string(), nullable=False),
        pa.field("event_at", pa.timestamp("ms"), nullable=False),
        pa.field("sequence_number", pa.string(), nullable=False),
        pa.field("keys", pa.string(), nullable=False),
        pa.field("new_image", pa.string()),
        pa.field("old_image", pa.string()),
        pa.field("ingested_at", pa.timestamp("ms"), nullable=False),
    ]
)

# Column statistics (min/max) are written for the small columns engines filter on; the JSON columns (keys and
# images, kilobytes per row) get none: no engine prunes on them, and skipping them makes files ~12% smaller and
# writes faster.
STATISTICS_COLUMNS = ["event_id", "event_name", "event_source", "event_at", "sequence_number", "ingested_at"]

# Snappy, chosen by measurement (bench/stream_processor.py prints the codecs on the same rows): the layer's Arrow
# has snappy and gzip but no zstd. gzip objects are 27-44% smaller (level 1-6) but take 4.5-14x snappy's time to
# encode; at the planned volume the raw log stays well under a gigabyte a year either way, so the bytes cost cents
# while the encoding is paid on every batch. The raw Glue tables declare the same
# (terraform/modules/data_pipeline: "parquet.compression" = "SNAPPY").
PARQUET_COMPRESSION = "snappy"

QUARANTINE_PREFIX = "quarantine"


class LakeWriteError(RuntimeError):
    """Writing an object to the lake failed; nothing was stored under its key by this write."""


class LakeError(RuntimeError):
    """The lake cannot be used as asked; the message says why."""


def parquet_bytes(table: pa.Table) -> bytes:
    """``table`` (raw schema) as the bytes of one Parquet file."""
    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression=PARQUET_COMPRESSION,
        use_dictionary=["event_name", "event_source"],
        write_statistics=STATISTICS_COLUMNS,
    )
    data: bytes = sink.getvalue().to_pybytes()
    return data


@dataclass(frozen=True)
class Written:
    """An object the lake stored: where, and how many bytes."""

    path: str
    size: int


@dataclass(frozen=True)
class Lake:
    """Objects under a root: ``bucket[/prefix]`` on S3, or an absolute local directory."""

    uri: str
    root: str
    bucket: str | None = None  # set for S3
    prefix: str = ""  # key prefix inside the bucket, without slashes at either end
    client_factory: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_uri(cls, uri: str) -> Lake:
        parsed = urlparse(uri)
        if parsed.scheme == "s3":
            if not parsed.netloc:
                raise ValueError(f"lake URI {uri!r} names no bucket: use s3://bucket[/prefix]")
            prefix = parsed.path.strip("/")
            root = f"{parsed.netloc}/{prefix}" if prefix else parsed.netloc
            return cls(uri, root, bucket=parsed.netloc, prefix=prefix)
        if parsed.scheme not in ("", "file"):
            raise ValueError(f"unsupported lake URI {uri!r}: use s3://bucket[/prefix] or a local folder")
        return cls(uri, os.path.abspath(parsed.path if parsed.scheme == "file" else uri))

    @property
    def is_local(self) -> bool:
        return self.bucket is None

    def path(self, relative: str) -> str:
        """``root/relative``: a local path, or ``bucket/key`` on S3."""
        return f"{self.root}/{relative}"

    def key(self, relative: str) -> str:
        """The S3 key of ``relative``."""
        return f"{self.prefix}/{relative}" if self.prefix else relative

    @cached_property
    def s3(self) -> S3Client:
        """The boto3 S3 client (the Lambda runtime's boto3; standard retries)."""
        if self.client_factory is not None:
            client: S3Client = self.client_factory()
            return client
        import boto3
        from botocore.config import Config

        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
        return boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=region,
            config=Config(
                retries={"mode": "standard", "max_attempts": 4}, connect_timeout=5, read_timeout=30
            ),
        )

    @property
    def filesystem(self) -> Any:
        """pyarrow's filesystem of a local lake (for reading it as a dataset); S3 lakes read with
        :meth:`read_table` and :meth:`read_bytes`."""
        if not self.is_local:
            raise LakeError(f"{self.uri} is on S3: read its objects with read_table() or read_bytes()")
        import pyarrow.fs as pafs

        return pafs.LocalFileSystem()

    # ── writing ──────────────────────────────────────────────────────────────────────────────────────────────

    def write_bytes(self, relative: str, data: bytes) -> Written:
        """Store ``data`` under ``relative`` (the same key overwrites); :class:`LakeWriteError` if it failed."""
        target = self.path(relative)
        try:
            if self.is_local:
                self._write_local(Path(target), data)
            else:
                digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
                assert self.bucket is not None
                response = self.s3.put_object(
                    Bucket=self.bucket,
                    Key=self.key(relative),
                    Body=data,
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=digest,
                )
                stored = response.get("ChecksumSHA256")
                if stored is not None and stored != digest:
                    raise LakeWriteError(f"S3 stored checksum {stored}, not the {digest} sent")
        # botocore, OSError, and anything a transport raises: every failure means "not written".
        except Exception as error:
            raise LakeWriteError(f"could not write {target}: {error}") from error
        return Written(target, len(data))

    def write_parquet(self, relative: str, table: pa.Table) -> Written:
        """Write ``table`` (raw schema) as one Parquet object; the same ``relative`` key overwrites."""
        try:
            data = parquet_bytes(table)
        except (pa.ArrowException, ValueError) as error:
            raise LakeWriteError(f"could not encode {self.path(relative)} as Parquet: {error}") from error
        return self.write_bytes(relative, data)

    @staticmethod
    def _write_local(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".tmp-{uuid.uuid4().hex}"
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)  # atomic rename: readers never see half a file
        finally:
            tmp.unlink(missing_ok=True)

    # ── reading ──────────────────────────────────────────────────────────────────────────────────────────────

    def list_files(self, prefix: str, suffix: str = "") -> list[str]:
        """Relative keys under ``prefix`` (recursively), sorted."""
        if self.is_local:
            base = Path(self.path(prefix))
            if not base.is_dir():
                return []
            start = len(self.root) + 1
            return sorted(
                p.as_posix()[start:]
                for p in base.rglob("*")
                if p.is_file() and p.name.endswith(suffix) and not p.name.startswith(".tmp-")
            )
        assert self.bucket is not None
        start = len(self.prefix) + 1 if self.prefix else 0
        found: list[str] = []
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.key(prefix.strip("/")) + "/"):
            found.extend(o["Key"][start:] for o in page.get("Contents", []) if o["Key"].endswith(suffix))
        return sorted(found)

    @contextmanager
    def open_input(self, relative: str) -> Iterator[BinaryIO]:
        """A binary stream of one object, read as it is consumed; FileNotFoundError when it does not exist."""
        if self.is_local:
            with open(self.path(relative), "rb") as stream:
                yield stream
            return
        from botocore.exceptions import ClientError

        assert self.bucket is not None
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=self.key(relative))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(f"s3://{self.path(relative)} does not exist") from error
            raise
        try:
            yield body  # type: ignore[misc]
        finally:
            body.close()

    def read_bytes(self, relative: str) -> bytes:
        with self.open_input(relative) as stream:
            return stream.read()

    def read_table(self, relative: str) -> pa.Table:
        return pq.read_table(io.BytesIO(self.read_bytes(relative)))

    def read_tables(self, prefix: str) -> pa.Table:
        """Every Parquet object under ``prefix`` as one table (hive ``dt=`` directories not added as columns)."""
        tables = [self.read_table(f) for f in self.list_files(prefix, ".parquet")]
        return pa.concat_tables(tables) if tables else RAW_SCHEMA.empty_table()
