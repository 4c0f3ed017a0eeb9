"""Build answerers from the configuration and the local data layout (or a given engine)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from lambdas.shared.answering.bedrock_agent import BedrockAgentAnswerer
from lambdas.shared.answering.chain import AnswerChain
from lambdas.shared.answering.config import AnsweringConfig, ConfigurationError
from lambdas.shared.answering.llm import (
    BedrockConverseClient,
    ChatClient,
    ExecutorTools,
    LlmAnswerer,
    OpenAICompatibleClient,
)
from lambdas.shared.answering.model import Answerer
from lambdas.shared.answering.verified import (
    ENTITY_SOURCES,
    ExecutedQuery,
    Runner,
    VerifiedAnswerer,
    VerifiedQuerySpec,
)

# The verified SQL is rendered in Athena SQL, the dialect the guard reads; each engine translates it.
RENDER_TARGET = "athena"


class WarehousePaths(Protocol):
    """Where the embedded warehouse and lake live (``orchestration.paths.DataPaths`` fits)."""

    @property
    def warehouse(self) -> Path: ...

    @property
    def lake(self) -> Path: ...


DUCKDB_THREADS_VARIABLE = "PCA_DUCKDB_THREADS"


def duckdb_threads(env: Mapping[str, str] | None = None) -> int:
    """DuckDB's thread count from ``PCA_DUCKDB_THREADS`` (default 2). One thread per query spends no CPU on
    parallel plans: more answers per second when several questions run at once or the cores are shared."""
    from lambdas.shared.query_engines import DEFAULT_THREADS

    raw = (os.environ if env is None else env).get(DUCKDB_THREADS_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_THREADS
    if not raw.isdigit() or not 1 <= int(raw) <= 64:
        raise ConfigurationError(
            f"{DUCKDB_THREADS_VARIABLE} must be a whole number from 1 to 64, not {raw!r}."
        )
    return int(raw)


def duckdb_engine(paths: WarehousePaths) -> Any:
    """The embedded engine on the marts-only answer database (written after ``dbt build``; written here
    from the warehouse if it is missing or older), with ``PCA_DUCKDB_THREADS`` threads."""
    from lambdas.shared.query_engines import DuckDbEngine, answer_database_path, ensure_answer_database

    answers = getattr(paths, "answers", None) or answer_database_path(paths.warehouse)
    return DuckDbEngine(ensure_answer_database(paths.warehouse, answers), threads=duckdb_threads())


def guarded_runner(
    engine: Any, *, max_rows: int = 1000, exact_percentiles: bool = False, count_rows: bool = False
) -> Runner:
    """Guard ``sql`` with the shared guard, run it on ``engine``, return what ran and its rows (percentiles
    exact on DuckDB when ``exact_percentiles``).

    With ``count_rows``, the rows the query returns without its LIMIT are counted in the same execution
    (:func:`with_total_rows`) and returned as ``total_rows``: a result cut by its LIMIT says "first N of M"
    without running the query a second time. The SQL returned is the query as asked."""
    from lambdas.shared.query_engines import QueryFailedError, QueryTimeoutError
    from lambdas.shared.sql_guard import GuardedQuery, GuardPolicy, SqlRejectedError, guard_sql

    policy = GuardPolicy(max_rows=max_rows, exact_percentiles=exact_percentiles)

    def run(sql: str) -> ExecutedQuery:
        counted = counted_query(sql) if count_rows else None
        if counted is not None:
            guarded, shown = counted
            try:
                result = engine.execute(guarded, max_rows=guarded.limit)
            except QueryTimeoutError:
                raise
            except QueryFailedError:  # e.g. the window over a long list needs more memory: run it as asked
                result = None
            if result is not None and result.columns and result.columns[-1] == TOTAL_ROWS_COLUMN:
                return ExecutedQuery(
                    sql=shown,
                    columns=tuple(result.columns[:-1]),
                    rows=tuple(tuple(row[:-1]) for row in result.rows),
                    total_rows=int(result.rows[0][-1]) if result.rows else 0,
                )
        guarded = guard_sql(sql, policy)
        result = engine.execute(guarded, max_rows=guarded.limit)
        return ExecutedQuery(
            sql=guarded.to_dialect(engine.dialect),
            columns=tuple(result.columns),
            rows=tuple(tuple(row) for row in result.rows),
        )

    def counted_query(sql: str) -> tuple[GuardedQuery, str] | None:
        """``sql`` with its row count, guarded, and the SQL to show (the query as asked); None when the
        count cannot be added (the query then runs as it is)."""
        counted = with_total_rows(sql)
        if counted is None:
            return None
        try:
            guarded = guard_sql(counted, policy)
            printed = guarded.to_dialect(engine.dialect)
        except SqlRejectedError:  # e.g. longer than the guard allows: the query as asked runs, counted apart
            return None
        # The printed count column taken out again is the query as asked (one guard and one print instead of
        # two); if the printer wrote it any other way, the query as asked is printed on its own.
        window = f", COUNT(*) OVER () AS {TOTAL_ROWS_COLUMN}"
        if printed.count(window) == 1:
            return guarded, printed.replace(window, "")
        return guarded, guard_sql(sql, policy).to_dialect(engine.dialect)

    return run


# The column a counted query adds: the rows of the whole result, before its LIMIT.
TOTAL_ROWS_COLUMN = "pca_total_rows"


def with_total_rows(sql: str) -> str | None:
    """``sql`` (Athena SQL) with ``count(*) over ()`` added as its last column, or None when that would not
    count its rows exactly.

    A window function is evaluated after WHERE, GROUP BY and HAVING and before ORDER BY and LIMIT, so on the
    outermost SELECT it counts every row the query returns without its LIMIT (its groups, for an aggregate).
    Only a plain outermost SELECT qualifies: not a set operation, and not SELECT DISTINCT (whose rows are
    made unique after windows are evaluated). A filter over one table is left to be counted apart, which
    costs less (:func:`_filters_one_table`)."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read=RENDER_TARGET)
    except sqlglot.errors.SqlglotError:
        return None
    if not isinstance(tree, exp.Select) or tree.args.get("distinct") is not None:
        return None
    if _filters_one_table(tree):
        return None
    if any(name.lower() == TOTAL_ROWS_COLUMN for name in tree.named_selects):
        return None
    total = exp.alias_(exp.Window(this=exp.Count(this=exp.Star())), TOTAL_ROWS_COLUMN)
    return tree.select(total, copy=False).sql(dialect=RENDER_TARGET, copy=False)


