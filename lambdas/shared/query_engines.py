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
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from lambdas.shared.sql_guard import CURATED_DATABASE, GuardedQuery

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

    def execute(self, query: GuardedQuery, *, max_rows: int) -> QueryResult: ...


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


class DuckDbEngine:
    """The embedded engine: the dbt ``local`` warehouse, read-only, file access confined to the lake.

    Order matters: the allowed directory is set first, then external access is switched off and the
    configuration locked, so nothing the query does can widen access again.
    """

    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, warehouse: str | Path, lake: str | Path, *, timeout_seconds: float = 30.0) -> None:
        self.warehouse = Path(warehouse)
        self.lake = Path(lake)
        self.timeout_seconds = timeout_seconds
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    def connect(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            if not self.warehouse.is_file():
                raise QueryFailedError(
                    f"The warehouse {self.warehouse} does not exist yet; build it with `pca up` or dbt."
                )
            import duckdb  # imported here: the Lambda package has no duckdb (no wheel for its runtime)

            connection = duckdb.connect(str(self.warehouse), read_only=True)
            lake_dir = str(self.lake.resolve()).rstrip("/") + "/"
            if self._setting(connection, "lock_configuration"):
                # DuckDB shares one database instance per file within a process: a second engine on the
                # same warehouse finds it already locked, and may use it only if it is locked our way.
                allowed = self._setting(connection, "allowed_directories") or []
                if self._setting(connection, "enable_external_access") or lake_dir not in allowed:
                    connection.close()
                    raise QueryFailedError(
                        f"The warehouse {self.warehouse} is already open in this process with other settings."
                    )
            else:
                connection.execute("SET allowed_directories = $dirs", {"dirs": [lake_dir]})
                connection.execute("SET enable_external_access = false")
                connection.execute("SET autoinstall_known_extensions = false")
                connection.execute("SET autoload_known_extensions = false")
                connection.execute("SET lock_configuration = true")
            self._connection = connection
        return self._connection

    @staticmethod
    def _setting(connection: duckdb.DuckDBPyConnection, name: str) -> Any:
        row = connection.execute("select current_setting($name)", {"name": name}).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def execute(self, query: GuardedQuery, *, max_rows: int) -> QueryResult:
        import duckdb  # the embedded engine only (see connect)

        sql = query.to_dialect(self.dialect)
        with self._lock:
            connection = self.connect()
            timer = threading.Timer(self.timeout_seconds, connection.interrupt)
            started = time.perf_counter()
            timer.start()
            try:
                cursor = connection.execute(sql)
                fetched = cursor.fetchmany(max_rows + 1)
                description = cursor.description or []
            except duckdb.InterruptException as error:
                raise QueryTimeoutError(
                    f"The query ran longer than {self.timeout_seconds:g} s and was stopped. "
                    "Aggregate more, filter by date, or select fewer rows."
                ) from error
            except duckdb.Error as error:
                raise QueryFailedError(str(error).splitlines()[0]) from error
            finally:
                timer.cancel()
            duration_ms = (time.perf_counter() - started) * 1000
        return QueryResult(
            columns=[str(d[0]) for d in description],
            column_types=[str(d[1]) for d in description],
            rows=[[to_json_value(v) for v in row] for row in fetched[:max_rows]],
            truncated=len(fetched) > max_rows,
            engine=self.name,
            duration_ms=duration_ms,
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
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.workgroup = workgroup
        self.database = database
        self.catalog = catalog
        self.timeout_seconds = timeout_seconds
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.sleep = sleep

    def execute(self, query: GuardedQuery, *, max_rows: int) -> QueryResult:
        started = self.clock()
        execution_id = self.client.start_query_execution(
            QueryString=query.to_dialect(self.dialect),
            WorkGroup=self.workgroup,
            QueryExecutionContext={"Database": self.database, "Catalog": self.catalog},
        )["QueryExecutionId"]
        execution = self._wait(execution_id, deadline=started + self.timeout_seconds)
        statistics = execution.get("Statistics", {})
        columns, types, rows, truncated = self._fetch(execution_id, max_rows)
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
                raise QueryTimeoutError(
                    f"The query ran longer than {self.timeout_seconds:g} s and was stopped. "
                    "Aggregate more, filter by date, or select fewer rows."
                )
            self.sleep(min(delay, max(0.0, deadline - self.clock())))
            delay = min(delay * 2, 2.0)

    def _fetch(
        self, execution_id: str, max_rows: int
    ) -> tuple[list[str], list[str], list[list[JsonValue]], bool]:
        columns: list[str] = []
        types: list[str] = []
        rows: list[list[JsonValue]] = []
        header_skipped = False
        for page in self._pages(execution_id, max_rows):
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
