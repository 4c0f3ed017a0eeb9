"""Every route of the chat API through the Powertools resolver, on a real dbt-built DuckDB warehouse, with
moto DynamoDB (conversations) and S3 (Transcribe output) and a fake Bedrock agent behind the verified answerer."""

from __future__ import annotations

import logging

import pytest

from lambdas.api_handler.models import MAX_QUESTION_CHARS
from lambdas.shared.query_engines import DuckDbEngine
from lambdas.shared.sql_guard import GuardPolicy, guard_sql
from tests.api.api_fakes import FakeAgentRuntime
from tests.api.conftest import Api, ServicesFactory

TOTAL_CALLS = "How many total calls are in the database?"
UNVERIFIED = "How many inbound calls did the zebra team log while it rained?"


def count(engine: DuckDbEngine, sql: str) -> int:
    guarded = guard_sql(sql, GuardPolicy(max_rows=10))
    return int(engine.execute(guarded, max_rows=10).rows[0][0])


def test_chat_answers_from_a_verified_query_with_duckdbs_count(api: Api, engine: DuckDbEngine) -> None:
    status, headers, reply = api.call("POST", "/chat", {"question": TOTAL_CALLS})

    assert status == 200, reply
    assert headers["Content-Type"] == "application/json"
    expected = count(engine, "select count(*) from post_call_analytics.calls")
    assert expected > 0
    assert not reply["refused"]
    assert reply["rows"] == [[expected]] and reply["total_rows"] == 1 and reply["truncated"] is False
    assert str(expected) in reply["answer"]
    assert reply["sql"] and "post_call_analytics" in reply["sql"]
    assert reply["provenance"]["answerer"] == "verified"
    assert reply["provenance"]["verified_query"] and reply["provenance"]["verified_by"]
    assert reply["chart"] == {"kind": "number", "x": None, "y": reply["columns"]}
    assert reply["suggestions"] and TOTAL_CALLS not in reply["suggestions"]
    assert reply["message_id"] == f"{reply['conversation_id']}.1"


def test_a_question_no_verified_query_answers_goes_to_the_agent_in_the_conversations_session(
    api: Api, agent_runtime: FakeAgentRuntime, engine: DuckDbEngine
) -> None:
    status, _, first = api.call("POST", "/chat", {"question": UNVERIFIED})
    assert status == 200, first
    assert first["provenance"]["answerer"] == "bedrock-agent"
    inbound = count(engine, "select count(*) from post_call_analytics.calls where direction = 'INBOUND'")
    assert first["rows"] == [[inbound]] and first["sql"]

    conversation = first["conversation_id"]
    status, _, second = api.call(
        "POST", "/chat", {"question": "And what about last week?", "conversation_id": conversation}
    )
    assert status == 200, second
    assert second["conversation_id"] == conversation and second["message_id"] == f"{conversation}.2"
    # Earlier turns reach the agent: both calls use the conversation's session.
    assert [c["sessionId"] for c in agent_runtime.calls] == [conversation, conversation]
    assert all(c["agentAliasId"] == "ALIAS12345" for c in agent_runtime.calls)


def test_rows_are_capped_with_the_total_and_a_flag(
    make_services: ServicesFactory, engine: DuckDbEngine
) -> None:
    api = Api(make_services(max_rows=3))
    status, _, reply = api.call("POST", "/chat", {"question": "What is the average handle time by agent?"})
    assert status == 200, reply
    agents = count(engine, "select count(distinct agent_name) from post_call_analytics.calls")
    assert 3 < reply["total_rows"] <= agents
    assert len(reply["rows"]) == 3 and reply["truncated"] is True
    assert reply["chart"]["kind"] == "bar" and reply["chart"]["x"] in reply["columns"]


