"""Where conversations, answers, feedback, chat jobs and per-user request counts are kept.

:class:`DynamoStore` is the production store: one on-demand table (``PCA_CONVERSATIONS_TABLE``), keys ``pk``/``sk``,
TTL attribute ``expires_at``:

=========================================  ==============================  ===================================
item                                       pk                              sk
=========================================  ==============================  ===================================
conversation (title, times, count)         ``USER#<sub>``                  ``CONV#<conversation id>``
answer (the reply as JSON)                 ``USER#<sub>``                  ``MSG#<conversation id>#<seq:06d>``
feedback (rating, comment, question, SQL)  ``FEEDBACK``                    ``<message id>``
chat job (status, reply or error)          ``JOB#<job id>``                ``JOB``
request count of a user in a minute        ``RATE#<sub>``                  ``<window>``
=========================================  ==============================  ===================================

Every read of a user's data is keyed by the token's ``sub``, so another user's ids are simply not found.
:class:`SqliteStore` keeps the same records in a local SQLite file for the embedded run.

Message ids are ``<conversation id>.<seq>``: the conversation is found from the id, and only under the
caller's own partition.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

CONVERSATION_TTL_DAYS = 90
JOB_TTL_SECONDS = 24 * 3600
MAX_ITEM_BYTES = 350_000  # DynamoDB items stop at 400 KB


class StoreError(RuntimeError):
    """The store could not be read or written."""


def split_message_id(message_id: str) -> tuple[str, int] | None:
    conversation_id, _, seq = message_id.rpartition(".")
    if not conversation_id or not seq.isdigit():
        return None
    return conversation_id, int(seq)


def fit_reply(reply: dict[str, Any], max_bytes: int = MAX_ITEM_BYTES) -> dict[str, Any]:
    """``reply`` with rows dropped from the end (and ``truncated`` set) until its JSON fits an item."""
    text = json.dumps(reply, ensure_ascii=False)
    if len(text.encode()) <= max_bytes:
        return reply
    fitted = dict(reply)
    rows = list(reply["rows"])
    while rows and len(json.dumps({**fitted, "rows": rows}, ensure_ascii=False).encode()) > max_bytes:
        rows = rows[: len(rows) // 2]
    fitted["rows"] = rows
    fitted["truncated"] = len(rows) < int(reply["total_rows"])
    return fitted


class ConversationStore(Protocol):
    def create_conversation(self, user: str, conversation_id: str, title: str, now: float) -> None: ...

    def conversation(self, user: str, conversation_id: str) -> dict[str, Any] | None: ...

    def conversations(self, user: str) -> list[dict[str, Any]]: ...

    def messages(self, user: str, conversation_id: str) -> list[dict[str, Any]]: ...

    def next_message_id(self, user: str, conversation_id: str, now: float) -> str: ...

    def add_message(
        self, user: str, conversation_id: str, message_id: str, reply: dict[str, Any]
    ) -> None: ...

    def message(self, user: str, message_id: str) -> dict[str, Any] | None: ...

    def delete_message(self, user: str, message_id: str) -> None: ...

    def delete_conversation(self, user: str, conversation_id: str) -> bool: ...

    def put_feedback(self, user: str, message_id: str, feedback: dict[str, Any]) -> None: ...

    def feedback(self) -> list[dict[str, Any]]: ...

    def create_job(self, job: dict[str, Any]) -> None: ...

    def job(self, job_id: str) -> dict[str, Any] | None: ...

    def finish_job(self, job_id: str, update: dict[str, Any]) -> bool: ...

    def count_request(self, user: str, window: str, limit: int, expires_at: int) -> bool: ...


def _iso(seconds: float) -> str:
    import datetime as dt

    from lambdas.api_handler.presenter import utc_now_iso

    return utc_now_iso(dt.datetime.fromtimestamp(seconds, dt.UTC))


# ─────────────────────────────────────────────────────────────────────────────────────────────── DynamoDB


class DynamoStore:
    """The conversations table in DynamoDB (``table`` is a boto3 ``Table`` resource)."""

    def __init__(self, table: Any, *, ttl_days: int = CONVERSATION_TTL_DAYS) -> None:
        self.table = table
        self.ttl_seconds = ttl_days * 86400

    @classmethod
    def from_name(cls, table_name: str, region: str | None = None) -> DynamoStore:
        import boto3

        return cls(boto3.resource("dynamodb", region_name=region).Table(table_name))

    def create_conversation(self, user: str, conversation_id: str, title: str, now: float) -> None:
        self.table.put_item(
            Item={
                "pk": f"USER#{user}",
                "sk": f"CONV#{conversation_id}",
                "conversation_id": conversation_id,
                "title": title,
                "created_at": _iso(now),
                "updated_at": _iso(now),
                "message_count": 0,
                "expires_at": int(now) + self.ttl_seconds,
            },
            ConditionExpression="attribute_not_exists(pk)",
        )

    def conversation(self, user: str, conversation_id: str) -> dict[str, Any] | None:
        item = self.table.get_item(Key={"pk": f"USER#{user}", "sk": f"CONV#{conversation_id}"}).get("Item")
        return None if item is None else _summary(item)

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            page = self.table.query(**kwargs)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def conversations(self, user: str) -> list[dict[str, Any]]:
        from boto3.dynamodb.conditions import Key

        items = self._query(
            KeyConditionExpression=Key("pk").eq(f"USER#{user}") & Key("sk").begins_with("CONV#")
        )
        return sorted((_summary(i) for i in items), key=lambda c: c["updated_at"], reverse=True)

    def messages(self, user: str, conversation_id: str) -> list[dict[str, Any]]:
        from boto3.dynamodb.conditions import Key

        items = self._query(
            KeyConditionExpression=Key("pk").eq(f"USER#{user}")
            & Key("sk").begins_with(f"MSG#{conversation_id}#")
        )
        return [json.loads(str(i["body"])) for i in items]

    def next_message_id(self, user: str, conversation_id: str, now: float) -> str:
        updated = self.table.update_item(
            Key={"pk": f"USER#{user}", "sk": f"CONV#{conversation_id}"},
            UpdateExpression="ADD message_count :one SET updated_at = :now, expires_at = :exp",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":one": 1, ":now": _iso(now), ":exp": int(now) + self.ttl_seconds},
            ReturnValues="UPDATED_NEW",
        )
        return f"{conversation_id}.{int(updated['Attributes']['message_count'])}"

    def add_message(self, user: str, conversation_id: str, message_id: str, reply: dict[str, Any]) -> None:
        parts = split_message_id(message_id)
        assert parts is not None
        body = json.dumps(fit_reply(reply), ensure_ascii=False)
        conversation = self.table.get_item(Key={"pk": f"USER#{user}", "sk": f"CONV#{conversation_id}"}).get(
            "Item", {}
        )
        self.table.put_item(
            Item={
                "pk": f"USER#{user}",
                "sk": f"MSG#{conversation_id}#{parts[1]:06d}",
                "message_id": message_id,
                "body": body,
                "expires_at": int(conversation.get("expires_at", 0)) or None,
            }
        )

    def message(self, user: str, message_id: str) -> dict[str, Any] | None:
        parts = split_message_id(message_id)
        if parts is None:
            return None
        item = self.table.get_item(Key={"pk": f"USER#{user}", "sk": f"MSG#{parts[0]}#{parts[1]:06d}"}).get(
            "Item"
        )
        return None if item is None else dict(json.loads(str(item["body"])))

    def delete_message(self, user: str, message_id: str) -> None:
        parts = split_message_id(message_id)
        if parts is not None:
            self.table.delete_item(Key={"pk": f"USER#{user}", "sk": f"MSG#{parts[0]}#{parts[1]:06d}"})

    def delete_conversation(self, user: str, conversation_id: str) -> bool:
        from boto3.dynamodb.conditions import Key

        if self.conversation(user, conversation_id) is None:
            return False
        keys = [
            {"pk": i["pk"], "sk": i["sk"]}
            for i in self._query(
                KeyConditionExpression=Key("pk").eq(f"USER#{user}")
                & Key("sk").begins_with(f"MSG#{conversation_id}#"),
                ProjectionExpression="pk, sk",
            )
        ]
        with self.table.batch_writer() as batch:
            for key in keys:
                batch.delete_item(Key=key)
            batch.delete_item(Key={"pk": f"USER#{user}", "sk": f"CONV#{conversation_id}"})
        return True

    def put_feedback(self, user: str, message_id: str, feedback: dict[str, Any]) -> None:
        self.table.put_item(
            Item={
                "pk": "FEEDBACK",
                "sk": message_id,
                "user": user,
                "body": json.dumps(feedback, ensure_ascii=False),
            }
        )

    def feedback(self) -> list[dict[str, Any]]:
        from boto3.dynamodb.conditions import Key

        return [
            json.loads(str(i["body"])) for i in self._query(KeyConditionExpression=Key("pk").eq("FEEDBACK"))
        ]

    def create_job(self, job: dict[str, Any]) -> None:
        self.table.put_item(
            Item={
                "pk": f"JOB#{job['job_id']}",
                "sk": "JOB",
                "status": job["status"],
                "body": json.dumps(job, ensure_ascii=False),
                "expires_at": int(job["created_epoch"]) + JOB_TTL_SECONDS,
            }
        )

    def job(self, job_id: str) -> dict[str, Any] | None:
        item = self.table.get_item(Key={"pk": f"JOB#{job_id}", "sk": "JOB"}, ConsistentRead=True).get("Item")
        return None if item is None else dict(json.loads(str(item["body"])))

    def finish_job(self, job_id: str, update: dict[str, Any]) -> bool:
        from botocore.exceptions import ClientError

        current = self.job(job_id)
        if current is None:
            return False
        finished = {**current, **update}
        try:
            self.table.update_item(
                Key={"pk": f"JOB#{job_id}", "sk": "JOB"},
                UpdateExpression="SET #s = :status, body = :body",
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":status": finished["status"],
                    ":body": json.dumps(fit_reply_in_job(finished), ensure_ascii=False),
                    ":pending": "pending",
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def count_request(self, user: str, window: str, limit: int, expires_at: int) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.table.update_item(
                Key={"pk": f"RATE#{user}", "sk": window},
                UpdateExpression="ADD requests :one SET expires_at = :exp",
                ConditionExpression="attribute_not_exists(requests) OR requests < :limit",
                ExpressionAttributeValues={":one": 1, ":limit": limit, ":exp": expires_at},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


def fit_reply_in_job(job: dict[str, Any]) -> dict[str, Any]:
    if job.get("reply"):
        return {**job, "reply": fit_reply(job["reply"])}
    return job


def _summary(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "conversation_id": str(item["conversation_id"]),
        "title": str(item["title"]),
        "created_at": str(item["created_at"]),
        "updated_at": str(item["updated_at"]),
        "message_count": int(item.get("message_count", 0)),
    }


# ───────────────────────────────────────────────────────────────────────────────────────────────── SQLite


_SCHEMA = """
create table if not exists conversations (
    user text not null, conversation_id text not null, title text not null, created_at text not null,
    updated_at text not null, message_count integer not null default 0, primary key (user, conversation_id));
