"""Answerers chained verified-first: the first answer wins; when every answerer refuses, the first refusal
(the verified answerer's, with its onboarding suggestions) is returned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from lambdas.shared.answering.model import Answer, Answerer, AnsweringError


@dataclass
class AnswerChain:
    answerers: Sequence[Answerer]
    name: str = "chain"

    def answer(self, question: str, *, session_id: str | None = None) -> Answer:
        if not self.answerers:
            raise AnsweringError("No answerer is configured.")
        refusals: list[Answer] = []
        failures: list[str] = []
        for answerer in self.answerers:
            try:
                answer = answerer.answer(question, session_id=session_id)
            except AnsweringError as error:
                failures.append(f"{answerer.name}: {error}")
                continue
            if not answer.refused:
                return answer
            refusals.append(answer)
        if not refusals:
            raise AnsweringError("Every answerer failed. " + " | ".join(failures))
        first = refusals[0]
        if failures:
            return replace(first, text=first.text + "\n(Also tried: " + "; ".join(failures) + ")")
        return first
