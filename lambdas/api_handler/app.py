"""The chat API: one Powertools REST resolver, served by API Gateway in AWS and by ``pca up`` locally.

Routes (every one behind the Cognito authorizer; the caller is the token's ``sub``):

- ``POST /chat``                 ask; 200 with the answer, or 202 with a job id when it takes longer
- ``GET /chat/{job_id}``         a job's state, and its answer once done
- ``GET /conversations``         the caller's conversations
- ``GET /conversations/{id}``    one conversation with its answers
- ``DELETE /conversations/{id}`` delete it
- ``POST /feedback``             rate an answer
- ``GET /schema``                the data dictionary
- ``GET /suggestions``           onboarding questions
- ``GET /calls/{call_id}``       one call's curated row, scorecards and transcript

Everything the routes touch comes in through :class:`Services`, so tests and the local server give fakes or
local stand-ins and the Lambda gives AWS clients. Errors are RFC 9457 problem details.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from lambdas.api_handler import models
from lambdas.api_handler.presenter import reply_document, utc_now_iso
from lambdas.api_handler.store import ConversationStore
from lambdas.shared.answering.config import ConfigurationError
from lambdas.shared.answering.model import Answer, Answerer, AnsweringError
from lambdas.shared.query_engines import QueryFailedError

# A child of the Lambda's Powertools logger (service post-call-analytics-api): its JSON output and level apply.
logger = logging.getLogger("post-call-analytics-api.app")

PROBLEM_CONTENT_TYPE = "application/problem+json"
JSON_CONTENT_TYPE = "application/json"
UNSUPPORTED_MEDIA_TYPE = "application/x-unsupported"  # what a non-JSON body is relabelled as (→ 415)
API_TITLE = "post-call-analytics chat API"
API_VERSION = "1.0.0"
CALL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"


class ApiProblem(Exception):
    """Raised by a route to answer with a problem-details body."""

    def __init__(
        self, status: int, title: str, detail: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers or {}


class JobDispatcher(Protocol):
    """Finishes a chat job whose answer was not ready in time."""

    def continue_job(self, job_id: str, running: concurrent.futures.Future[Answer]) -> None: ...


class CallReader(Protocol):
    """Reads one call's curated row, scorecards and transcript (``None`` when there is no such call)."""

    def call_detail(self, call_id: str) -> dict[str, Any] | None: ...


@dataclass
class Services:
    store: ConversationStore
    answerer: Callable[[], Answerer]
    dispatcher: JobDispatcher
    catalog: Callable[[], dict[str, Any]]
    onboarding: Callable[[], list[str]]
    calls: CallReader
    answer_timeout_seconds: float = 25.0
    poll_after_seconds: int = 3
    job_expiry_seconds: float = 300.0  # a job still pending after this is reported failed
    requests_per_minute: int = 30
    max_rows: int = 500
    allowed_origin: str | None = None
    clock: Callable[[], float] = time.time
    executor: concurrent.futures.ThreadPoolExecutor = field(
        default_factory=lambda: concurrent.futures.ThreadPoolExecutor(
            max_workers=16, thread_name_prefix="chat"
        )
    )


def question_fingerprint(question: str) -> dict[str, Any]:
    """What the logs say about a question: its length and a hash, never its text."""
    return {
        "question_chars": len(question),
        "question_sha256": hashlib.sha256(question.encode("utf-8")).hexdigest()[:16],
    }


def _responses(
    ok: type[BaseModel] | None, *errors: int, ok_status: int = 200, extra: dict[int, Any] | None = None
) -> dict[int, OpenAPIResponse]:
    described = {
        400: "The request is malformed.",
        401: "No valid token.",
        404: "Not found (or not the caller's).",
        415: "The body is not `application/json`.",
        422: "The request does not validate; `errors` says where.",
        429: "Too many requests from this user; retry after `Retry-After` seconds.",
        500: "Unexpected failure.",
        502: "The answerer failed.",
        503: "Answering is not available.",
    }
    result: dict[int, Any] = {}
    if ok is not None:
        result[ok_status] = {"description": "OK", "content": {JSON_CONTENT_TYPE: {"model": ok}}}
    for status in sorted({401, 422, 500, *errors}):
        result[status] = {
            "description": described[status],
            "content": {PROBLEM_CONTENT_TYPE: {"model": models.Problem}},
        }
    result.update(extra or {})
    return result


def _json(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=JSON_CONTENT_TYPE,
        body=model.model_dump_json(),
        headers=headers,
    )


