"""Lambda entry point of ``post-call-analytics-api-handler``: the chat API behind API Gateway + Cognito.

Requests go to the Powertools resolver (:mod:`lambdas.api_handler.app`). The function also receives its own
asynchronous invocations ``{"pca_chat_job": "<job id>"}`` and finishes those jobs.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.api_handler.app import Services, create_app, finish_job
from lambdas.api_handler.jobs import LambdaDispatcher, job_id_of

logger = Logger(service="post-call-analytics-api")


@functools.cache
def services() -> Services:
    """AWS wiring: the conversations table, Athena through the workgroup, the Bedrock agent, S3 transcripts."""
    import boto3

    from lambdas.api_handler.calls import S3Transcripts
    from lambdas.api_handler.store import DynamoStore
    from lambdas.api_handler.wiring import ApiSettings, answerer_over, build_services, calls_over
    from lambdas.shared.query_engines import AthenaEngine

    settings = ApiSettings.from_env()
    if not settings.conversations_table:
        raise RuntimeError("PCA_CONVERSATIONS_TABLE is not set.")
    if not settings.transcribe_bucket:
        raise RuntimeError("PCA_TRANSCRIBE_BUCKET is not set.")
    region = os.environ.get("AWS_REGION")
    engine = AthenaEngine(
        boto3.client("athena", region_name=region), workgroup=settings.athena_workgroup, timeout_seconds=20.0
    )
    return build_services(
        settings,
        store=DynamoStore.from_name(settings.conversations_table, region),
        answerer=answerer_over(engine),
        dispatcher=LambdaDispatcher(
            boto3.client("lambda", region_name=region), os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        ),
        calls=calls_over(
            engine,
            S3Transcripts(
                boto3.client("s3", region_name=region), settings.transcribe_bucket, settings.transcribe_prefix
            ),
        ),
    )


@functools.cache
def app() -> APIGatewayRestResolver:
    return create_app(services())


def run_job(current: Services, job_id: str) -> dict[str, Any]:
    """Finish a chat job: answer its question in its conversation and record the reply (or why it failed)."""
    job = current.store.job(job_id)
    if job is None:
        return {"job_id": job_id, "finished": False, "reason": "no such job"}

    def compute() -> Any:
        return current.answerer().answer(str(job["question"]), session_id=str(job["conversation_id"]))

    return {"job_id": job_id, "finished": finish_job(current, job_id, compute)}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job_id = job_id_of(event)
    if job_id is not None:
        return run_job(services(), job_id)
    return app().resolve(event, context)
