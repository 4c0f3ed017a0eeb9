"""Finishing a chat answer that was not ready before API Gateway's deadline.

In AWS the function invokes itself asynchronously with ``{"pca_chat_job": "<job id>"}`` and that invocation
answers the question again and records the result (the first invocation's work stops when it returns). The
local server keeps the work that is already running and records its result when it completes.
"""

from __future__ import annotations

import concurrent.futures
import json
from collections.abc import Callable
from typing import Any

from lambdas.shared.answering.model import Answer

JOB_EVENT_KEY = "pca_chat_job"

# (job id, how to get its answer) -> whether this call recorded the result
Finisher = Callable[[str, Callable[[], Answer]], bool]


class ThreadDispatcher:
    """Records the running answer when it completes (the embedded server; tests)."""

    def __init__(self) -> None:
        self.finish: Finisher | None = None

    def continue_job(self, job_id: str, running: concurrent.futures.Future[Answer]) -> None:
        finish = self.finish
        if finish is None:
            raise RuntimeError("ThreadDispatcher.finish is not set")
        running.add_done_callback(lambda done: finish(job_id, done.result))


class LambdaDispatcher:
    """Invokes ``function_name`` asynchronously (InvocationType ``Event``) to finish the job."""

    def __init__(self, client: Any, function_name: str) -> None:
        self.client = client
        self.function_name = function_name

    def continue_job(self, job_id: str, running: concurrent.futures.Future[Answer]) -> None:
        self.client.invoke(
            FunctionName=self.function_name,
            InvocationType="Event",
            Payload=json.dumps({JOB_EVENT_KEY: job_id}).encode(),
        )


def job_id_of(event: Any) -> str | None:
    """The job id when ``event`` is a self-invocation to finish a job, else ``None``."""
    if isinstance(event, dict) and isinstance(event.get(JOB_EVENT_KEY), str) and len(event) == 1:
        return str(event[JOB_EVENT_KEY])
    return None