create table if not exists messages (
    user text not null, conversation_id text not null, seq integer not null, message_id text not null,
    body text not null, primary key (user, conversation_id, seq));
create table if not exists feedback (message_id text primary key, user text not null, body text not null);
create table if not exists jobs (job_id text primary key, status text not null, body text not null);
create table if not exists rates (user text not null, window text not null, requests integer not null,
    primary key (user, window));
"""


class SqliteStore:
    """The same records in a SQLite file (the embedded run); safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        # WAL with synchronous=NORMAL: a commit is one append to the log, synced at checkpoints; a crash of
        # the process loses nothing, a power cut at most the last commits (FULL would fsync every commit).
        self._db.execute("pragma synchronous=normal")
        self._db.executescript(_SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("begin immediate")
            try:
                yield self._db
            except BaseException:
                self._db.execute("rollback")
                raise
            self._db.execute("commit")

    def _rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def create_conversation(self, user: str, conversation_id: str, title: str, now: float) -> None:
        with self._tx() as db:
            db.execute(
                "insert into conversations values (?, ?, ?, ?, ?, 0)",
                (user, conversation_id, title, _iso(now), _iso(now)),
            )

    def conversation(self, user: str, conversation_id: str) -> dict[str, Any] | None:
        rows = self._rows(
            "select conversation_id, title, created_at, updated_at, message_count from conversations "
            "where user = ? and conversation_id = ?",
            user,
            conversation_id,
        )
        return _sqlite_summary(rows[0]) if rows else None

    def conversations(self, user: str) -> list[dict[str, Any]]:
        rows = self._rows(
            "select conversation_id, title, created_at, updated_at, message_count from conversations "
            "where user = ? order by updated_at desc",
            user,
        )
        return [_sqlite_summary(r) for r in rows]

    def messages(self, user: str, conversation_id: str) -> list[dict[str, Any]]:
        rows = self._rows(
            "select body from messages where user = ? and conversation_id = ? order by seq",
            user,
            conversation_id,
        )
        return [json.loads(r[0]) for r in rows]

    def next_message_id(self, user: str, conversation_id: str, now: float) -> str:
        with self._tx() as db:
            db.execute(
                "update conversations set message_count = message_count + 1, updated_at = ? "
                "where user = ? and conversation_id = ?",
                (_iso(now), user, conversation_id),
            )
            row = db.execute(
                "select message_count from conversations where user = ? and conversation_id = ?",
                (user, conversation_id),
            ).fetchone()
        if row is None:
            raise StoreError(f"conversation {conversation_id} does not exist")
        return f"{conversation_id}.{int(row[0])}"

    def add_message(self, user: str, conversation_id: str, message_id: str, reply: dict[str, Any]) -> None:
        parts = split_message_id(message_id)
        assert parts is not None
        with self._tx() as db:
            db.execute(
                "insert or replace into messages values (?, ?, ?, ?, ?)",
                (user, conversation_id, parts[1], message_id, json.dumps(reply, ensure_ascii=False)),
            )

    def message(self, user: str, message_id: str) -> dict[str, Any] | None:
        parts = split_message_id(message_id)
        if parts is None:
            return None
        rows = self._rows(
            "select body from messages where user = ? and conversation_id = ? and seq = ?", user, *parts
        )
        return dict(json.loads(rows[0][0])) if rows else None

    def delete_message(self, user: str, message_id: str) -> None:
        parts = split_message_id(message_id)
        if parts is not None:
            with self._tx() as db:
                db.execute(
                    "delete from messages where user = ? and conversation_id = ? and seq = ?", (user, *parts)
                )

    def delete_conversation(self, user: str, conversation_id: str) -> bool:
        with self._tx() as db:
            deleted = db.execute(
                "delete from conversations where user = ? and conversation_id = ?", (user, conversation_id)
            ).rowcount
            db.execute("delete from messages where user = ? and conversation_id = ?", (user, conversation_id))
        return deleted > 0

    def put_feedback(self, user: str, message_id: str, feedback: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute(
                "insert or replace into feedback values (?, ?, ?)",
                (message_id, user, json.dumps(feedback, ensure_ascii=False)),
            )

    def feedback(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self._rows("select body from feedback order by message_id")]

    def create_job(self, job: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute(
                "insert into jobs values (?, ?, ?)",
                (job["job_id"], job["status"], json.dumps(job, ensure_ascii=False)),
            )

    def job(self, job_id: str) -> dict[str, Any] | None:
        rows = self._rows("select body from jobs where job_id = ?", job_id)
        return dict(json.loads(rows[0][0])) if rows else None

    def finish_job(self, job_id: str, update: dict[str, Any]) -> bool:
        with self._tx() as db:
            row = db.execute(
                "select body from jobs where job_id = ? and status = 'pending'", (job_id,)
            ).fetchone()
            if row is None:
                return False
            finished = {**json.loads(row[0]), **update}
            db.execute(
                "update jobs set status = ?, body = ? where job_id = ?",
                (finished["status"], json.dumps(finished, ensure_ascii=False), job_id),
            )
        return True

    def count_request(self, user: str, window: str, limit: int, expires_at: int) -> bool:
        with self._tx() as db:
            db.execute("delete from rates where user = ? and window != ?", (user, window))
            row = db.execute(
                "select requests from rates where user = ? and window = ?", (user, window)
            ).fetchone()
            if row is not None and int(row[0]) >= limit:
                return False
            db.execute(
                "insert into rates values (?, ?, 1) on conflict (user, window) do update set requests = requests + 1",
                (user, window),
            )
        return True

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _sqlite_summary(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "conversation_id": row[0],
        "title": row[1],
        "created_at": row[2],
        "updated_at": row[3],
        "message_count": int(row[4]),
    }