def problem_response(
    status: int, title: str, detail: str | None, path: str | None, **extra: Any
) -> Response[str]:
    body = models.Problem(title=title, status=status, detail=detail, instance=path, **extra)
    return Response(
        status_code=status, content_type=PROBLEM_CONTENT_TYPE, body=body.model_dump_json(exclude_none=True)
    )


class JsonApiResolver(APIGatewayRestResolver):
    """A REST resolver whose bodies are JSON only: any other declared media type (forms, multipart, text)
    is answered 415 before Powertools would try to parse it as a form."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        headers = event.get("headers") or {}
        content_type = next((str(v) for k, v in headers.items() if k.lower() == "content-type"), "")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type and media_type != JSON_CONTENT_TYPE and not media_type.endswith("+json"):
            cleaned = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            unsupported = {**cleaned, "Content-Type": UNSUPPORTED_MEDIA_TYPE}
            multi = {
                k: v for k, v in (event.get("multiValueHeaders") or {}).items() if k.lower() != "content-type"
            }
            event = {
                **event,
                "headers": unsupported,
                "multiValueHeaders": {**multi, "Content-Type": [UNSUPPORTED_MEDIA_TYPE]},
            }
        result: dict[str, Any] = super().resolve(event, context)
        return result


def create_app(services: Services) -> APIGatewayRestResolver:
    cors = (
        CORSConfig(allow_origin=services.allowed_origin, max_age=600, allow_credentials=False)
        if services.allowed_origin
        else None
    )
    app = JsonApiResolver(enable_validation=True, cors=cors)

    # ── helpers bound to the current request ────────────────────────────────────────────────────────────

    def caller() -> str:
        context = app.current_event.raw_event.get("requestContext") or {}
        claims = ((context.get("authorizer") or {}).get("claims")) or {}
        sub = claims.get("sub") if isinstance(claims, dict) else None
        if not isinstance(sub, str) or not sub:
            raise ApiProblem(401, "Unauthorized", "This request carries no valid token.")
        return sub

    def throttle(user: str) -> None:
        now = services.clock()
        window = int(now // 60)
        allowed = services.store.count_request(
            user, str(window), services.requests_per_minute, expires_at=(window + 2) * 60
        )
        if not allowed:
            retry = max(1, int((window + 1) * 60 - now))
            raise ApiProblem(
                429,
                "Too Many Requests",
                f"At most {services.requests_per_minute} questions a minute; try again in {retry} s.",
                headers={"Retry-After": str(retry)},
            )

    def answer_question(question: str, conversation_id: str) -> Answer:
        answerer = services.answerer()
        return answerer.answer(question, session_id=conversation_id)

    def make_reply(user: str, conversation_id: str, question: str, answer: Answer) -> dict[str, Any]:
        message_id = services.store.next_message_id(user, conversation_id, services.clock())
        return reply_document(
            answer,
            conversation_id=conversation_id,
            message_id=message_id,
            question=question,
            onboarding=services.onboarding(),
            max_rows=services.max_rows,
        )

    # ── error handlers: every error is a problem document ──────────────────────────────────────────────────

    def on_problem(error: ApiProblem) -> Response[str]:
        response = problem_response(error.status, error.title, error.detail, app.current_event.path)
        response.headers.update(error.headers)
        return response

    def on_invalid(error: RequestValidationError) -> Response[str]:
        errors = [
            {
                "loc": [str(part) for part in item.get("loc", ())],
                "msg": str(item.get("msg") or item.get("type") or "invalid"),
                "type": str(item.get("type", "value_error")),
            }
            for item in error.errors()
        ]
        detail = "; ".join(
            f"{'.'.join(e['loc'][1:]) or e['loc'][0] if e['loc'] else 'body'}: {e['msg']}" for e in errors
        )
        return problem_response(422, "Unprocessable Content", detail, app.current_event.path, errors=errors)

    def on_not_found(error: NotFoundError) -> Response[str]:
        path = app.current_event.path
        allowed = allowed_methods(path)
        # a method the path takes, on an id the route cannot match (e.g. control characters), is simply not found
        if allowed and app.current_event.http_method not in allowed:
            response = problem_response(
                405, "Method Not Allowed", f"{path} takes {', '.join(allowed)}.", path
            )
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return problem_response(404, "Not Found", "No such route.", path)

    def on_undecodable(error: UnicodeDecodeError) -> Response[str]:
        return problem_response(
            422,
            "Unprocessable Content",
            "The request body is not UTF-8 JSON.",
            app.current_event.path,
            errors=[{"loc": ["body"], "msg": "The body is not UTF-8 text.", "type": "json_invalid"}],
        )

    def on_unexpected(error: Exception) -> Response[str]:
        logger.exception("Unexpected failure on %s", app.current_event.path)
        return problem_response(
            500, "Internal Server Error", "Something went wrong; it has been logged.", app.current_event.path
        )

    def on_unsupported_type(error: RequestUnsupportedContentType) -> Response[str]:
        return problem_response(
            415,
            "Unsupported Media Type",
            "Send the body as JSON with `Content-Type: application/json`.",
            app.current_event.path,
        )

    app.exception_handler(RequestUnsupportedContentType)(on_unsupported_type)
    app.exception_handler(ApiProblem)(on_problem)
    app.exception_handler(RequestValidationError)(on_invalid)
    app.exception_handler(UnicodeDecodeError)(on_undecodable)
    app.exception_handler(Exception)(on_unexpected)
    app.not_found(on_not_found)

    # ── chat ───────────────────────────────────────────────────────────────────────────────────────────────

    @app.post(
        "/chat",
        summary="Ask a question",
        description="Answers verified-first. When no answer is ready within about 25 seconds the reply is "
        "202 with a job id to poll at `GET /chat/{job_id}`.",
        responses=_responses(
            models.ChatReply,
            404,
            415,
            429,
            502,
            503,
            extra={
                202: {
                    "description": "Still working; poll the job.",
                    "content": {JSON_CONTENT_TYPE: {"model": models.ChatAccepted}},
                }
            },
        ),
        tags=["chat"],
    )
    def post_chat(body: models.ChatRequest) -> Response[str]:
        user = caller()
        question = body.question.strip()
        if not question:
            raise ApiProblem(422, "Unprocessable Content", "question: the question is empty.")
        throttle(user)
        now = services.clock()
        if body.conversation_id is not None:
            if services.store.conversation(user, body.conversation_id) is None:
                raise ApiProblem(404, "Not Found", f"No conversation {body.conversation_id}.")
            conversation_id = body.conversation_id
        else:
            conversation_id = uuid.uuid4().hex
            services.store.create_conversation(user, conversation_id, _title(question), now)
        logger.info(
            "chat question", extra={"conversation_id": conversation_id, **question_fingerprint(question)}
        )
        running = services.executor.submit(answer_question, question, conversation_id)
        try:
            answer = running.result(timeout=services.answer_timeout_seconds)
        except concurrent.futures.TimeoutError:
            job_id = uuid.uuid4().hex
            services.store.create_job(
                {
                    "job_id": job_id,
                    "user": user,
                    "conversation_id": conversation_id,
                    "question": question,
                    "status": "pending",
                    "created_at": utc_now_iso(),
                    "created_epoch": int(now),
                }
            )
            services.dispatcher.continue_job(job_id, running)
            accepted = models.ChatAccepted(
                job_id=job_id,
                conversation_id=conversation_id,
                status="pending",
                retry_after_seconds=services.poll_after_seconds,
            )
            return _json(
                accepted,
                202,
                headers={"Location": f"chat/{job_id}", "Retry-After": str(services.poll_after_seconds)},
            )
        except AnsweringError as error:
            logger.warning("answerer failed: %s", error)
            raise ApiProblem(502, "Bad Gateway", f"The answerer failed: {error}") from error
        except (ConfigurationError, QueryFailedError) as error:
            # misconfiguration or an engine that cannot run (e.g. no warehouse yet): say what is wrong
            logger.warning("answering unavailable: %s", error)
            raise ApiProblem(503, "Service Unavailable", f"Answering is not available: {error}") from error
        reply = make_reply(user, conversation_id, question, answer)
        services.store.add_message(user, conversation_id, reply["message_id"], reply)
        return _json(models.ChatReply.model_validate(reply))

    @app.get(
        "/chat/<job_id>",
        summary="A chat job's state and answer",
        responses=_responses(models.ChatJob, 404),
        tags=["chat"],
    )
    def get_chat_job(job_id: Annotated[str, Path(pattern=models.ID_PATTERN)]) -> Response[str]:
        user = caller()
        job = services.store.job(job_id)
        if job is None or job.get("user") != user:
            raise ApiProblem(404, "Not Found", f"No chat job {job_id}.")
        age = services.clock() - float(job.get("created_epoch", services.clock()))
        if job.get("status") == "pending" and age > services.job_expiry_seconds:
            # the work that should finish it stopped (timed out or crashed): say so instead of pending forever
            services.store.finish_job(
                job_id,
                {
                    "status": "failed",
                    "error": f"No answer after {int(age)} s; the answerer stopped. Ask again.",
                    "finished_at": utc_now_iso(),
                },
            )
            job = services.store.job(job_id) or job
        return _json(models.ChatJob.model_validate(_public_job(job)))

    # ── conversations ──────────────────────────────────────────────────────────────────────────────────────

    @app.get(
        "/conversations",
        summary="The caller's conversations, newest first",
        responses=_responses(models.ConversationList),
        tags=["conversations"],
    )
    def list_conversations() -> Response[str]:
        user = caller()
        return _json(
            models.ConversationList.model_validate({"conversations": services.store.conversations(user)})
        )

    @app.get(
        "/conversations/<conversation_id>",
        summary="One conversation with its answers",
        responses=_responses(models.Conversation, 404),
        tags=["conversations"],
    )
    def get_conversation(conversation_id: Annotated[str, Path(pattern=models.ID_PATTERN)]) -> Response[str]:
        user = caller()
        summary = services.store.conversation(user, conversation_id)
        if summary is None:
            raise ApiProblem(404, "Not Found", f"No conversation {conversation_id}.")
        messages = services.store.messages(user, conversation_id)
        return _json(models.Conversation.model_validate({**summary, "messages": messages}))

    @app.delete(
        "/conversations/<conversation_id>",
        summary="Delete a conversation and its answers",
        responses=_responses(models.Deleted, 404),
        tags=["conversations"],
    )
    def delete_conversation(
        conversation_id: Annotated[str, Path(pattern=models.ID_PATTERN)],
    ) -> Response[str]:
        user = caller()
        if not services.store.delete_conversation(user, conversation_id):
            raise ApiProblem(404, "Not Found", f"No conversation {conversation_id}.")
        return _json(models.Deleted(conversation_id=conversation_id, deleted=True))

    # ── feedback ───────────────────────────────────────────────────────────────────────────────────────────

    @app.post(
        "/feedback",
        summary="Rate an answer",
        description="Well-rated answers with their SQL become candidate verified queries "
        "(`pca feedback-candidates`) for an analytics engineer to review.",
        responses=_responses(models.FeedbackReceipt, 404, 415),
        tags=["feedback"],
    )
    def post_feedback(body: models.FeedbackRequest) -> Response[str]:
        user = caller()
        message = services.store.message(user, body.message_id)
        if message is None:
            raise ApiProblem(404, "Not Found", f"No answer {body.message_id}.")
        recorded_at = utc_now_iso()
        services.store.put_feedback(
            user,
            body.message_id,
            {
                "message_id": body.message_id,
                "user": user,
                "rating": body.rating,
                "comment": body.comment,
                "recorded_at": recorded_at,
                "question": message.get("question"),
                "answer": message.get("answer"),
                "sql": message.get("sql"),
                "refused": message.get("refused"),
                "provenance": message.get("provenance"),
            },
        )
        return _json(
            models.FeedbackReceipt(message_id=body.message_id, rating=body.rating, recorded_at=recorded_at)
        )

    # ── reference data ─────────────────────────────────────────────────────────────────────────────────────

    @app.get(
        "/schema",
        summary="The data dictionary: curated tables and their columns",
        responses=_responses(models.SchemaResponse),
        tags=["reference"],
    )
    def get_schema() -> Response[str]:
        caller()
        return _json(schema_document(services.catalog()))

    @app.get(
        "/suggestions",
        summary="Onboarding questions",
        responses=_responses(models.Suggestions),
        tags=["reference"],
    )
    def get_suggestions() -> Response[str]:
        caller()
        return _json(models.Suggestions(questions=services.onboarding()))

    @app.get(
        "/calls/<call_id>",
        summary="One call: curated row, scorecards with answers, transcript turns",
        responses=_responses(models.CallDetail, 404, 503),
        tags=["calls"],
    )
    def get_call(call_id: Annotated[str, Path(pattern=CALL_ID_PATTERN)]) -> Response[str]:
        caller()
        detail = services.calls.call_detail(call_id)
        if detail is None:
            raise ApiProblem(404, "Not Found", f"No call {call_id}.")
        return _json(models.CallDetail.model_validate(detail))

    return app


# Every route's path pattern and methods (for 405 with an Allow header instead of a bare 404).
ROUTES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), methods)
    for pattern, methods in (
        (r"^/chat/?$", ("POST",)),
        (r"^/chat/[^/]+/?$", ("GET",)),
        (r"^/conversations/?$", ("GET",)),
        (r"^/conversations/[^/]+/?$", ("GET", "DELETE")),
        (r"^/feedback/?$", ("POST",)),
        (r"^/schema/?$", ("GET",)),
        (r"^/suggestions/?$", ("GET",)),
        (r"^/calls/[^/]+/?$", ("GET",)),
    )
)


def allowed_methods(path: str) -> list[str]:
    for pattern, methods in ROUTES:
        if pattern.match(path):
            return [*methods, "OPTIONS"]
    return []


def _title(question: str, limit: int = 80) -> str:
    return question if len(question) <= limit else question[: limit - 1].rstrip() + "…"


def _public_job(job: dict[str, Any]) -> dict[str, Any]:
    return {
        key: job.get(key)
        for key in ("job_id", "conversation_id", "status", "reply", "error", "created_at", "finished_at")
    }


def schema_document(catalog: dict[str, Any]) -> models.SchemaResponse:
    """The data dictionary from the generated schema catalog (``schema_catalog.json``)."""
    tables = []
    for table in sorted(catalog.get("tables", []), key=lambda t: str(t["name"])):
        columns = [
            models.ColumnInfo(
                name=str(column["name"]),
                data_type=str(column.get("data_type", "")),
                description=str(column.get("description", "")),
                unit=column.get("unit"),
                examples=list(column.get("examples", [])),
                references=column.get("references"),
            )
            for column in table.get("columns", [])
        ]
        key = table.get("primary_key") or []
        tables.append(
            models.TableInfo(
                name=str(table["name"]),
                description=str(table.get("description", "")),
                primary_key=[str(k) for k in (key if isinstance(key, list) else [key])],
                columns=columns,
            )
        )
    return models.SchemaResponse(database=str(catalog.get("database", "")), tables=tables)


def finish_job(services: Services, job_id: str, compute: Callable[[], Answer]) -> bool:
    """Run (or collect) a job's answer and record it; ``False`` when the job was already finished."""
    job = services.store.job(job_id)
    if job is None or job.get("status") != "pending":
        return False
    try:
        answer = compute()
    except Exception as error:  # any failure is the job's outcome, shown to the user
        reason = str(error) if isinstance(error, AnsweringError) else f"{type(error).__name__}: {error}"
        logger.warning("chat job %s failed: %s", job_id, reason)
        return services.store.finish_job(
            job_id,
            {
                "status": "failed",
                "error": f"The answer could not be made: {reason}",
                "finished_at": utc_now_iso(),
            },
        )
    user, conversation_id = str(job["user"]), str(job["conversation_id"])
    message_id = services.store.next_message_id(user, conversation_id, services.clock())
    reply = reply_document(
        answer,
        conversation_id=conversation_id,
        message_id=message_id,
        question=str(job["question"]),
        onboarding=services.onboarding(),
        max_rows=services.max_rows,
    )
    # the answer joins the conversation before the job says done, so whoever sees "done" finds it there; a
    # finisher that another one overtook (an invocation delivered twice) takes its copy back
    services.store.add_message(user, conversation_id, message_id, reply)
    if not services.store.finish_job(
        job_id, {"status": "done", "reply": reply, "finished_at": utc_now_iso()}
    ):
        services.store.delete_message(user, message_id)
        return False
    return True


def openapi_document(app: APIGatewayRestResolver | None = None) -> str:
    """The OpenAPI document generated from the routes and models (committed as ``openapi.json``)."""
    import json

    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    if app is None:
        app = create_app(_unwired_services())
    generated = app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description="Ask questions about the contact centre's calls in plain language. Every route needs a "
        "Cognito id token (`Authorization: Bearer <token>`).",
        security_schemes={"cognito": HTTPBearer(bearerFormat="JWT")},
        security=[{"cognito": []}],
    )
    return json.dumps(json.loads(generated), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _unwired_services() -> Services:
    def unwired(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("These services only describe the routes.")

    return Services(
        store=unwired,  # type: ignore[arg-type]
        answerer=unwired,
        dispatcher=unwired,  # type: ignore[arg-type]
        catalog=unwired,
        onboarding=unwired,
        calls=unwired,  # type: ignore[arg-type]
    )


def onboarding_questions(specs: Sequence[Any]) -> list[str]:
    return [str(spec.question) for spec in specs if getattr(spec, "onboarding", False)]
