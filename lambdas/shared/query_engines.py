"""Query engines behind one interface: Athena in AWS, DuckDB for the embedded run.

Both take SQL written for Athena (Trino) that already passed the guard (:class:`GuardedQuery`), run it, and
return a :class:`QueryResult` with JSON-ready values. DuckDB runs the same query through sqlglot's
Athena→DuckDB transpilation, so one agent instruction serves both engines.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from lambdas.shared.sql_guard import CURATED_DATABASE, CURATED_MARTS, GuardedQuery

if TYPE_CHECKING:
    import duckdb
    from mypy_boto3_athena import AthenaClient

ATHENA_WORKGROUP = "post-call-analytics"
ATHENA_CATALOG = "AwsDataCatalog"

JsonValue = str | int | float | bool | None | list[Any] | dict[str, Any]


class QueryFailedError(RuntimeError):
    """The engine ran the query and it failed; the message is the engine's reason, safe to show."""


class QueryTimeoutError(QueryFailedError):
    """The query did not finish before the deadline and was stopped."""


@dataclass(frozen=True)
class QueryResult:
    """Rows of one query: column names, JSON-ready rows, whether more rows existed, and cost figures."""

    columns: list[str]
    rows: list[list[JsonValue]]
    truncated: bool
    engine: str
    duration_ms: float
    bytes_scanned: int | None = None
    query_id: str | None = None
    column_types: list[str] = field(default_factory=list)


class QueryEngine(Protocol):
    """Runs a guarded query. ``max_rows`` caps the rows returned; ``truncated`` says whether more existed."""

    name: str
    dialect: str

    def execute(self, query: GuardedQuery, *, max_rows: int, deadline: float | None = None) -> QueryResult:
        """``deadline`` is a ``time.monotonic()`` instant that execution and conversion must finish by."""
        ...


def to_json_value(value: Any) -> JsonValue:
    """Convert a value from either engine to something ``json.dumps`` writes exactly."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if all(hasattr(value, part) for part in ("months", "days", "nanoseconds")):  # an Arrow interval
        seconds: float = (value.months * 30 + value.days) * 86_400 + value.nanoseconds / 1e9
        return seconds
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_json_value(v) for v in value]
    return str(value)


# --------------------------------------------------------------------------------------------- DuckDB

ANSWER_DATABASE_NAME = "answers.duckdb"
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_THREADS = 2
DEFAULT_MAX_TEMP_SIZE = "2GB"
DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024


def answer_database_path(warehouse: str | Path) -> Path:
    """Where the answer database of a dbt warehouse lives: ``answers.duckdb`` beside ``warehouse.duckdb``
    (``<stem>.answers.duckdb`` beside a warehouse with another name)."""
    path = Path(warehouse)
    if path.name == "warehouse.duckdb":
        return path.with_name(ANSWER_DATABASE_NAME)
    return path.with_name(f"{path.stem}.answers.duckdb")


def write_answer_database(
    warehouse: str | Path,
    answers: str | Path | None = None,
    *,
    marts: Iterable[str] = CURATED_MARTS,
    schema: str = CURATED_DATABASE,
) -> dict[str, int]:
    """Copy the marts of the dbt ``warehouse`` into a new DuckDB file as tables, and nothing else.

    The answering connection opens this file (read-only, without file access), so neither the lake, the
    warehouse's staging models and macros, nor any file is reachable from a query. The file is written beside
    ``answers`` and moved over it in one step, so a reader never sees half a database. Rows are stored in
    order of the mart's day (:func:`cluster_columns`), so a question about a period reads only the row groups
    of that period. Returns rows per mart.
    """
    import duckdb

    source = Path(warehouse).resolve()
    target = Path(answers) if answers is not None else answer_database_path(source)
    if not source.is_file():
        raise QueryFailedError(f"The warehouse {source} does not exist yet; build it with `pca up` or dbt.")
    staging = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        with duckdb.connect(str(staging)) as connection:
            connection.execute(f"attach {sql_string(str(source))} as warehouse (read_only)")
            present = {
                str(row[0]).lower()
                for row in connection.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = 'warehouse' and table_schema = $schema",
                    {"schema": schema},
                ).fetchall()
            }
            connection.execute(f'create schema "{schema}"')
            for mart in sorted({m.lower() for m in marts} & present):
                columns = [
                    str(row[0]).lower()
                    for row in connection.execute(
                        "select column_name from information_schema.columns where table_catalog = 'warehouse' "
                        "and table_schema = $schema and table_name = $mart",
                        {"schema": schema, "mart": mart},
                    ).fetchall()
                ]
                order = ", ".join(f'"{c}"' for c in cluster_columns(columns))
                ordered = f" order by {order}" if order else ""
                connection.execute(
                    f'create table "{schema}"."{mart}" as select * from warehouse."{schema}"."{mart}"{ordered}'
                )
                row = connection.execute(f'select count(*) from "{schema}"."{mart}"').fetchone()
                counts[mart] = int(row[0]) if row else 0
            connection.execute("detach warehouse")
            connection.execute("checkpoint")
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
    return counts


# Rows of a mart are stored in the order of its day column (then start time): each row group then covers a
# narrow run of days, so DuckDB's zone maps skip the row groups outside a question's period.
CLUSTER_DATE_COLUMNS = ("call_date", "evaluation_date", "activity_date")
CLUSTER_TIME_COLUMNS = ("started_at",)


def cluster_columns(columns: Iterable[str]) -> list[str]:
    """The columns a mart's rows are stored in order of: its day column, then its start time (if it has them)."""
    present = {c.lower() for c in columns}
    day = next((c for c in CLUSTER_DATE_COLUMNS if c in present), None)
    if day is None:
        return []
    return [day, *(c for c in CLUSTER_TIME_COLUMNS if c in present)]


