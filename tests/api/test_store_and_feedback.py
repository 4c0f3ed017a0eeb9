"""The conversation stores (DynamoDB on moto, SQLite for the embedded run) keep the same records the same
way, and `pca feedback` turns well-rated answers into candidate verified queries."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from lambdas.api_handler.store import ConversationStore, DynamoStore, SqliteStore, fit_reply
from orchestration import feedback
from tests.api.conftest import create_conversations_table


@pytest.fixture(params=["dynamodb", "sqlite"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ConversationStore]:
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        yield DynamoStore(create_conversations_table())
    else:
        store = SqliteStore(tmp_path / "conversations.sqlite")
        yield store
        store.close()


def reply(message_id: str, question: str, **extra: Any) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "question": question,
        "answer": "42",
        "refused": False,
        "sql": "select 42",
        "rows": [[42]],
        "total_rows": 1,
        "truncated": False,
        "provenance": {"answerer": "bedrock-agent", "verified_query": None},
        **extra,
    }


def test_conversations_messages_and_deletion_are_per_user(any_store: ConversationStore) -> None:
    now = time.time()
    any_store.create_conversation("alice", "c1", "first question", now)
    first = any_store.next_message_id("alice", "c1", now)
    any_store.add_message("alice", "c1", first, reply(first, "first question"))
    second = any_store.next_message_id("alice", "c1", now + 1)
    any_store.add_message("alice", "c1", second, reply(second, "second question"))

    assert (first, second) == ("c1.1", "c1.2")
    assert [m["question"] for m in any_store.messages("alice", "c1")] == ["first question", "second question"]
    assert any_store.conversation("alice", "c1")["message_count"] == 2  # type: ignore[index]
    assert any_store.message("alice", "c1.2")["question"] == "second question"  # type: ignore[index]
    assert any_store.conversation("bob", "c1") is None and any_store.message("bob", "c1.1") is None
    any_store.delete_message("bob", "c1.2")  # another user's message stays
    assert any_store.message("alice", "c1.2") is not None
    any_store.delete_message("alice", "c1.2")
    assert [m["question"] for m in any_store.messages("alice", "c1")] == ["first question"]
    any_store.add_message("alice", "c1", second, reply(second, "second question"))
    assert any_store.conversations("bob") == [] and not any_store.delete_conversation("bob", "c1")
    assert any_store.delete_conversation("alice", "c1")
    assert any_store.conversation("alice", "c1") is None and any_store.messages("alice", "c1") == []


def test_a_job_finishes_once(any_store: ConversationStore) -> None:
    job = {"job_id": "j1", "user": "alice", "conversation_id": "c1", "question": "q", "status": "pending"}
    any_store.create_job({**job, "created_epoch": int(time.time()), "created_at": "now"})
    assert any_store.finish_job("j1", {"status": "done", "reply": reply("c1.1", "q")})
    assert not any_store.finish_job("j1", {"status": "failed", "error": "late"})
    assert any_store.job("j1")["status"] == "done"  # type: ignore[index]
    assert any_store.job("nope") is None


def test_request_counts_stop_at_the_limit_per_user_and_window(any_store: ConversationStore) -> None:
    assert [any_store.count_request("alice", "100", 2, 999) for _ in range(3)] == [True, True, False]
    assert any_store.count_request("bob", "100", 2, 999)
    assert any_store.count_request("alice", "101", 2, 999)  # a new minute


def test_a_reply_too_big_for_an_item_keeps_fewer_rows_and_says_so() -> None:
    big = reply("c.1", "q", rows=[["x" * 1000] for _ in range(1000)], total_rows=1000)
    fitted = fit_reply(big, max_bytes=100_000)
    assert 0 < len(fitted["rows"]) < 1000 and fitted["truncated"] is True and fitted["total_rows"] == 1000


def test_feedback_candidates_are_well_rated_answers_with_sql_not_already_verified(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "conversations.sqlite")
    entries = [
        ("c.1", "up", "How many calls on Sundays?", "select count(*) from calls", "bedrock-agent", None),
        ("d.1", "up", "how many calls on sundays", "select count(*)  from calls", "bedrock-agent", None),
        ("e.1", "down", "Average talk speed?", "select avg(x) from calls", "bedrock-agent", None),
        ("f.1", "up", "How many total calls?", "select count(*) from calls", "verified", "total_calls"),
        ("g.1", "up", "Refused one", None, "verified", None),
    ]
    for message_id, rating, question, sql, answerer, verified in entries:
        store.put_feedback(
            "alice",
            message_id,
            {
                "message_id": message_id,
                "rating": rating,
                "question": question,
                "sql": sql,
                "comment": "spot on" if message_id == "c.1" else None,
                "refused": sql is None,
                "provenance": {"answerer": answerer, "verified_query": verified},
            },
        )

    found = feedback.candidates(store.feedback())

    assert [(c.question, c.up, c.down) for c in found] == [("How many calls on Sundays?", 2, 0)]
    assert found[0].comments == ["spot on"] and found[0].answerer == "bedrock-agent"
    out = io.StringIO()
    feedback.render(found, out)
    documents = [d for d in yaml.safe_load_all(out.getvalue()) if d]
    assert documents[0]["question"] == "How many calls on Sundays?"
    assert documents[0]["sql"] == "select count(*) from calls" and documents[0]["verified_by"] is None


def test_pca_feedback_reads_the_embedded_store_and_says_when_there_is_none(tmp_path: Path) -> None:
    import argparse

    args = argparse.Namespace(table=None, data_dir=str(tmp_path), min_up=1, json=False)
    assert feedback.run(args) == 1  # no store yet
    SqliteStore(tmp_path / "conversations.sqlite").close()
    out = io.StringIO()
    assert feedback.run(args, out) == 0 and "No candidates" in out.getvalue()
