"""QA evaluations of a call on the active version of its queue's form, shaped like Contact Lens evaluations.

Scores follow the forms: an option scores 0–10 (stored as a 0–100 percentage), a section's score is the
weighted mean of its scored questions, the evaluation's score the weighted mean of its sections, and an answer
that triggers an automatic fail sets the whole evaluation to 0. Better agents answer more questions well.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from orchestration.synthetic.calls import GeneratedCall, clip, iso, sigmoid, uuid_from
from orchestration.synthetic.contact_centre import Form, Option, Question

NOTES = [
    "Remember to confirm the customer's issue before troubleshooting.",
    "Good empathy; summarise next steps more clearly.",
    "Verify identity before discussing account details.",
    "Great call, use as a coaching example.",
]
AUTOMATION = "contact-lens-automation"


@dataclass
class GeneratedEvaluation:
    item: dict[str, Any]
    created_at: datetime
    submitted_at: datetime | None


def _answer(rng: random.Random, question: Question, call: GeneratedCall) -> tuple[Option | None, str, bool]:
    """(chosen option or None, answer text, not applicable)."""
    if question.question_type == "TEXT":
        return None, rng.choice(NOTES), False
    if question.not_applicable_enabled and rng.random() < 0.1:
        return None, "", True
    if question.question_type == "NUMERIC":  # answered from the call's metrics, as automation does
        count = call.agent_interruptions
        index = 0 if count == 0 else 1 if count <= 4 else 2
        return question.options[index], str(count), False
    p_yes = sigmoid(
        1.3 * call.agent.skill - 2.2 * question.difficulty + 2.2 + (0.6 if call.resolved else -0.3)
    )
    partly_share = 0.5
    if question.options[-1].automatic_fail:  # compliance questions are rarely failed outright
        p_yes = clip(p_yes + 0.15, 0, 0.995)
        partly_share = 0.8
    roll = rng.random()
    option = (
        question.options[0]
        if roll < p_yes
        else question.options[1]
        if roll < p_yes + (1 - p_yes) * partly_share
        else question.options[2]
    )
    return option, option.text, False


def generate_evaluation(
    rng: random.Random,
    call: GeneratedCall,
    form: Form,
    *,
    automated: bool,
    evaluator: str,
    started_at: datetime,
    draft: bool,
) -> GeneratedEvaluation:
    sections: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    automatic_fail = False
    weighted_total = 0.0
    weight_used = 0
    for section in form.sections:
        section_points = 0.0
        section_weight = 0
        for question in section.questions:
            option, text, not_applicable = _answer(rng, question, call)
            scored = option is not None and question.question_type != "TEXT"
            pct = option.score * 10 if scored and option is not None else None
            fails = bool(option is not None and option.automatic_fail)
            automatic_fail = automatic_fail or fails
            if pct is not None:
                section_points += question.weight * pct
                section_weight += question.weight
            entry: dict[str, Any] = {
                "question_ref_id": question.ref_id,
                "section_ref_id": section.ref_id,
                "question_type": question.question_type,
                "text": question.text,
                "weight": question.weight,
                "answer_value": text,
                "answer_ref_id": option.ref_id if option is not None else None,
                "score_percentage": pct,
                "not_applicable": not_applicable,
                "automatic_fail": fails,
            }
            if question.question_type != "TEXT" and rng.random() < 0.08:
                entry["notes"] = rng.choice(NOTES)
            questions.append(entry)
        section_score = round(section_points / section_weight, 2) if section_weight else None
        sections.append(
            {
                "section_ref_id": section.ref_id,
                "title": section.title,
                "weight": section.weight,
                "score_percentage": section_score,
            }
        )
        if section_score is not None:
            weighted_total += section.weight * section_score
            weight_used += section.weight
    percentage = 0.0 if automatic_fail else round(weighted_total / weight_used, 2) if weight_used else 0.0
    submitted_at = (
        None if draft else started_at + timedelta(minutes=rng.randint(4, 25) if not automated else 1)
    )
    item: dict[str, Any] = {
        "evaluation_id": uuid_from(rng),
        "call_id": call.item["call_id"],
        "agent_id": call.agent.agent_id,
        "evaluator": AUTOMATION if automated else evaluator,
        "evaluation_source": "AUTOMATED" if automated else "MANUAL",
        "form_id": form.form_id,
        "form_title": form.title,
        "form_version": form.version,
        "status": "DRAFT" if draft else "SUBMITTED",
        "started_at": iso(started_at),
        "score": {
            "percentage": percentage,
            "automatic_fail": automatic_fail,
            "not_applicable": weight_used == 0,
        },
        "sections": sections,
        "questions": questions,
        "updated_at": iso(submitted_at or started_at),
    }
    if submitted_at is not None:
        item["submitted_at"] = iso(submitted_at)
    return GeneratedEvaluation(item, started_at, submitted_at)