def ensure_answer_database(warehouse: str | Path, answers: str | Path | None = None) -> Path:
    """The answer database of ``warehouse``, written first if it is missing or older than the warehouse."""
    source = Path(warehouse)
    target = Path(answers) if answers is not None else answer_database_path(source)
    if not target.is_file() or (source.is_file() and target.stat().st_mtime < source.stat().st_mtime):
        write_answer_database(source, target)
    return target


def sql_string(text: str) -> str:
    """A SQL string literal: the text in single quotes, its own quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


class DuckDbEngine:
    """The embedded engine: a marts-only answer database, opened read-only with no file access at all.

    ``database`` is an answer database written by :func:`write_answer_database` (after ``dbt build``). The
    older form ``DuckDbEngine(warehouse, lake)`` names the dbt warehouse instead: the engine then answers from
    the warehouse's answer database, written first when it is missing or older than the warehouse; the lake
    is never opened.

    The database is opened with its configuration set before any query can run and then locked:
    ``enable_external_access = false`` (no files, URLs, ``ATTACH``, ``COPY`` or extensions), no replacement
    scans of the process's Python variables, a memory limit,
    a thread count and a cap on temporary files. Each query runs on its own short-lived connection, so
    whatever it creates (temporary tables, macros, variables) is gone when it ends. One deadline covers
    execution and conversion; results are cut to ``max_rows`` and ``max_result_bytes`` before they become
    Python values. ``max_concurrent`` caps the queries running at once (the rest queue, their wait counted
    against their deadline); ``None`` lets every caller run at once.
    """

    name = "duckdb"
    dialect = "duckdb"

    def __init__(
        self,
        database: str | Path,
        lake: str | Path | None = None,
        *,
        timeout_seconds: float = 30.0,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
        threads: int = DEFAULT_THREADS,
        max_temp_size: str = DEFAULT_MAX_TEMP_SIZE,
        max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
        max_concurrent: int | None = None,
    ) -> None:
        self.warehouse: Path | None = Path(database) if lake is not None else None
        self.database = answer_database_path(database) if lake is not None else Path(database)
        self.timeout_seconds = timeout_seconds
        self.memory_limit = memory_limit
        self.threads = threads
        self.max_temp_size = max_temp_size
        self.max_result_bytes = max_result_bytes
        self.max_concurrent = max_concurrent
        self._slots = threading.BoundedSemaphore(max_concurrent) if max_concurrent else None
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    def config(self) -> dict[str, Any]:
        """The settings the database is opened with (and locked)."""
        return {
            "access_mode": "READ_ONLY",
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "python_enable_replacements": False,  # a FROM name never reads a Python variable of the process
            # `/` of two integers is integer division, as on Athena (Trino): the same SQL, the same numbers
            "integer_division": True,
            "memory_limit": self.memory_limit,
            "threads": self.threads,
            "temp_directory": str(self.database.resolve()) + ".tmp",
            "max_temp_directory_size": self.max_temp_size,
            "lock_configuration": True,
        }

    def connect(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            if self.warehouse is not None:
                if not self.warehouse.is_file() and not self.database.is_file():
                    raise QueryFailedError(
                        f"The warehouse {self.warehouse} does not exist yet; build it with `pca up` or dbt."
                    )
                ensure_answer_database(self.warehouse, self.database)
            if not self.database.is_file():
                raise QueryFailedError(
                    f"The answer database {self.database} does not exist yet; build it with `pca up` "
                    "or `pca dbt build`."
                )
            import duckdb  # imported here: the Lambda package has no duckdb (no wheel for its runtime)

            try:
                self._connection = duckdb.connect(str(self.database), read_only=True, config=self.config())
            except duckdb.ConnectionException as error:
                raise QueryFailedError(
                    f"The answer database {self.database} is already open in this process with other "
                    f"settings: {str(error).splitlines()[0]}"
                ) from error
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def execute(self, query: GuardedQuery, *, max_rows: int, deadline: float | None = None) -> QueryResult:
        """Run ``query``; ``deadline`` (``time.monotonic()``) may shorten the engine's own timeout."""
        sql = query.to_dialect(self.dialect)
        started = time.monotonic()
        budget = self.timeout_seconds if deadline is None else min(self.timeout_seconds, deadline - started)
        if budget <= 0:
            raise _timeout(self.timeout_seconds)
        if self._slots is None:
            return self._execute(sql, max_rows, started, budget)
        # At most max_concurrent queries run; the others wait their turn, and the wait counts against the deadline.
        if not self._slots.acquire(timeout=budget):
            raise _timeout(self.timeout_seconds)
        try:
            return self._execute(sql, max_rows, started, budget)
        finally:
            self._slots.release()

    def _execute(self, sql: str, max_rows: int, started: float, budget: float) -> QueryResult:
        import duckdb  # the embedded engine only (see connect)

        remaining = budget - (time.monotonic() - started)
        if remaining <= 0:
            raise _timeout(self.timeout_seconds)
        with self._lock:
            cursor = self.connect().cursor()  # its own connection: nothing a query creates outlives it
        timer = threading.Timer(remaining, cursor.interrupt)
        timer.start()
        try:
            relation = cursor.sql(sql)  # streamed: rows beyond max_rows are never produced
            description = [(name, kind) for name, kind in zip(relation.columns, relation.types, strict=True)]
            reader = relation.to_arrow_reader(batch_size=max(1, min(max_rows + 1, 10_000)))
            batches, kept, size = [], 0, 0
            for batch in reader:
                batches.append(batch)
                kept += batch.num_rows
                size += batch.nbytes
                if size > self.max_result_bytes:
                    raise QueryFailedError(
                        f"The result is larger than {self.max_result_bytes // (1024 * 1024)} MB. "
                        "Select fewer or smaller columns, aggregate more, or return fewer rows."
                    )
                if kept > max_rows or time.monotonic() - started > budget:
                    break
            if time.monotonic() - started > budget:
                raise _timeout(self.timeout_seconds)
        except duckdb.InterruptException as error:
            raise _timeout(self.timeout_seconds) from error
        except duckdb.OutOfMemoryException as error:
            raise QueryFailedError(
                f"The query needs more than the engine's memory limit ({self.memory_limit}). "
                "Aggregate more, filter by date, or select fewer rows."
            ) from error
        except duckdb.Error as error:
            raise QueryFailedError(str(error).splitlines()[0]) from error
        finally:
            timer.cancel()
            cursor.close()
        rows: list[list[JsonValue]] = []
        for batch in batches:
            columns = [_arrow_values(batch.column(i)) for i in range(batch.num_columns)]
            for record in zip(*columns, strict=True):
                if len(rows) > max_rows:
                    break
                rows.append([to_json_value(v) for v in record])
        if time.monotonic() - started > budget:
            raise _timeout(self.timeout_seconds)
        return QueryResult(
            columns=[str(d[0]) for d in description],
            column_types=[str(d[1]) for d in description],
            rows=rows[:max_rows],
            truncated=len(rows) > max_rows,
            engine=self.name,
            duration_ms=(time.monotonic() - started) * 1000,
        )


