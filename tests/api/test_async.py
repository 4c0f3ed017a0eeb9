"""The slow path: no answer within the deadline → 202 with a job → poll → the answer (or why it failed)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from lambdas.api_handler import handler
from lambdas.api_handler.app import Services
from lambdas.api_handler.jobs import JOB_EVENT_KEY, LambdaDispatcher, job_id_of
from lambdas.shared.answering.setup import guarded_runner
from lambdas.shared.query_engines import DuckDbEngine
from tests.api.api_fakes import FakeAgentRuntime, FakeLambdaClient, LambdaContext
from tests.api.conftest import Api, ServicesFactory

SLOW_QUESTION = "How many inbound calls did the zebra team log while it rained?"


def poll(api: Api, job_id: str, *, user: str = "user-a", timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status, _, job = api.call("GET", f"/chat/{job_id}", user=user)
        assert status == 200, job
        if job["status"] != "pending" or time.monotonic() > deadline:
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)


def test_a_slow_agent_gets_a_202_then_the_answer_by_polling(
    make_services: ServicesFactory, engine: DuckDbEngine
) -> None:
    runtime = FakeAgentRuntime(guarded_runner(engine), delay=1.0)
    api = Api(make_services(runtime=runtime, answer_timeout_seconds=0.2))

    status, headers, accepted = api.call("POST", "/chat", {"question": SLOW_QUESTION})

    assert status == 202, accepted
    assert accepted["status"] == "pending" and accepted["retry_after_seconds"] >= 1
    assert headers["Location"] == f"chat/{accepted['job_id']}"
    assert api.call("GET", f"/chat/{accepted['job_id']}")[2]["status"] == "pending"
    job = poll(api, accepted["job_id"])
    assert job["status"] == "done" and job["error"] is None and job["finished_at"]
    reply = job["reply"]
    assert reply["provenance"]["answerer"] == "bedrock-agent" and reply["rows"] and reply["sql"]
    assert reply["conversation_id"] == accepted["conversation_id"]
    # the answer joined the conversation, once
    _, _, conversation = api.call("GET", f"/conversations/{accepted['conversation_id']}")
    assert [m["message_id"] for m in conversation["messages"]] == [reply["message_id"]]
    # another user cannot see the job
    assert api.call("GET", f"/chat/{accepted['job_id']}", user="user-b")[0] == 404


def test_a_job_is_done_only_once_its_answer_is_in_the_conversation(
    make_services: ServicesFactory, engine: DuckDbEngine
) -> None:
    """A poller that sees "done" and then reads the conversation finds the answer there: the message is written
    before the job says done (it was written after, so a poll in between saw a done job and no message)."""
    runtime = FakeAgentRuntime(guarded_runner(engine), delay=0.3)
    services = make_services(runtime=runtime, answer_timeout_seconds=0.05)
    store = services.store
    seen_at_done: list[list[str]] = []
    finish = store.finish_job

    def finish_and_look(job_id: str, update: dict[str, Any]) -> bool:
        if update.get("status") == "done":
            job = store.job(job_id) or {}
            messages = store.messages(str(job["user"]), str(job["conversation_id"]))
            seen_at_done.append([str(m["message_id"]) for m in messages])
        return finish(job_id, update)

    store.finish_job = finish_and_look  # type: ignore[method-assign]
    api = Api(services)
    status, _, accepted = api.call("POST", "/chat", {"question": SLOW_QUESTION})
    assert status == 202
    job = poll(api, accepted["job_id"])
    assert job["status"] == "done"
    assert seen_at_done == [[job["reply"]["message_id"]]]


def test_a_finisher_that_loses_the_race_takes_its_message_back(
    make_services: ServicesFactory, engine: DuckDbEngine
) -> None:
    """Two finishers of one job (an asynchronous invocation is delivered at least once): the one whose "done"
    comes second removes the answer it wrote, so the conversation holds the answer once."""
    from lambdas.api_handler.app import finish_job
    from lambdas.shared.answering.model import Answer

    runtime = FakeAgentRuntime(guarded_runner(engine), delay=2.0)
    services = make_services(runtime=runtime, answer_timeout_seconds=0.05)
    api = Api(services)
    _, _, accepted = api.call("POST", "/chat", {"question": SLOW_QUESTION})
    job_id = accepted["job_id"]
    first = Answer(question=SLOW_QUESTION, text="the first answer", answerer="bedrock-agent")
    second = Answer(question=SLOW_QUESTION, text="the second answer", answerer="bedrock-agent")

    def overtaken() -> Answer:  # another finisher records its answer while this one is still answering
        assert finish_job(services, job_id, lambda: first) is True
        return second

    assert finish_job(services, job_id, overtaken) is False
    job = poll(api, job_id)
    assert job["status"] == "done" and job["reply"]["answer"] == "the first answer"
    _, _, conversation = api.call("GET", f"/conversations/{accepted['conversation_id']}")
    assert [m["message_id"] for m in conversation["messages"]] == [job["reply"]["message_id"]]
    time.sleep(2.2)  # the dispatcher's own finisher comes last and leaves nothing either
    _, _, conversation = api.call("GET", f"/conversations/{accepted['conversation_id']}")
    assert [m["message_id"] for m in conversation["messages"]] == [job["reply"]["message_id"]]


def test_a_failing_slow_agent_leaves_a_failed_job_that_says_why(
    make_services: ServicesFactory, engine: DuckDbEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = FakeAgentRuntime(guarded_runner(engine), delay=0.6, fail="ThrottlingException: rate exceeded")
    services = make_services(runtime=runtime, answer_timeout_seconds=0.1)
    # the chain's refusal carries the failure; make the agent the only answerer so the job fails outright
    agent_only = services.answerer().answerers[1]  # type: ignore[attr-defined]
    services.answerer = lambda: agent_only
    api = Api(services)

    status, _, accepted = api.call("POST", "/chat", {"question": SLOW_QUESTION})
    assert status == 202
    job = poll(api, accepted["job_id"])
    assert job["status"] == "failed" and job["reply"] is None
    assert "rate exceeded" in job["error"] and job["error"].startswith("The answer could not be made")
    assert api.call("GET", f"/conversations/{accepted['conversation_id']}")[2]["messages"] == []


def test_unknown_job_is_404(api: Api) -> None:
    status, _, problem = api.call("GET", "/chat/0123456789abcdef")
    assert status == 404 and problem["title"] == "Not Found"


def test_in_aws_the_function_invokes_itself_and_the_job_event_finishes_the_job(
    make_services: ServicesFactory, engine: DuckDbEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = FakeAgentRuntime(guarded_runner(engine), delay=0.5)
    services: Services = make_services(runtime=runtime, answer_timeout_seconds=0.05)
    lambda_client = FakeLambdaClient()
    services.dispatcher = LambdaDispatcher(lambda_client, "post-call-analytics-api-handler")
    monkeypatch.setattr(handler, "services", lambda: services)
    monkeypatch.setattr(
        handler, "app", lambda: __import__("lambdas.api_handler.app", fromlist=["x"]).create_app(services)
    )

    event = {
        "resource": "/chat",
        "path": "/chat",
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/chat",
            "httpMethod": "POST",
            "stage": "prod",
            "requestId": "r-1",
            "authorizer": {"claims": {"sub": "user-a"}},
        },
        "body": json.dumps({"question": SLOW_QUESTION}),
        "isBase64Encoded": False,
    }
    response = handler.lambda_handler(event, LambdaContext())
    assert response["statusCode"] == 202
    job_id = json.loads(response["body"])["job_id"]
    [invocation] = lambda_client.invocations
    assert invocation["InvocationType"] == "Event"
    assert invocation["FunctionName"] == "post-call-analytics-api-handler"
    payload = json.loads(invocation["Payload"])
    assert job_id_of(payload) == job_id and payload == {JOB_EVENT_KEY: job_id}

    result = handler.lambda_handler(payload, LambdaContext())
    assert result == {"job_id": job_id, "finished": True}
    job = services.store.job(job_id)
    assert job is not None and job["status"] == "done" and job["reply"]["rows"]
    # a second delivery of the same event changes nothing
    assert handler.lambda_handler(payload, LambdaContext()) == {"job_id": job_id, "finished": False}
    assert len(services.store.messages("user-a", job["conversation_id"])) == 1


def test_only_a_bare_job_event_is_taken_for_one() -> None:
    assert job_id_of({JOB_EVENT_KEY: "abc"}) == "abc"
    assert job_id_of({JOB_EVENT_KEY: "abc", "httpMethod": "GET"}) is None
    assert job_id_of({"httpMethod": "GET"}) is None
    assert job_id_of([]) is None


def test_a_job_whose_work_stopped_is_reported_failed_after_the_expiry(api: Api) -> None:
    services = api.services
    services.store.create_conversation("user-a", "conv1", "q", services.clock())
    services.store.create_job(
        {
            "job_id": "stuck1",
            "user": "user-a",
            "conversation_id": "conv1",
            "question": "q",
            "status": "pending",
            "created_at": "2026-01-01T00:00:00.000Z",
            "created_epoch": int(services.clock()) - 3600,
        }
    )
    status, _, job = api.call("GET", "/chat/stuck1")
    assert status == 200 and job["status"] == "failed" and "Ask again" in job["error"]
