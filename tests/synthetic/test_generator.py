"""The synthetic contact centre: deterministic, realistic, and true to the Transcribe / Contact Lens shapes."""

from __future__ import annotations

import gzip
import hashlib
import json
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from lambdas.stream_processor.convert import to_json
from orchestration.paths import DataPaths, data_paths
from orchestration.synthetic.contact_centre import build_forms
from orchestration.synthetic.feed import GenerateOptions, generate, read_stream

END = date(2026, 10, 31)


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode())
            content = path.read_bytes()
            h.update(gzip.decompress(content) if path.suffix == ".gz" else content)
    return h.hexdigest()


def plain(typed: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(to_json(typed))
    return value


def final_items(paths: DataPaths, table: str) -> list[dict[str, Any]]:
    out = []
    for part in sorted((paths.export / table / "data").glob("*.gz")):
        out += [plain(json.loads(line)["Item"]) for line in gzip.decompress(part.read_bytes()).splitlines()]
    return out


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = data_paths(tmp_path_factory.mktemp("gen") / "data")
    generate(paths, GenerateOptions(calls=4000, days=56, seed=11, end_date=END, progress=False))
    return paths


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    options = GenerateOptions(calls=300, days=14, seed=5, end_date=END, progress=False)
    a, b = data_paths(tmp_path / "a"), data_paths(tmp_path / "b")
    generate(a, options)
    generate(b, options)
    assert digest(a.root) == digest(b.root)
    generate(b, GenerateOptions(calls=300, days=14, seed=6, end_date=END, progress=False))
    assert digest(a.root) != digest(b.root)


def test_forms_have_weights_that_sum_to_100() -> None:
    for form in build_forms(90):
        assert sum(s.weight for s in form.sections) == 100, form.form_id
        for section in form.sections:
            assert sum(q.weight for q in section.questions) == 100, (form.form_id, section.ref_id)


def test_calls_respect_transcribe_invariants(dataset: DataPaths) -> None:
    calls = final_items(dataset, "calls")
    completed = [c for c in calls if c["status"] == "COMPLETED"]
    assert len(completed) > 0.98 * len(calls)
    talk_exceeds_duration = 0
    for call in completed:
        cc = call["conversation_characteristics"]
        sentiment = cc["Sentiment"]
        scores = [sentiment["OverallSentiment"]["AGENT"], sentiment["OverallSentiment"]["CUSTOMER"]]
        for role in ("AGENT", "CUSTOMER"):
            quarters = sentiment["SentimentByPeriod"]["QUARTER"][role]
            assert len(quarters) == 4
            scores += [q["Score"] for q in quarters]
        assert all(-5 <= float(s) <= 5 for s in scores)
        assert cc["TotalConversationDurationMillis"] == call["duration_ms"]
        talk = cc["TalkTime"]
        assert talk["TotalTimeMillis"] == sum(
            p["TotalTimeMillis"] for p in talk["DetailsByParticipant"].values()
        )
        talk_exceeds_duration += talk["TotalTimeMillis"] > call["duration_ms"]
        assert 0 <= cc["NonTalkTime"]["TotalTimeMillis"] < call["duration_ms"]
        by = cc["Interruptions"]["InterruptionsByInterrupter"]
        assert cc["Interruptions"]["TotalCount"] == sum(len(v) for v in by.values())
        assert all(v for v in by.values())  # a role with no interruptions is absent, not empty
        for insight in call["insights"]:
            assert insight["insight_type"] in {"ISSUE", "OUTCOME", "ACTION_ITEM"}
            assert 0 <= insight["character_begin"] < insight["character_end"]
            assert len(insight["text"]) == insight["character_end"] - insight["character_begin"]
        assert call["direction"] in {"INBOUND", "OUTBOUND"}
        assert call["started_at"] < call["ended_at"]
    assert talk_exceeds_duration > 0  # overlapping speech happens


def test_transcripts_match_their_call_items(dataset: DataPaths) -> None:
    calls = {c["job_name"]: c for c in final_items(dataset, "calls")}
    documents = sorted((dataset.transcribe / "analytics").glob("*.json"))[:200]
    assert documents
    for path in documents:
        doc = json.loads(path.read_text())
        call = calls.get(doc["JobName"])
        if call is None:  # removed later
            continue
        assert call["transcript_uri"].endswith(f"/analytics/{path.name}")
        assert doc["ConversationCharacteristics"] == call["conversation_characteristics"]
        assert doc["Categories"]["MatchedCategories"] == call.get("categories", [])
        assert {t["Sentiment"] for t in doc["Transcript"]} <= {"POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED"}
        issue_turn = doc["Transcript"][1]
        offsets = issue_turn["IssuesDetected"][0]["CharacterOffsets"]
        assert set(issue_turn["IssuesDetected"][0]) == {"CharacterOffsets"}  # offsets only, no text
        assert offsets["End"] == len(issue_turn["Content"])


def test_scorecards_follow_their_forms(dataset: DataPaths) -> None:
    forms = {(f.form_id, f.version): f for f in build_forms(56)}
    evaluations = final_items(dataset, "scorecards")
    assert {e["evaluation_source"] for e in evaluations} == {"MANUAL", "AUTOMATED"}
    assert len({(e["form_id"], e["form_version"]) for e in evaluations}) >= 4  # several forms and versions
    fails = 0
    for e in evaluations:
        form = forms[(e["form_id"], e["form_version"])]
        assert [s["section_ref_id"] for s in e["sections"]] == [s.ref_id for s in form.sections]
        assert sum(s["weight"] for s in e["sections"]) == 100
        score = e["score"]
        assert 0 <= score["percentage"] <= 100
        if score["automatic_fail"]:
            fails += 1
            assert score["percentage"] == 0
            assert any(q["automatic_fail"] for q in e["questions"])
        for q in e["questions"]:
            if q["question_type"] == "TEXT" or q["not_applicable"]:
                assert q["score_percentage"] is None
            else:
                assert (
                    q["score_percentage"] % 10 == 0 and 0 <= q["score_percentage"] <= 100
                )  # option score 0-10
        assert (e["status"] == "SUBMITTED") == ("submitted_at" in e)
    assert 0 < fails < 0.3 * len(evaluations)


def test_agent_skill_shows_in_sentiment_and_qa_scores(dataset: DataPaths) -> None:
    calls = final_items(dataset, "calls")
    evaluations = final_items(dataset, "scorecards")
    sentiment: dict[str, list[float]] = defaultdict(list)
    for c in calls:
        if c["status"] == "COMPLETED":
            sentiment[c["agent_id"]].append(
                float(c["conversation_characteristics"]["Sentiment"]["OverallSentiment"]["AGENT"])
            )
    qa: dict[str, list[float]] = defaultdict(list)
    for e in evaluations:
        qa[e["agent_id"]].append(float(e["score"]["percentage"]))
    agents = [a for a in qa if len(qa[a]) >= 8 and len(sentiment[a]) >= 20]
    assert len(agents) >= 10
    xs = [statistics.mean(sentiment[a]) for a in agents]
    ys = [statistics.mean(qa[a]) for a in agents]
    assert statistics.correlation(xs, ys) > 0.3
    assert max(ys) - min(ys) > 10  # some agents are clearly better than others


def test_volume_has_weekly_and_daily_seasonality_and_both_directions(dataset: DataPaths) -> None:
    calls = final_items(dataset, "calls")
    starts = [datetime.fromisoformat(c["started_at"].replace("Z", "+00:00")) for c in calls]
    by_weekday = Counter(s.weekday() for s in starts)
    assert by_weekday[0] > 2.5 * by_weekday[6]  # Mondays are busy, Sundays quiet
    by_hour = Counter(s.hour for s in starts)
    assert by_hour[10] > 5 * by_hour[3]
    directions = Counter(c["direction"] for c in calls)
    assert directions["OUTBOUND"] > 0.05 * len(calls) and directions["INBOUND"] > 0.7 * len(calls)
    assert len({c["queue"] for c in calls}) == 5 and len({c["team"] for c in calls}) == 8


def test_the_change_feed_holds_later_edits_and_deletions_in_time_order(dataset: DataPaths) -> None:
    for table in ("calls", "scorecards"):
        records = list(read_stream(dataset, table))
        names = Counter(r["eventName"] for r in records)
        assert names["INSERT"] and names["MODIFY"] and names["REMOVE"], (table, names)
        times = [r["dynamodb"]["ApproximateCreationDateTime"] for r in records]
        assert times == sorted(times)
        sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
        assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
        assert all(r["eventSourceARN"].split("/")[1] == table for r in records)
        modify = next(r for r in records if r["eventName"] == "MODIFY")
        assert "OldImage" in modify["dynamodb"] and "NewImage" in modify["dynamodb"]
        assert max(times) < datetime(2026, 11, 1).timestamp() + 86400  # nothing after the last generated day


def test_the_export_is_the_feed_applied(dataset: DataPaths) -> None:
    state: dict[str, Any] = {}
    for record in read_stream(dataset, "calls"):
        key = record["dynamodb"]["Keys"]["call_id"]["S"]
        if record["eventName"] == "REMOVE":
            state.pop(key, None)
        else:
            state[key] = plain(record["dynamodb"]["NewImage"])
    exported = {c["call_id"]: c for c in final_items(dataset, "calls")}
    assert state == exported