def _arrow_values(column: Any) -> list[Any]:
    """Python values of one Arrow column; a top-level MAP becomes a dict, as DuckDB's own fetch gives it."""
    import pyarrow as pa

    values: list[Any] = column.to_pylist()
    if pa.types.is_map(column.type):
        return [None if v is None else {str(k): item for k, item in v} for v in values]
    return values


def _timeout(seconds: float) -> QueryTimeoutError:
    return QueryTimeoutError(
        f"The query ran longer than {seconds:g} s and was stopped. "
        "Aggregate more, filter by date, or select fewer rows."
    )


# --------------------------------------------------------------------------------------------- Athena

_ATHENA_INTEGER_TYPES = {"tinyint", "smallint", "integer", "int", "bigint"}
_ATHENA_FLOAT_TYPES = {"double", "float", "real"}


def _athena_value(raw: str | None, athena_type: str) -> JsonValue:
    if raw is None:
        return None
    kind = athena_type.lower()
    try:
        if kind in _ATHENA_INTEGER_TYPES:
            return int(raw)
        if kind in _ATHENA_FLOAT_TYPES:
            return to_json_value(float(raw))
        if kind == "decimal":
            return to_json_value(decimal.Decimal(raw))
        if kind == "boolean":
            return raw.lower() == "true"
    except (ValueError, decimal.InvalidOperation):
        return raw
    return raw


