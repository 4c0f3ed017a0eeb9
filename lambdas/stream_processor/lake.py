"""The raw change log's storage: S3 in AWS, a local folder in the embedded run, through pyarrow's filesystems.

``Lake.from_uri("s3://bucket/prefix")`` or ``Lake.from_uri("/path/to/lake")``. For S3 the endpoint can be
overridden with ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` (a local moto server in tests).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

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

QUARANTINE_PREFIX = "quarantine"


class LakeWriteError(RuntimeError):
    """Writing an object to the lake failed."""


@dataclass(frozen=True)
class Lake:
    filesystem: pafs.FileSystem
    root: str  # bucket/prefix for S3, an absolute directory for local
    uri: str

    @classmethod
    def from_uri(cls, uri: str) -> Lake:
        parsed = urlparse(uri)
        if parsed.scheme == "s3":
            endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
            options: dict[str, object] = {"region": region}
            if endpoint:
                options["endpoint_override"] = endpoint
                options["scheme"] = urlparse(endpoint).scheme or "http"
            fs = pafs.S3FileSystem(**options)
            root = f"{parsed.netloc}{parsed.path}".rstrip("/")
            return cls(fs, root, uri)
        if parsed.scheme not in ("", "file"):
            raise ValueError(f"unsupported lake URI {uri!r}: use s3://bucket[/prefix] or a local folder")
        path = os.path.abspath(parsed.path if parsed.scheme == "file" else uri)
        return cls(pafs.LocalFileSystem(), path, uri)

    @property
    def is_local(self) -> bool:
        return isinstance(self.filesystem, pafs.LocalFileSystem)

    def path(self, relative: str) -> str:
        return f"{self.root}/{relative}"

    def _write(self, relative: str, write: object) -> str:
        target = self.path(relative)
        try:
            if self.is_local:
                directory = target.rsplit("/", 1)[0]
                self.filesystem.create_dir(directory, recursive=True)
                tmp = f"{directory}/.tmp-{uuid.uuid4().hex}"
                with self.filesystem.open_output_stream(tmp) as out:
                    write(out)  # type: ignore[operator]
                self.filesystem.move(tmp, target)  # atomic rename: readers never see half a file
            else:
                with self.filesystem.open_output_stream(target) as out:
                    write(out)  # type: ignore[operator]
        except (OSError, pa.ArrowException) as error:
            raise LakeWriteError(f"could not write {target}: {error}") from error
        return target

    def write_parquet(self, relative: str, table: pa.Table) -> str:
        """Write ``table`` (raw schema) as one Parquet object; the same ``relative`` key overwrites."""
        return self._write(
            relative,
            lambda out: pq.write_table(
                table,
                out,
                compression="zstd",
                use_dictionary=["event_name", "event_source"],
                write_statistics=STATISTICS_COLUMNS,
            ),
        )

    def write_bytes(self, relative: str, data: bytes) -> str:
        return self._write(relative, lambda out: out.write(data))

    def list_files(self, prefix: str, suffix: str = "") -> list[str]:
        """Relative keys under ``prefix`` (recursively), sorted."""
        selector = pafs.FileSelector(self.path(prefix), recursive=True, allow_not_found=True)
        infos = self.filesystem.get_file_info(selector)
        start = len(self.root) + 1
        return sorted(
            info.path[start:]
            for info in infos
            if info.type == pafs.FileType.File and info.path.endswith(suffix) and "/.tmp-" not in info.path
        )

    def read_table(self, relative: str) -> pa.Table:
        return pq.read_table(self.path(relative), filesystem=self.filesystem)

    def read_bytes(self, relative: str) -> bytes:
        with self.filesystem.open_input_stream(self.path(relative), compression=None) as stream:
            data: bytes = stream.read()
        return data