def _filters_one_table(tree: Any) -> bool:
    """Whether ``tree`` lists rows of one stored table as they are (a filter: no join, subquery, CTE, grouping
    or aggregate). Such a list is counted apart: the count reads only the filtered columns, where a window
    would keep every listed column of every matching row to count them."""
    from sqlglot import exp

    source = tree.args.get("from_") or tree.args.get("from")
    return (
        isinstance(source, exp.From)
        and isinstance(source.this, exp.Table)
        and not tree.args.get("joins")
        and not tree.args.get("with")
        and not tree.args.get("group")
        and not tree.args.get("having")
        and tree.find(exp.AggFunc, exp.Subquery, exp.Window) is None
    )


def read_entity_values(run: Runner, database: str = "post_call_analytics") -> dict[str, list[str]]:
    """Distinct agent, team and queue names as stored in the marts (what slots resolve against)."""
    values: dict[str, list[str]] = {}
    for kind, (table, column) in ENTITY_SOURCES.items():
        executed = run(
            f"select distinct {column} as value from {database}.{table} where {column} is not null order by 1"
        )
        values[kind] = [str(row[0]) for row in executed.rows]
    return values


def shared_repository(
    path: Path | None = None,
) -> tuple[list[VerifiedQuerySpec], Callable[[str, Mapping[str, Any], dt.date], str]]:
    """The committed verified-query repository (or the file at ``path``) and the shared renderer."""
    from lambdas.shared import verified_queries

    repository = verified_queries.load_repository(RENDER_TARGET, path=path)
    specs = [VerifiedQuerySpec.from_document(_as_document(query)) for query in repository.queries]

    def render(name: str, values: Mapping[str, Any], today: dt.date) -> str:
        sql: str = verified_queries.render(repository.by_name(name), dict(values), today=today)
        return sql

    return specs, render


def _as_document(query: Any) -> dict[str, Any]:
    if isinstance(query, Mapping):
        return dict(query)
    to_dict = getattr(query, "to_dict", None) or getattr(query, "as_dict", None)
    if callable(to_dict):
        document: dict[str, Any] = to_dict()
        return document
    import dataclasses

    if dataclasses.is_dataclass(query) and not isinstance(query, type):
        return dataclasses.asdict(query)
    raise TypeError(f"Cannot read verified query {query!r}")


def verified_answerer(
    engine: Any,
    *,
    today: Callable[[], dt.date],
    threshold: float = 0.8,
    max_rows: int = 1000,
    repository_path: Path | None = None,
) -> VerifiedAnswerer:
    # percentiles exact on DuckDB, as semantic; a cut list's rows counted in the same execution
    run = guarded_runner(engine, max_rows=max_rows, exact_percentiles=True, count_rows=True)
    specs, render = shared_repository(repository_path)
    return VerifiedAnswerer(
        specs=specs,
        render=render,
        run=run,
        entity_values=read_entity_values(run),
        today=today,
        threshold=threshold,
        count_rows=row_counter(run, getattr(engine, "dialect", "athena")),
        first_day=first_day_of_the_data(run),
    )


def first_day_of_the_data(run: Runner) -> Callable[[], dt.date | None]:
    """The first call day the marts hold, read on first use and kept (None when they hold no call, or when it
    cannot be read: the check it serves is a courtesy and never fails an answer)."""
    known: list[dt.date | None] = []

    def first_day() -> dt.date | None:
        if not known:
            try:
                value = run("select min(call_date) as first_day from post_call_analytics.calls").rows[0][0]
                known.append(dt.date.fromisoformat(str(value)[:10]) if value is not None else None)
            except Exception:
                known.append(None)
        return known[0]

    return first_day