def test_conversations_are_listed_read_and_deleted_for_their_owner(api: Api) -> None:
    _, _, first = api.call("POST", "/chat", {"question": TOTAL_CALLS})
    conversation = first["conversation_id"]
    api.call(
        "POST",
        "/chat",
        {"question": "How many calls were inbound versus outbound?", "conversation_id": conversation},
    )
    api.call("POST", "/chat", {"question": TOTAL_CALLS})

    status, _, listed = api.call("GET", "/conversations")
    assert status == 200
    assert len(listed["conversations"]) == 2
    assert listed["conversations"][1]["conversation_id"] == conversation  # newest first
    status, _, detail = api.call("GET", f"/conversations/{conversation}")
    assert status == 200
    assert detail["title"] == TOTAL_CALLS and detail["message_count"] == 2
    assert [m["question"] for m in detail["messages"]] == [
        TOTAL_CALLS,
        "How many calls were inbound versus outbound?",
    ]

    status, _, deleted = api.call("DELETE", f"/conversations/{conversation}")
    assert status == 200 and deleted == {"conversation_id": conversation, "deleted": True}
    assert api.call("GET", f"/conversations/{conversation}")[0] == 404
    assert api.call("DELETE", f"/conversations/{conversation}")[0] == 404
    assert len(api.call("GET", "/conversations")[2]["conversations"]) == 1


def test_no_token_is_401_on_every_route(api: Api) -> None:
    for method, path, body in [
        ("POST", "/chat", {"question": TOTAL_CALLS}),
        ("GET", "/chat/abc", None),
        ("GET", "/conversations", None),
        ("GET", "/conversations/abc", None),
        ("DELETE", "/conversations/abc", None),
        ("POST", "/feedback", {"message_id": "abc.1", "rating": "up"}),
        ("GET", "/schema", None),
        ("GET", "/suggestions", None),
        ("GET", "/calls/abc", None),
    ]:
        status, headers, problem = api.call(method, path, body, user=None)
        assert status == 401, (method, path)
        assert headers["Content-Type"] == "application/problem+json"
        assert problem["status"] == 401 and problem["title"] == "Unauthorized"


def test_another_users_conversation_message_and_job_are_404(api: Api) -> None:
    _, _, reply = api.call("POST", "/chat", {"question": TOTAL_CALLS}, user="user-a")
    conversation, message = reply["conversation_id"], reply["message_id"]

    assert api.call("GET", f"/conversations/{conversation}", user="user-b")[0] == 404
    assert api.call("DELETE", f"/conversations/{conversation}", user="user-b")[0] == 404
    assert api.call("GET", "/conversations", user="user-b")[2] == {"conversations": []}
    status, _, problem = api.call(
        "POST", "/chat", {"question": TOTAL_CALLS, "conversation_id": conversation}, user="user-b"
    )
    assert status == 404 and "conversation" in problem["detail"]
    assert api.call("POST", "/feedback", {"message_id": message, "rating": "up"}, user="user-b")[0] == 404
    # still there for its owner
    assert api.call("GET", f"/conversations/{conversation}", user="user-a")[0] == 200


def test_feedback_is_recorded_and_a_later_rating_replaces_it(api: Api) -> None:
    _, _, reply = api.call("POST", "/chat", {"question": UNVERIFIED})
    status, _, receipt = api.call(
        "POST", "/feedback", {"message_id": reply["message_id"], "rating": "down", "comment": "wrong team"}
    )
    assert status == 200 and receipt["rating"] == "down"
    api.call("POST", "/feedback", {"message_id": reply["message_id"], "rating": "up"})
    stored = api.services.store.feedback()
    assert len(stored) == 1
    assert (
        stored[0]["rating"] == "up"
        and stored[0]["sql"] == reply["sql"]
        and stored[0]["question"] == UNVERIFIED
    )
    assert api.call("POST", "/feedback", {"message_id": "nope.1", "rating": "up"})[0] == 404
    assert api.call("POST", "/feedback", {"message_id": reply["message_id"], "rating": "meh"})[0] == 422


