"""Answering questions about the lake: verified queries first, then an optional LLM or the Bedrock agent.

Every answerer implements :class:`~lambdas.shared.answering.model.Answerer` and returns an
:class:`~lambdas.shared.answering.model.Answer` (text, SQL, rows, provenance) or a refusal with suggestions.
"""

from lambdas.shared.answering.model import Answer, Answerer, AnsweringError, VerifiedQueryRef, refusal

__all__ = ["Answer", "Answerer", "AnsweringError", "VerifiedQueryRef", "refusal"]