def row_counter(run: Runner, dialect: str) -> Callable[[str, int], int | None]:
    """How many rows ``sql`` (in ``dialect``) returns without its outer LIMIT; None without a LIMIT or when
    the count cannot be made (the answer then says nothing about more rows rather than guess)."""
    import sqlglot
    from sqlglot import exp

    def count(sql: str, shown: int) -> int | None:
        try:
            tree = sqlglot.parse_one(sql, read=dialect)
            limit = tree.args.get("limit") if isinstance(tree, exp.Query) else None
            if not isinstance(tree, exp.Query) or limit is None:
                return None
            bound = limit.expression
            if isinstance(bound, exp.Literal) and bound.is_int and shown < int(bound.this):
                return shown  # fewer rows than the LIMIT: nothing was cut
            tree.set("limit", None)
            tree.set("order", None)
            counted = exp.select("count(*)").from_(tree.subquery("listed"))
            return int(run(counted.sql(dialect="athena")).rows[0][0])
        except Exception:  # a count is a courtesy: never fail the answer for it
            return None

    return count


def semantic_answerer(
    engine: Any,
    *,
    today: Callable[[], dt.date],
    max_rows: int = 1000,
    manifest_path: Path | None = None,
) -> Answerer:
    """The semantic-layer answerer over ``engine``: metric queries compiled by MetricFlow, guarded, run."""
    from lambdas.shared.answering.semantic import (
        MANIFEST_PATH,
        MetricCompiler,
        SemanticAnswerer,
        SemanticManifest,
        read_values,
    )

    run = guarded_runner(engine, max_rows=max_rows, exact_percentiles=True)
    manifest = SemanticManifest.load(manifest_path or MANIFEST_PATH)

    def count_rows(sql: str) -> int:
        return int(run(f"select count(*) from ({sql}) as counted").rows[0][0])

    return SemanticAnswerer(
        first_day=first_day_of_the_data(run),
        manifest=manifest,
        compiler=MetricCompiler(manifest),
        run=run,  # type: ignore[arg-type]
        values=lambda: read_values(run),
        today=today,
        max_rows=max_rows,
        count_rows=count_rows,
    )


def agent_instruction() -> str:
    path = Path(__file__).resolve().parents[2] / "lambdas" / "athena_executor" / "agent_instruction.txt"
    if not path.is_file():
        raise ConfigurationError(f"The agent instruction {path} is missing; regenerate the agent artifacts.")
    return path.read_text(encoding="utf-8")


def executor_tools(engine: Any) -> ExecutorTools:
    """The action group's executor over ``engine``: the LLM loop gets exactly what the Bedrock agent gets."""
    from lambdas.athena_executor.catalog import SchemaCatalog
    from lambdas.athena_executor.executor import AthenaExecutor, ExecutorSettings

    settings = ExecutorSettings(engine=engine.name)
    return ExecutorTools(AthenaExecutor(engine, SchemaCatalog.load(), settings))


def llm_client(config: AnsweringConfig) -> ChatClient:
    if config.llm_provider is None or not config.llm_model:
        raise ConfigurationError("The llm answerer needs PCA_LLM_PROVIDER and PCA_LLM_MODEL.")
    if config.llm_provider == "bedrock":
        return BedrockConverseClient.create(config.llm_model, config.region)
    return OpenAICompatibleClient(config.llm_base_url, config.llm_model, config.llm_api_key)


def build_answerer(
    config: AnsweringConfig,
    engine: Any,
    *,
    names: Sequence[str] | None = None,
    today: Callable[[], dt.date] | None = None,
) -> Answerer:
    """The configured answerers (or ``names``) over ``engine``; a chain when there is more than one."""
    chosen = list(names or config.answerers)
    clock = today or (lambda: config.today or dt.datetime.now(dt.UTC).date())
    built: list[Answerer] = []
    for name in chosen:
        if name == "verified":
            built.append(verified_answerer(engine, today=clock, threshold=config.threshold))
        elif name == "semantic":
            built.append(semantic_answerer(engine, today=clock))
        elif name == "llm":
            tools = executor_tools(engine)
            built.append(LlmAnswerer(llm_client(config), tools, agent_instruction(), config.llm_max_turns))
        elif name == "bedrock-agent":
            if not config.agent_id or not config.agent_alias_id:
                raise ConfigurationError(
                    "The bedrock-agent answerer needs PCA_BEDROCK_AGENT_ID and PCA_BEDROCK_AGENT_ALIAS_ID."
                )
            built.append(BedrockAgentAnswerer.create(config.agent_id, config.agent_alias_id, config.region))
        else:
            raise ConfigurationError(f"Unknown answerer {name!r}.")
    return built[0] if len(built) == 1 else AnswerChain(built)