def test_schema_is_the_data_dictionary_from_the_catalog(api: Api) -> None:
    status, _, schema = api.call("GET", "/schema")
    assert status == 200
    assert schema["database"] == "post_call_analytics"
    tables = {t["name"]: t for t in schema["tables"]}
    assert {"calls", "scorecards", "scorecard_answers", "agents"} <= set(tables)
    columns = {c["name"]: c for c in tables["calls"]["columns"]}
    assert columns["direction"]["description"] and columns["call_id"]["data_type"]
    assert any(c["unit"] for c in tables["calls"]["columns"])


def test_suggestions_are_the_onboarding_questions(api: Api) -> None:
    status, _, body = api.call("GET", "/suggestions")
    assert status == 200
    assert TOTAL_CALLS in body["questions"] and len(body["questions"]) >= 5


def test_call_drill_down_has_the_row_scorecards_and_transcript_turns(api: Api, engine: DuckDbEngine) -> None:
    guarded = guard_sql(
        "select s.call_id from post_call_analytics.scorecards s join post_call_analytics.calls c "
        "on c.call_id = s.call_id where c.call_status = 'COMPLETED' order by s.call_id",
        GuardPolicy(max_rows=1),
    )
    call_id = str(engine.execute(guarded, max_rows=1).rows[0][0])

    status, _, detail = api.call("GET", f"/calls/{call_id}")
    assert status == 200, detail
    assert detail["call"]["call_id"] == call_id and detail["call"]["agent_name"]
    assert detail["scorecards"] and all(s["evaluation"]["call_id"] == call_id for s in detail["scorecards"])
    assert any(s["answers"] for s in detail["scorecards"])
    assert detail["transcript"] and detail["transcript_error"] is None
    assert {t["participant"] for t in detail["transcript"]} <= {"AGENT", "CUSTOMER"}
    assert detail["transcript"][0]["text"]

    expected_insights = engine.execute(
        guard_sql(
            "select insight_type, insight_text from post_call_analytics.call_insights "
            f"where call_id = '{call_id}' order by insight_position",
            GuardPolicy(max_rows=100),
        ),
        max_rows=100,
    ).rows
    assert [[i["insight_type"], i["insight_text"]] for i in detail["insights"]] == expected_insights
    assert all(i["call_id"] == call_id for i in detail["insights"])

    assert api.call("GET", "/calls/no-such-call")[0] == 404
    assert api.call("GET", "/calls/x'%20or%20'1'='1")[0] in (404, 422)


def test_a_transcript_outside_the_output_prefix_is_refused_not_read(api: Api, engine: DuckDbEngine) -> None:
    from lambdas.api_handler.calls import TranscriptUnavailable

    reader = api.services.calls
    with pytest.raises(TranscriptUnavailable, match="outside"):
        reader.transcripts.read("s3://some-other-bucket/analytics/x.json")  # type: ignore[attr-defined]
    with pytest.raises(TranscriptUnavailable, match="outside"):
        reader.transcripts.read("s3://transcribe-output/private/x.json")  # type: ignore[attr-defined]


def test_questions_over_the_cap_or_empty_are_422_problems(api: Api) -> None:
    status, headers, problem = api.call("POST", "/chat", {"question": "x" * (MAX_QUESTION_CHARS + 1)})
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert problem["errors"][0]["loc"] == ["body", "question"] and "1000" in problem["errors"][0]["msg"]
    assert api.call("POST", "/chat", {"question": "   "})[0] == 422
    assert api.call("POST", "/chat", b"not json")[0] == 422
    assert api.call("POST", "/chat", {"question": TOTAL_CALLS, "conversation_id": "../etc"})[0] == 422


def test_each_user_is_throttled_alone(make_services: ServicesFactory) -> None:
    api = Api(make_services(requests_per_minute=2))
    assert api.call("POST", "/chat", {"question": TOTAL_CALLS}, user="a")[0] == 200
    assert api.call("POST", "/chat", {"question": TOTAL_CALLS}, user="a")[0] == 200
    status, headers, problem = api.call("POST", "/chat", {"question": TOTAL_CALLS}, user="a")
    assert status == 429 and int(headers["Retry-After"]) >= 1 and "2 questions a minute" in problem["detail"]
    assert api.call("POST", "/chat", {"question": TOTAL_CALLS}, user="b")[0] == 200