class AthenaEngine:
    """Athena via boto3: start in the workgroup, poll with a deadline, stop on timeout, page results."""

    name = "athena"
    dialect = "athena"

    def __init__(
        self,
        client: AthenaClient,
        *,
        workgroup: str = ATHENA_WORKGROUP,
        database: str = CURATED_DATABASE,
        catalog: str = ATHENA_CATALOG,
        timeout_seconds: float = 50.0,
        poll_seconds: float = 0.25,
        max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.workgroup = workgroup
        self.database = database
        self.catalog = catalog
        self.timeout_seconds = timeout_seconds
        self.poll_seconds = poll_seconds
        self.max_result_bytes = max_result_bytes
        self.clock = clock
        self.sleep = sleep

    def execute(self, query: GuardedQuery, *, max_rows: int, deadline: float | None = None) -> QueryResult:
        """Run ``query``; ``deadline`` (on this engine's clock) may shorten the engine's own timeout."""
        started = self.clock()
        budget = self.timeout_seconds
        if deadline is not None:  # a time.monotonic() instant; this engine's clock may be another
            budget = min(budget, deadline - time.monotonic())
        until = started + budget
        if budget <= 0:
            raise _timeout(self.timeout_seconds)
        execution_id = self.client.start_query_execution(
            QueryString=query.to_dialect(self.dialect),
            WorkGroup=self.workgroup,
            QueryExecutionContext={"Database": self.database, "Catalog": self.catalog},
        )["QueryExecutionId"]
        execution = self._wait(execution_id, deadline=until)
        statistics = execution.get("Statistics", {})
        columns, types, rows, truncated = self._fetch(execution_id, max_rows, deadline=until)
        return QueryResult(
            columns=columns,
            column_types=types,
            rows=rows,
            truncated=truncated,
            engine=self.name,
            duration_ms=float(statistics.get("TotalExecutionTimeInMillis", (self.clock() - started) * 1000)),
            bytes_scanned=int(statistics.get("DataScannedInBytes", 0)),
            query_id=execution_id,
        )

    def _wait(self, execution_id: str, *, deadline: float) -> dict[str, Any]:
        delay = self.poll_seconds
        while True:
            execution: dict[str, Any] = dict(
                self.client.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
            )
            status = execution.get("Status", {})
            state = status.get("State")
            if state == "SUCCEEDED":
                return execution
            if state in ("FAILED", "CANCELLED"):
                reason = status.get("StateChangeReason") or status.get("AthenaError", {}).get(
                    "ErrorMessage", "no reason given"
                )
                raise QueryFailedError(f"Athena query {state.lower()}: {reason}")
            if self.clock() >= deadline:
                self.client.stop_query_execution(QueryExecutionId=execution_id)
                raise _timeout(self.timeout_seconds)
            self.sleep(min(delay, max(0.0, deadline - self.clock())))
            delay = min(delay * 2, 2.0)

    def _fetch(
        self, execution_id: str, max_rows: int, *, deadline: float
    ) -> tuple[list[str], list[str], list[list[JsonValue]], bool]:
        columns: list[str] = []
        types: list[str] = []
        rows: list[list[JsonValue]] = []
        header_skipped = False
        size = 0
        for page in self._pages(execution_id, max_rows):
            if self.clock() >= deadline:
                raise _timeout(self.timeout_seconds)
            size += sum(
                len(d.get("VarCharValue") or "")
                for raw in page["ResultSet"].get("Rows", [])
                for d in raw["Data"]
            )
            if size > self.max_result_bytes:
                raise QueryFailedError(
                    f"The result is larger than {self.max_result_bytes // (1024 * 1024)} MB. "
                    "Select fewer or smaller columns, aggregate more, or return fewer rows."
                )
            result_set = page["ResultSet"]
            if not columns:
                info = result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])
                columns = [c["Name"] for c in info]
                types = [c.get("Type", "varchar") for c in info]
            for raw in result_set.get("Rows", []):
                values = [d.get("VarCharValue") for d in raw.get("Data", [])]
                if not header_skipped:
                    header_skipped = True
                    if values == columns:  # Athena repeats the header as the first row of a SELECT
                        continue
                if len(rows) > max_rows:
                    break
                rows.append([_athena_value(v, t) for v, t in zip(values, types, strict=False)])
            if len(rows) > max_rows:
                break
        return columns, types, rows[:max_rows], len(rows) > max_rows

    def _pages(self, execution_id: str, max_rows: int) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {
                "QueryExecutionId": execution_id,
                "MaxResults": min(1000, max_rows + 2),
            }
            if token:
                kwargs["NextToken"] = token
            page: dict[str, Any] = dict(self.client.get_query_results(**kwargs))
            yield page
            token = page.get("NextToken")
            if not token:
                return
