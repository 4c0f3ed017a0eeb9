"""One synthetic call: the DynamoDB ``calls`` item and its Transcribe Call Analytics document.

The numbers hang together the way Transcribe reports them: four sentiment quarters per participant in −5..+5,
talk time that may exceed the duration (people talk over each other), non-talk time, interruptions by
interrupter, words per minute, categories matched by rules over those metrics, and issues, outcomes and action
items that exist only as character offsets into transcript turns.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestration.synthetic.contact_centre import QUEUE_BY_NAME, Agent

CUSTOMER_LINES = {
    "Billing": [
        "I was charged twice on my last bill and I need that fixed.",
        "Why is my bill higher this month than last month?",
        "I'd like to set up a payment plan for the amount I owe.",
    ],
    "Technical Support": [
        "My internet keeps dropping every evening and I work from home.",
        "The router lights are red and nothing connects.",
        "I can't log in to the app since the update.",
    ],
    "Sales": [
        "I'm thinking about upgrading to a faster plan.",
        "Can you tell me what the family mobile bundle includes?",
        "I want to order the new smart home starter kit.",
    ],
    "Retention": [
        "I would like to cancel my subscription, it's too expensive.",
        "Another provider offered me a better price, can you match it?",
        "My contract ends next month and I'm not planning to renew.",
    ],
    "General Inquiries": [
        "I need to update the address on my account.",
        "Where is my order? It was supposed to arrive yesterday.",
        "I want to change the email address you have on file.",
    ],
}
AGENT_OUTCOMES = {
    "Billing": [
        "I've applied the credit to your account and you'll see it on your next bill.",
        "I've set up the payment plan and the first instalment is due on the first.",
    ],
    "Technical Support": [
        "I've reset the line from our side and your connection is stable now.",
        "Your router is updated and all the lights are green again.",
    ],
    "Sales": [
        "Your order is confirmed and the device ships tomorrow.",
        "You're now on the faster plan from today at the price we agreed.",
    ],
    "Retention": [
        "I've applied the loyalty discount, so your price stays the same for twelve months.",
        "I've matched the offer and your contract is renewed.",
    ],
    "General Inquiries": [
        "I've updated your details and sent you a confirmation.",
        "Your order is on its way and arrives tomorrow before noon.",
    ],
}
AGENT_ACTIONS = {
    "Billing": ["I'll escalate this to our billing team and they will contact you within two days."],
    "Technical Support": ["I'm booking a technician visit and you'll get a text with the time slot."],
    "Sales": ["I will send you an email with the contract and call you back next week."],
    "Retention": ["I will send you the new terms by email and call you next week to confirm."],
    "General Inquiries": ["I will send you an email with the details and the tracking link."],
}
FILLER_AGENT = [
    "Thank you for calling, my name is {agent}, how can I help you today?",
    "Let me look into that for you.",
    "Could you confirm your date of birth, please?",
    "I understand, that must be frustrating.",
    "One moment while I check your account.",
    "Is there anything else I can help you with today?",
    "Thanks for your patience.",
]
FILLER_CUSTOMER = [
    "Sure, it's the one ending in four two.",
    "Okay.",
    "Yes, that's right.",
    "I've been waiting a long time for this.",
    "Thank you.",
    "No, that's everything.",
]
OUTBOUND_OPENING = "Hi, this is {agent} calling about your account, is now a good time?"


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def clip(x: float, low: float, high: float) -> float:
    return low if x < low else high if x > high else x


def uuid_from(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Turn:
    role: str
    begin_ms: int
    end_ms: int
    content: str
    sentiment: str


@dataclass
class GeneratedCall:
    item: dict[str, Any]
    transcript: dict[str, Any] | None
    agent: Agent
    ended_at: datetime
    customer_end_sentiment: float
    agent_interruptions: int
    resolved: bool


def _quarters(rng: random.Random, start: float, end: float, duration_ms: int) -> list[dict[str, Any]]:
    quarter_ms = max(1, duration_ms // 4)
    out = []
    for i in range(4):
        level = start + (end - start) * (i / 3) + rng.gauss(0, 0.4)
        out.append(
            {
                "Score": round(clip(level, -5, 5), 1),
                "BeginOffsetMillis": i * quarter_ms,
                "EndOffsetMillis": duration_ms if i == 3 else (i + 1) * quarter_ms,
            }
        )
    return out


def _instances(rng: random.Random, count: int, duration_ms: int, mean_ms: int) -> list[dict[str, int]]:
    out = []
    for _ in range(count):
        length = max(300, int(rng.expovariate(1 / mean_ms)))
        begin = rng.randint(0, max(1, duration_ms - length))
        out.append({"BeginOffsetMillis": begin, "EndOffsetMillis": begin + length, "DurationMillis": length})
    return sorted(out, key=lambda i: i["BeginOffsetMillis"])


def _poisson(rng: random.Random, mean: float) -> int:
    threshold, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def generate_call(
    rng: random.Random,
    agent: Agent,
    started_at: datetime,
    direction: str,
    transcribe_bucket: str,
    with_transcript: bool,
) -> GeneratedCall:
    queue = QUEUE_BY_NAME[agent.queue]
    call_id = uuid_from(rng)
    job_name = f"{agent.queue.lower().replace(' ', '-')}-{started_at:%Y%m%d%H%M%S}-{call_id[:8]}"
    duration_ms = int(
        clip(rng.lognormvariate(math.log(queue.median_minutes * 60_000), 0.55), 25_000, 3_600_000)
    )
    ended_at = started_at + timedelta(milliseconds=duration_ms)
    skill = agent.skill

    resolved = rng.random() < sigmoid(0.9 * skill + 0.6 + (0.5 if queue.customer_mood > 0 else -0.2))
    customer_start = clip(queue.customer_mood + rng.gauss(0, 1.3), -5, 5)
    customer_end = clip(customer_start + 0.6 * skill + (1.3 if resolved else -1.0) + rng.gauss(0, 0.8), -5, 5)
    agent_level = clip(1.2 + 0.7 * skill + rng.gauss(0, 0.6), -5, 5)
    customer_q = _quarters(rng, customer_start, customer_end, duration_ms)
    agent_q = _quarters(rng, agent_level - 0.2, agent_level + 0.3, duration_ms - rng.randint(0, 3000))

    non_talk_share = clip(
        rng.betavariate(2, 14) + (0.06 if agent.queue == "Technical Support" else 0), 0.0, 0.6
    )
    if rng.random() < 0.04:
        non_talk_share = clip(non_talk_share + 0.2, 0, 0.6)  # a long silence now and then
    non_talk_ms = int(duration_ms * non_talk_share)
    agent_interruptions = _poisson(rng, max(0.15, 1.8 - 0.8 * skill))
    customer_interruptions = _poisson(rng, max(0.2, 1.2 - 0.3 * customer_start))
    agent_int = _instances(rng, agent_interruptions, duration_ms, 2500)
    customer_int = _instances(rng, customer_interruptions, duration_ms, 3000)
    overlap_ms = sum(i["DurationMillis"] for i in agent_int + customer_int)
    spoken_ms = duration_ms - non_talk_ms
    agent_share = clip(rng.gauss(0.52 - 0.04 * skill, 0.07), 0.25, 0.8)
    agent_talk_ms = int(spoken_ms * agent_share + overlap_ms * 0.5)
    customer_talk_ms = int(spoken_ms * (1 - agent_share) + overlap_ms * 0.5)
    agent_wpm = int(clip(agent.words_per_minute + rng.gauss(0, 8), 90, 240))
    customer_wpm = int(clip(rng.gauss(160, 20), 90, 240))

    characteristics: dict[str, Any] = {
        "TotalConversationDurationMillis": duration_ms,
        "NonTalkTime": {
            "TotalTimeMillis": non_talk_ms,
            "Instances": _instances(
                rng,
                1 + int(non_talk_share * 10),
                duration_ms,
                max(1000, non_talk_ms // (1 + int(non_talk_share * 10))),
            ),
        },
        "Interruptions": {
            "TotalCount": agent_interruptions + customer_interruptions,
            "TotalTimeMillis": overlap_ms,
            "InterruptionsByInterrupter": {
                k: v for k, v in (("AGENT", agent_int), ("CUSTOMER", customer_int)) if v
            },
        },
        "Sentiment": {
            "OverallSentiment": {
                "AGENT": round(sum(q["Score"] for q in agent_q) / 4, 1),
                "CUSTOMER": round(sum(q["Score"] for q in customer_q) / 4, 1),
            },
            "SentimentByPeriod": {"QUARTER": {"AGENT": agent_q, "CUSTOMER": customer_q}},
        },
        "TalkSpeed": {
            "DetailsByParticipant": {
                "AGENT": {"AverageWordsPerMinute": agent_wpm},
                "CUSTOMER": {"AverageWordsPerMinute": customer_wpm},
            }
        },
        "TalkTime": {
            "TotalTimeMillis": agent_talk_ms + customer_talk_ms,
            "DetailsByParticipant": {
                "AGENT": {"TotalTimeMillis": agent_talk_ms},
                "CUSTOMER": {"TotalTimeMillis": customer_talk_ms},
            },
        },
    }

    customer_overall = characteristics["Sentiment"]["OverallSentiment"]["CUSTOMER"]
    categories: set[str] = set()
    if agent.queue == "Retention" or (rng.random() < 0.03 and customer_overall < 0):
        categories.add("cancellation-intent")
    if customer_end < -1.5 and rng.random() < 0.6:
        categories.add("escalation-request")
    if resolved and customer_end > 1.0:
        categories.add("positive-resolution")
    if non_talk_share > 0.2:
        categories.add("long-silence")
    if agent_interruptions >= 3:
        categories.add("agent-interruptions")
    if rng.random() < sigmoid(-1.5 * skill - 2.5):
        categories.add("compliance-greeting-missing")
    if agent.queue == "Billing" and rng.random() < 0.35:
        categories.add("billing-dispute")
    if agent.queue == "Sales" and customer_overall > 0.5 and rng.random() < 0.5:
        categories.add("upsell-opportunity")

    turns = _turns(
        rng,
        agent,
        direction,
        duration_ms,
        customer_start,
        customer_end,
        resolved,
        insight_turns_only=not with_transcript,
    )
    insights = _insights(rng, turns, resolved)
    topic = rng.choice(queue.topics)
    product = rng.choice(queue.products)
    transcript_uri = f"s3://{transcribe_bucket}/analytics/{job_name}.json"
    transcript = None
    status = "FAILED" if rng.random() < 0.004 else "COMPLETED"
    if with_transcript and status == "COMPLETED":
        transcript = _document(
            rng,
            job_name,
            turns,
            characteristics,
            categories,
            duration_ms,
            "es-US" if rng.random() < 0.08 else "en-US",
        )
    checksum_source = f"{job_name}|{duration_ms}|{customer_overall}".encode()

    item: dict[str, Any] = {
        "call_id": call_id,
        "job_name": job_name,
        "direction": direction,
        "channel": "VOICE",
        "language_code": transcript["LanguageCode"]
        if transcript
        else ("es-US" if rng.random() < 0.08 else "en-US"),
        "agent_id": agent.agent_id,
        "agent_name": agent.name,
        "team": agent.team,
        "queue": agent.queue,
        "customer_id": f"cust-{rng.getrandbits(40):010x}",
        "started_at": iso(started_at),
        "ended_at": iso(ended_at),
        "duration_ms": duration_ms,
        "queue_wait_ms": 0
        if direction == "OUTBOUND"
        else int(clip(rng.lognormvariate(math.log(40_000), 0.9), 1_000, 1_800_000)),
        "hold_time_ms": int(rng.uniform(20_000, 240_000))
        if rng.random() < (0.35 if agent.queue == "Technical Support" else 0.12)
        else 0,
        "after_call_work_ms": int(clip(rng.gauss(75_000 - 12_000 * skill, 20_000), 10_000, 300_000)),
        "status": status,
        "transcript_uri": transcript_uri,
        "transcript_sha256": hashlib.sha256(checksum_source).digest(),
        "contact_attributes": {
            "ivr_path": rng.choice(["main>billing", "main>support", "main>sales", "main>other"]),
            "campaign": rng.choice(["spring-offer", "loyalty"]) if direction == "OUTBOUND" else None,
        },
        "schema_version": 1,
        "updated_at": iso(ended_at + timedelta(minutes=3)),
    }
    if status == "COMPLETED":
        item["conversation_characteristics"] = characteristics
        item["insights"] = insights
        if categories:
            item["categories"] = categories
        if rng.random() < 0.92:
            item["summary"] = {
                "topic": topic,
                "product": product,
                "resolved": resolved,
                "callback_required": (not resolved) and rng.random() < 0.6,
                "text": _summary_text(topic, product, resolved),
            }
    return GeneratedCall(item, transcript, agent, ended_at, customer_end, agent_interruptions, resolved)


def _summary_text(topic: str, product: str, resolved: bool) -> str:
    ending = "The agent resolved it during the call." if resolved else "A follow-up is needed."
    return f"The customer called about a {topic} on their {product}. {ending}"


def _sentiment_label(level: float, rng: random.Random) -> str:
    if level > 1.0:
        return "POSITIVE"
    if level < -1.0:
        return "NEGATIVE"
    return "MIXED" if rng.random() < 0.1 else "NEUTRAL"


def _insight_indexes(count: int) -> tuple[int, int, int]:
    """Turns holding the customer's issue (the first customer turn) and the agent's outcome and action item
    (the agent's last two turns)."""
    action = count - 2 if count % 2 == 0 else count - 1  # agent turns have even indexes
    return 1, action - 2, action


def _turns(
    rng: random.Random,
    agent: Agent,
    direction: str,
    duration_ms: int,
    start: float,
    end: float,
    resolved: bool,
    *,
    insight_turns_only: bool = False,
) -> list[Turn]:
    """The call's turns, alternating agent and customer; with ``insight_turns_only``, just the three turns the
    insights point at (the customer's issue, the agent's outcome and action item) — enough when no transcript
    document is written."""
    count = max(6, min(80, duration_ms // 14_000))
    span = duration_ms // count
    lines_customer = CUSTOMER_LINES[agent.queue]
    turns: list[Turn] = []
    issue_at, outcome_at, action_at = _insight_indexes(count)
    for i in (issue_at, outcome_at, action_at) if insight_turns_only else range(count):
        role = "AGENT" if i % 2 == 0 else "CUSTOMER"
        if i == 0:
            text = (OUTBOUND_OPENING if direction == "OUTBOUND" else FILLER_AGENT[0]).format(
                agent=agent.name.split()[0]
            )
        elif i == 1:
            text = rng.choice(lines_customer)
        elif i == outcome_at:
            text = (
                rng.choice(AGENT_OUTCOMES[agent.queue])
                if resolved
                else "I'm sorry I couldn't fix this today."
            )
        elif i == action_at:
            text = rng.choice(AGENT_ACTIONS[agent.queue])
        else:
            text = rng.choice(FILLER_AGENT[1:] if role == "AGENT" else FILLER_CUSTOMER)
        level = start + (end - start) * i / count if role == "CUSTOMER" else 1.0
        begin = i * span
        turns.append(
            Turn(role, begin, begin + span - rng.randint(200, 1500), text, _sentiment_label(level, rng))
        )
    return turns


def _insights(rng: random.Random, turns: list[Turn], resolved: bool) -> list[dict[str, Any]]:
    out = []
    issue, outcome, action = turns if len(turns) == 3 else [turns[i] for i in _insight_indexes(len(turns))]
    picks = [("ISSUE", issue)]
    if resolved:
        picks.append(("OUTCOME", outcome))
    if rng.random() < 0.7:
        picks.append(("ACTION_ITEM", action))
    for kind, turn in picks:
        # Transcribe's offsets point at a phrase in the turn; ours cover the whole sentence, so the same issue
        # always reads the same and groups together
        begin = 0
        out.append(
            {
                "insight_type": kind,
                "text": turn.content[begin:],
                "participant_role": turn.role,
                "turn_begin_offset_ms": turn.begin_ms,
                "turn_end_offset_ms": turn.end_ms,
                "character_begin": begin,
                "character_end": len(turn.content),
            }
        )
    return out


def _document(
    rng: random.Random,
    job_name: str,
    turns: list[Turn],
    characteristics: dict[str, Any],
    categories: set[str],
    duration_ms: int,
    language: str,
) -> dict[str, Any]:
    transcript = []
    for index, turn in enumerate(turns):
        words = turn.content.split()
        step = max(1, (turn.end_ms - turn.begin_ms) // max(1, len(words)))
        items = [
            {
                "Type": "pronunciation",
                "Content": w.strip(".,?!"),
                "Confidence": round(rng.uniform(0.85, 1.0), 3),
                "BeginOffsetMillis": turn.begin_ms + n * step,
                "EndOffsetMillis": turn.begin_ms + (n + 1) * step,
            }
            for n, w in enumerate(words)
        ]
        entry: dict[str, Any] = {
            "Id": f"{job_name}-{index:03d}",
            "ParticipantRole": turn.role,
            "Content": turn.content,
            "BeginOffsetMillis": turn.begin_ms,
            "EndOffsetMillis": turn.end_ms,
            "Sentiment": turn.sentiment,
            "LoudnessScores": [
                round(rng.uniform(60, 85), 2) for _ in range(max(1, (turn.end_ms - turn.begin_ms) // 1000))
            ],
            "Items": items,
        }
        if index == 1:
            entry["IssuesDetected"] = [{"CharacterOffsets": {"Begin": 0, "End": len(turn.content)}}]
        transcript.append(entry)
    matched = sorted(categories)
    return {
        "JobName": job_name,
        "AccountId": "000000000000",
        "JobStatus": "COMPLETED",
        "LanguageCode": language,
        "Channel": "VOICE",
        "ContentMetadata": {"Output": "Raw"},
        "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
        "Transcript": transcript,
        "Categories": {
            "MatchedCategories": matched,
            "MatchedDetails": {
                c: {
                    "PointsOfInterest": []
                    if c == "compliance-greeting-missing"
                    else [{"BeginOffsetMillis": 0, "EndOffsetMillis": min(duration_ms, 15_000)}]
                }
                for c in matched
            },
        },
        "ConversationCharacteristics": characteristics,
    }