def test_cors_answers_only_the_sites_origin(make_services: ServicesFactory) -> None:
    api = Api(make_services(allowed_origin="https://chat.example.com"))
    _, headers, _ = api.call("GET", "/suggestions", headers={"Origin": "https://chat.example.com"})
    assert headers["Access-Control-Allow-Origin"] == "https://chat.example.com"
    _, headers, _ = api.call("GET", "/suggestions", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in headers


def test_logs_carry_the_questions_length_and_hash_not_its_text(api: Api) -> None:
    secret = "How many calls mention the customer Jane Q. Secretname?"
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    # the API's logger is a child of the Lambda's Powertools logger; capture at its level (INFO)
    logger = logging.getLogger("post-call-analytics-api")
    handler = Keep(level=logging.INFO)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        api.call("POST", "/chat", {"question": secret})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    asked = [r for r in records if r.getMessage() == "chat question"]
    assert asked and asked[0].question_chars == len(secret)  # type: ignore[attr-defined]
    assert len(asked[0].question_sha256) == 16  # type: ignore[attr-defined]
    assert not [r for r in records if "Secretname" in r.getMessage() or "Secretname" in str(r.__dict__)]


def test_unknown_routes_are_404_and_wrong_methods_405_problems(api: Api) -> None:
    status, headers, problem = api.call("GET", "/nowhere")
    assert (
        status == 404 and headers["Content-Type"] == "application/problem+json" and problem["status"] == 404
    )
    status, headers, problem = api.call("PUT", "/chat", {"question": "x"})
    assert status == 405 and headers["Allow"] == "POST, OPTIONS" and problem["title"] == "Method Not Allowed"
    assert api.call("PATCH", "/conversations/abc")[1]["Allow"] == "GET, DELETE, OPTIONS"


def test_an_agent_that_fails_fast_is_a_502_saying_why(
    make_services: ServicesFactory, engine: DuckDbEngine
) -> None:
    from lambdas.shared.answering.setup import guarded_runner

    api = Api(
        make_services(runtime=FakeAgentRuntime(guarded_runner(engine), fail="ThrottlingException: slow down"))
    )
    status, _, problem = api.call("POST", "/chat", {"question": UNVERIFIED})
    # the verified answerer refuses, the agent fails: the chain returns the refusal and names the failure
    assert status == 200 and problem["refused"] and "slow down" in problem["answer"]


def test_a_body_that_is_not_json_is_415(api: Api) -> None:
    status, headers, problem = api.call(
        "POST",
        "/chat",
        {"question": TOTAL_CALLS},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 415 and headers["Content-Type"] == "application/problem+json"
    assert "application/json" in problem["detail"]
    assert (
        api.call(
            "POST",
            "/chat",
            {"question": TOTAL_CALLS},
            headers={"Content-Type": "application/json; charset=utf-8"},
        )[0]
        == 200
    )


def test_answering_that_cannot_run_is_a_503_saying_why(
    make_services: ServicesFactory, tmp_path: object
) -> None:
    from lambdas.shared.query_engines import QueryFailedError

    services = make_services()

    class NoWarehouse:
        name = "verified"

        def answer(self, question: str, *, session_id: str | None = None) -> object:
            raise QueryFailedError(
                "The warehouse data/warehouse.duckdb does not exist yet; build it with `pca up`."
            )

    services.answerer = lambda: NoWarehouse()  # type: ignore[assignment,return-value]
    status, headers, problem = Api(services).call("POST", "/chat", {"question": TOTAL_CALLS})
    assert status == 503 and headers["Content-Type"] == "application/problem+json"
    assert "pca up" in problem["detail"]
