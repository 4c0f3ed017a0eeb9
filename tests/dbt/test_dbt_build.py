"""`dbt build --target local` on generated data: models, unit tests, contracts and data tests, then the marts
checked against the source tables' final state and the analyst questions they must answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration import dbt_runner
from orchestration.paths import DataPaths

from .helpers import exported_items, generated_data, query

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Built:
    paths: DataPaths
    target: Path
    result: dbt_runner.DbtResult


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("dbt-build")
    paths = generated_data(root / "data", calls=400, days=6, seed=11)
    target = root / "target"
    result = dbt_runner.build(paths.root, target_path=target, quiet=True, check=False)
    return Built(paths, target, result)


def test_build_runs_models_unit_tests_contracts_and_data_tests_without_failures(built: Built) -> None:
    result = built.result
    assert result.error is None
    assert result.failures == []
    assert result.success
    kinds = {unique_id.split(".")[0] for unique_id in result.statuses}
    assert {"model", "test", "unit_test"} <= kinds
    assert (
        result.count("success") == 19
    )  # every model built (8 marts with enforced contracts, the time spine)
    unit_tests = [u for u in result.statuses if u.startswith("unit_test.")]
    assert len(unit_tests) >= 8
    assert all(result.statuses[u] == "pass" for u in unit_tests)
    # the generated data respects the documented ranges, so the warn-level range checks pass too (an
    # evaluation of a call deleted later may warn on its relationship to `calls`, as designed)
    assert [warning for warning in result.warnings if "value_between" in warning] == []
    assert all("relationships_scorecards_call_id" in warning for warning in result.warnings)
    # by default every model is a view: answers are as fresh as the raw change log
    ((tables,),) = query(
        built.paths,
        "select count(*) from information_schema.tables "
        "where table_schema like 'post_call_analytics%' and table_type <> 'VIEW'",
    )
    assert tables == 0


def test_calls_mart_is_the_calls_tables_final_state(built: Built) -> None:
    expected = exported_items(built.paths, "calls")
    rows = query(
        built.paths,
        "select call_id, direction, agent_id, team, duration_seconds, started_at "
        "from post_call_analytics.calls",
    )
    assert len(rows) == len(expected) > 300
    for call_id, direction, agent_id, team, duration_seconds, started_at in rows:
        item = expected[call_id]
        assert (direction, agent_id, team) == (item["direction"], item["agent_id"], item["team"])
        assert duration_seconds == pytest.approx(item["duration_ms"] / 1000)
        assert started_at.strftime("%Y-%m-%dT%H:%M:%SZ") == item["started_at"]


def test_scorecards_mart_is_the_scorecards_tables_final_state(built: Built) -> None:
    expected = exported_items(built.paths, "scorecards")
    rows = query(
        built.paths,
        "select evaluation_id, call_id, evaluation_status, score_percent, is_automatic_fail, question_count "
        "from post_call_analytics.scorecards",
    )
    assert len(rows) == len(expected) > 50
    for evaluation_id, call_id, status, score, automatic_fail, question_count in rows:
        item = expected[evaluation_id]
        assert (call_id, status) == (item["call_id"], item["status"])
        assert score == pytest.approx(item["score"]["percentage"])
        assert automatic_fail == item["score"]["automatic_fail"]
        assert question_count == len(item["questions"])


def test_runbook_test_2_counts_calls_by_direction(built: Built) -> None:
    counts = dict(dbt_runner.direction_counts(built.paths.root))
    assert set(counts) == {"INBOUND", "OUTBOUND"}
    assert sum(counts.values()) == len(exported_items(built.paths, "calls"))


def test_child_marts_agree_with_their_parents(built: Built) -> None:
    ((categories, insights, answers),) = query(
        built.paths,
        "select (select sum(category_count) from post_call_analytics.calls),"
        " (select sum(issue_count + outcome_count + action_item_count) from post_call_analytics.calls),"
        " (select sum(question_count) from post_call_analytics.scorecards)",
    )
    counts = dbt_runner.mart_row_counts(built.paths.root)
    assert counts["call_categories"] == categories > 0
    assert counts["call_insights"] == insights > 0
    assert counts["scorecard_answers"] == answers > 0
    ((sections, in_sections),) = query(
        built.paths,
        "select count(distinct evaluation_id || '/' || section_ref_id), sum(question_count)"
        " from post_call_analytics.scorecard_sections",
    )
    assert counts["scorecard_sections"] == sections > 0  # one row per evaluation and section
    assert in_sections == answers  # every answered question in exactly one section
    ((agent_calls,),) = query(
        built.paths, "select sum(call_count) from post_call_analytics.agent_daily_performance"
    )
    assert agent_calls == counts["calls"]


# What the marts computed by unnesting lists and joining back on the key, before the counts were stored with each
# change and the unnested rows carried their parent's attributes: (the mart's rows, the previous definition's).
_CATEGORIES_BEFORE = """
    select u.call_id, u.category, c.call_date, c.started_at, c.direction, c.agent_id, c.team, c.queue,
        c.sentiment_agent, c.sentiment_customer
    from (
        select distinct call_id, unnest(category_list) as category
        from post_call_analytics_intermediate.int_calls_current
    ) as u
    inner join post_call_analytics.calls as c on u.call_id = c.call_id
    where u.category is not null"""
PREVIOUS_DEFINITIONS = {
    "calls: insight counts": (
        "select call_id, issue_count, outcome_count, action_item_count from post_call_analytics.calls",
        """select c.call_id, coalesce(i.issues, 0), coalesce(i.outcomes, 0), coalesce(i.action_items, 0)
        from post_call_analytics.calls as c
        left join (
            select call_id, count(*) filter (where insight_type = 'ISSUE') as issues,
                count(*) filter (where insight_type = 'OUTCOME') as outcomes,
                count(*) filter (where insight_type = 'ACTION_ITEM') as action_items
            from post_call_analytics.call_insights group by call_id
        ) as i on c.call_id = i.call_id""",
    ),
    "scorecards: question counts": (
        """select evaluation_id, question_count, automatic_fail_question_count
        from post_call_analytics.scorecards""",
        """select s.evaluation_id, coalesce(a.questions, 0), coalesce(a.fails, 0)
        from post_call_analytics.scorecards as s
        left join (
            select evaluation_id, count(*) as questions, count(*) filter (where is_automatic_fail) as fails
            from post_call_analytics.scorecard_answers group by evaluation_id
        ) as a on s.evaluation_id = a.evaluation_id""",
    ),
    "call_categories": ("select * from post_call_analytics.call_categories", _CATEGORIES_BEFORE),
    "call_insights: the call's attributes": (
        """select call_id, insight_position, call_date, started_at, agent_id, team, queue, summary_resolved
        from post_call_analytics.call_insights""",
        """select i.call_id, i.insight_position, c.call_date, c.started_at, c.agent_id, c.team, c.queue,
            c.summary_resolved
        from post_call_analytics.call_insights as i
        inner join post_call_analytics.calls as c on i.call_id = c.call_id""",
    ),
    "scorecard_answers: the evaluation's attributes": (
        """select evaluation_id, question_position, call_id, agent_id, team, queue, form_id, form_title,
            form_version, evaluation_status, evaluation_date
        from post_call_analytics.scorecard_answers""",
        """select a.evaluation_id, a.question_position, s.call_id, s.agent_id, s.team, s.queue, s.form_id,
            s.form_title, s.form_version, s.evaluation_status, s.evaluation_date
        from post_call_analytics.scorecard_answers as a
        inner join post_call_analytics.scorecards as s on a.evaluation_id = s.evaluation_id""",
    ),
    "agents: name and team of the latest call, activity": (
        """select agent_id, agent_name, team, first_call_at, last_call_at, call_count, evaluation_count
        from post_call_analytics.agents""",
        """select ids.agent_id, latest.agent_name, latest.team, activity.first_call_at, activity.last_call_at,
            coalesce(activity.call_count, 0), coalesce(evaluations.evaluation_count, 0)
        from (
            select agent_id from post_call_analytics.calls where agent_id is not null
            union select agent_id from post_call_analytics.scorecards where agent_id is not null
        ) as ids
        left join (
            select agent_id, agent_name, team, row_number() over (
                partition by agent_id order by started_at desc, agent_name desc, team desc) as call_rank
            from post_call_analytics.calls where agent_id is not null
        ) as latest on ids.agent_id = latest.agent_id and latest.call_rank = 1
        left join (
            select agent_id, count(*) as call_count, min(started_at) as first_call_at,
                max(started_at) as last_call_at
            from post_call_analytics.calls where agent_id is not null group by agent_id
        ) as activity on ids.agent_id = activity.agent_id
        left join (
            select agent_id, count(*) as evaluation_count from post_call_analytics.scorecards
            where agent_id is not null and evaluation_status = 'SUBMITTED' group by agent_id
        ) as evaluations on ids.agent_id = evaluations.agent_id""",
    ),
}


@pytest.mark.parametrize("name", PREVIOUS_DEFINITIONS)
def test_marts_equal_their_previous_definitions(built: Built, name: str) -> None:
    mart, before = PREVIOUS_DEFINITIONS[name]
    ((rows,),) = query(built.paths, f"select count(*) from ({mart})")
    assert rows > 0  # not vacuous
    assert query(built.paths, f"({mart}) except all ({before})") == []
    assert query(built.paths, f"({before}) except all ({mart})") == []


ANALYST_QUESTIONS = {
    "average QA score by agent, agents below 80%": """
        select agent_id, avg(score_percent) as avg_score from post_call_analytics.scorecards
        where evaluation_status = 'SUBMITTED' group by agent_id having avg(score_percent) < 80""",
    "lowest scoring questions": """
        select question_text, avg(score_percent) as avg_score from post_call_analytics.scorecard_answers
        where score_percent is not null group by question_text order by avg_score limit 5""",
    "automatic fail rate by team": """
        select team, 100.0 * count_if(is_automatic_fail) / count(*) as pct from post_call_analytics.scorecards
        where evaluation_status = 'SUBMITTED' group by team""",
    "categories with the most negative customer sentiment": """
        select category, avg(sentiment_customer) as avg_sentiment, count(*) as calls
        from post_call_analytics.call_categories group by category order by avg_sentiment limit 5""",
    "customer sentiment change by agent": """
        select agent_id, avg(sentiment_customer_change) as change
        from post_call_analytics.calls group by agent_id""",
    "agents who interrupt most, with QA score": """
        select c.agent_id, avg(c.interruptions_agent_count) as interruptions, avg(s.score_percent) as score
        from post_call_analytics.calls as c
        left join post_call_analytics.scorecards as s on c.call_id = s.call_id
        group by c.agent_id order by interruptions desc""",
    "calls over 20% non-talk time and their handle time": """
        select count(*) as calls, avg(handle_time_seconds) as aht from post_call_analytics.calls
        where non_talk_time_percent > 20""",
    "top customer issues and how often resolved": """
        select insight_text, count(*) as times,
            avg(case when summary_resolved then 1.0 else 0 end) as resolved
        from post_call_analytics.call_insights where insight_type = 'ISSUE' group by insight_text
        order by times desc limit 10""",
    "high QA score with negative customer sentiment": """
        select s.evaluation_id from post_call_analytics.scorecards as s
        join post_call_analytics.calls as c on s.call_id = c.call_id
        where s.score_percent >= 90 and c.sentiment_customer < 0""",
    "agent talk share and speed vs team": """
        select agent_id, team, avg(talk_time_agent_percent) as talk_share, avg(talk_speed_agent_wpm) as wpm
        from post_call_analytics.calls group by agent_id, team""",
}


@pytest.mark.parametrize("question", list(ANALYST_QUESTIONS))
def test_marts_answer_the_analyst_questions_with_plain_sql(built: Built, question: str) -> None:
    sql = ANALYST_QUESTIONS[question]
    assert "unnest" not in sql.lower()
    rows = query(built.paths, sql)
    assert rows, f"no rows for: {question}"


def test_every_model_and_column_is_described_and_typed_marts_match_the_warehouse(built: Built) -> None:
    manifest = json.loads((built.target / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert len(models) == 19
    for name, node in models.items():
        assert node["description"].strip(), f"{name} has no description"
        documented = node["columns"]
        actual = [
            column
            for (column,) in query(
                built.paths,
                "select column_name from information_schema.columns "
                f"where table_schema = '{node['schema']}' and table_name = '{name}'",
            )
        ]
        assert actual, f"{name} was not built"
        assert set(actual) == set(documented), f"{name}: undocumented or stale columns"
        for column, spec in documented.items():
            assert spec["description"].strip(), f"{name}.{column} has no description"
            if name in dbt_runner.MARTS:
                assert spec["data_type"], f"{name}.{column} has no contract type"
    assert {n["name"] for n in manifest["exposures"].values()} == {"bedrock_agent", "analytics_api"}


def test_docs_generate_writes_a_catalog_of_every_mart(built: Built) -> None:
    result = dbt_runner.docs_generate(built.paths.root, target_path=built.target)
    assert result.success
    catalog = json.loads((built.target / "catalog.json").read_text())
    documented_marts = {
        node["metadata"]["name"]
        for node in catalog["nodes"].values()
        if node["metadata"]["schema"] == "post_call_analytics"
    }
    assert documented_marts == {*dbt_runner.MARTS, "metricflow_time_spine"}
    assert (built.target / "index.html").exists()


def test_semantic_layer_is_in_the_manifest_every_metric_and_dimension_described(built: Built) -> None:
    """The docs site lists the semantic models and metrics; dbt writes the semantic manifest MetricFlow reads."""
    manifest = json.loads((built.target / "manifest.json").read_text())
    semantic_models = {n["name"]: n for n in manifest["semantic_models"].values()}
    assert set(semantic_models) == {
        "calls",
        "agents",
        "scorecards",
        "scorecard_answers",
        "scorecard_sections",
        "call_categories",
        "call_insights",
    }
    for model in semantic_models.values():
        assert model["description"].strip()
        for dimension in model["dimensions"]:
            assert dimension["description"], f"{model['name']}.{dimension['name']} has no description"
    metrics = {n["name"]: n for n in manifest["metrics"].values()}
    assert len(metrics) >= 20
    for name, metric in metrics.items():
        assert metric["description"].strip() and metric["label"], name
        # a metric only another's input (a sum of squares) is never asked for, so it needs no synonyms
        meta = metric["config"]["meta"]
        assert meta.get("synonyms") or meta.get("input_only"), f"{name} has no synonyms"
    semantic = json.loads((built.target / "semantic_manifest.json").read_text())
    assert {m["name"] for m in semantic["metrics"]} == set(metrics)
    ((days,),) = query(built.paths, "select count(*) from post_call_analytics.metricflow_time_spine")
    assert days == 16 * 365 + 4  # 2020-01-01 .. 2035-12-31


def test_a_cheaper_metric_answers_for_its_equal_only_where_they_agree(built: Built) -> None:
    """`same_as` metrics (the calls with an insight from the calls' counts) are compiled in place of the metric
    they equal: on the built marts both give the same rows, overall, by every concept both reach, by month and
    ranked; a split or filter only the original reaches (insight type) keeps the original."""
    from lambdas.shared.answering.semantic import MetricCompiler, MetricQuery, SemanticManifest
    from lambdas.shared.sql_guard import guard_sql

    manifest = SemanticManifest.from_document(
        json.loads((built.target / "semantic_manifest.json").read_text())
    )
    compiler = MetricCompiler(manifest)
    pairs = [(m, manifest.metrics[m.same_as]) for m in manifest.metrics.values() if m.same_as]
    assert [(cheap.name, asked.name) for cheap, asked in pairs] == [
        ("calls_with_insight_by_counts", "calls_with_insight")
    ]

    def rows(sql: str) -> list[tuple[object, ...]]:
        return sorted(query(built.paths, guard_sql(sql).to_dialect("duckdb")), key=repr)

    for cheap, asked in pairs:
        table = manifest.tables[asked.semantic_models[0]]
        labels = [
            label
            for label in manifest.labels()
            if manifest.resolve([asked], label) and manifest.resolve([cheap], label)
        ]
        assert {"team", "queue", "agent", "direction"} <= set(labels)
        queries = [MetricQuery(metrics=(asked.name,)), MetricQuery(metrics=(asked.name,), grain="month")]
        for label in labels:
            name = manifest.resolve([asked], label)
            assert name is not None
            queries.append(MetricQuery(metrics=(asked.name,), group_by=(name,)))
            queries.append(
                MetricQuery(metrics=(asked.name,), group_by=(name,), order_by=f"-{asked.name}", limit=2)
            )
        for metric_query in queries:
            sql = compiler.compile(metric_query)
            assert f"post_call_analytics.{table}" not in sql, metric_query
            original = compiler._metricflow(metric_query)
            assert f"post_call_analytics.{table}" in original
            if metric_query.limit is None:
                assert rows(sql) == rows(original), metric_query
            else:  # the top 2 by count: the same counts (ties may name other groups)
                assert [r[-1] for r in rows(sql)] == [r[-1] for r in rows(original)], metric_query
        assert rows(sql)
    by_type = manifest.resolve([manifest.metrics["calls_with_insight"]], "insight type")
    assert by_type is not None
    for metric_query in (
        MetricQuery(metrics=("calls_with_insight",), group_by=(by_type,)),
        MetricQuery(metrics=("calls_with_insight",), filters=((by_type, "ISSUE"),)),
    ):
        assert "post_call_analytics.call_insights" in compiler.compile(metric_query)


def test_a_metric_compiled_as_its_inputs_apart_gives_the_joined_metrics_rows(built: Built) -> None:
    """A derived metric over two tables with `inputs_apart` concepts (the evaluated-call rate by team or queue)
    is compiled as each input on its own table, split by that table's dimension, and the groups joined: on the
    built marts it gives MetricFlow's rows (which join each evaluation to every call); another concept (agent:
    an evaluation's agent is its own) or a split it cannot take apart keeps MetricFlow's join."""
    from lambdas.shared.answering.semantic import MetricCompiler, MetricQuery, SemanticManifest
    from lambdas.shared.sql_guard import guard_sql

    manifest = SemanticManifest.from_document(
        json.loads((built.target / "semantic_manifest.json").read_text())
    )
    compiler = MetricCompiler(manifest)
    apart = {m.name: m.inputs_apart for m in manifest.metrics.values() if m.inputs_apart}
    assert apart == {"evaluated_call_rate": ("team", "queue")}
    rate = manifest.metrics["evaluated_call_rate"]

    def rows(sql: str) -> list[tuple[object, ...]]:
        return sorted(query(built.paths, guard_sql(sql).to_dialect("duckdb")), key=repr)

    team, queue = (manifest.resolve([rate], label) for label in ("team", "queue"))
    assert team and queue
    some_team = rows("select team from post_call_analytics.calls where team is not null limit 1")[0][0]
    queries = [
        MetricQuery(metrics=(rate.name,)),
        MetricQuery(metrics=(rate.name,), group_by=(team,)),
        MetricQuery(metrics=(rate.name,), group_by=(queue, team)),
        MetricQuery(metrics=(rate.name,), filters=((team, str(some_team)),)),
        MetricQuery(metrics=(rate.name,), group_by=(queue,), order_by=f"-{rate.name}", limit=2),
    ]
    for metric_query in queries:
        sql = compiler.compile(metric_query)
        original = compiler._metricflow(metric_query)
        # no join of the evaluations to the calls: each table is read on its own
        assert "LEFT OUTER JOIN" not in sql, metric_query
        assert "LEFT OUTER JOIN" in original or not metric_query.group_by, metric_query
        # MetricFlow orders its group-by columns its own way (compile() restores the order asked outside)
        got, want = (sorted(tuple(sorted(r, key=repr)) for r in rows(q)) for q in (sql, original))
        assert got, metric_query
        if metric_query.limit is None:
            assert got == want, metric_query
        else:  # the top 2 rates: the same values (ties may name other groups)
            assert [r[-1] for r in got] == [r[-1] for r in want], metric_query
    agent = manifest.resolve([rate], "agent")
    assert agent is not None
    for metric_query in (
        MetricQuery(metrics=(rate.name,), group_by=(agent,)),
        MetricQuery(metrics=(rate.name,), group_by=(team,), grain="month"),
    ):
        assert compiler.compile(metric_query).count("LEFT OUTER JOIN") >= 1, metric_query
