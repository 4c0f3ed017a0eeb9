"""Answering configuration, read from the environment in one place.

- ``PCA_ANSWERERS``: chain order, comma-separated (``verified``, ``semantic``, ``llm``, ``bedrock-agent``);
  default ``verified``, ``semantic`` (metric queries compiled by dbt's semantic layer), then each answerer
  that is configured below.
- ``PCA_ANSWER_THRESHOLD``: the verified matcher's confidence threshold, 0–1 (default ``0.8``).
- ``PCA_TODAY``: the day relative dates are read against, ``YYYY-MM-DD`` (default: today, UTC).
- ``PCA_LLM_PROVIDER``: ``openai`` (any OpenAI-compatible endpoint, e.g. Ollama) or ``bedrock``
  (Converse); unset means no LLM.
- ``PCA_LLM_BASE_URL``: OpenAI-compatible base URL (default ``http://127.0.0.1:11434/v1``, Ollama).
- ``PCA_LLM_MODEL``: model name or Bedrock model id (required with a provider).
- ``PCA_LLM_API_KEY``: bearer token for the endpoint (optional).
- ``PCA_LLM_MAX_TURNS``: tool-calling turns before giving up (default ``8``).
- ``PCA_BEDROCK_AGENT_ID`` and ``PCA_BEDROCK_AGENT_ALIAS_ID``: the deployed agent and its alias; unset
  means no agent.
- ``AWS_REGION``: region for Bedrock (default: boto3's).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass

KNOWN_ANSWERERS = ("verified", "semantic", "llm", "bedrock-agent")


class ConfigurationError(ValueError):
    """A setting is missing or invalid; the message names the variable to fix."""


@dataclass(frozen=True)
class AnsweringConfig:
    answerers: tuple[str, ...] = ("verified", "semantic")
    threshold: float = 0.8
    today: dt.date | None = None
    llm_provider: str | None = None
    llm_base_url: str = "http://127.0.0.1:11434/v1"
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_max_turns: int = 8
    agent_id: str | None = None
    agent_alias_id: str | None = None
    region: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AnsweringConfig:
        env = os.environ if env is None else env
        provider = env.get("PCA_LLM_PROVIDER") or None
        if provider is not None and provider not in ("openai", "bedrock"):
            raise ConfigurationError(f"PCA_LLM_PROVIDER must be 'openai' or 'bedrock', not {provider!r}.")
        agent_id = env.get("PCA_BEDROCK_AGENT_ID") or None
        alias_id = env.get("PCA_BEDROCK_AGENT_ALIAS_ID") or None
        if env.get("PCA_ANSWERERS"):
            answerers = tuple(a.strip() for a in env["PCA_ANSWERERS"].split(",") if a.strip())
            unknown = [a for a in answerers if a not in KNOWN_ANSWERERS]
            if unknown:
                raise ConfigurationError(
                    f"PCA_ANSWERERS names unknown answerers {unknown}; use {', '.join(KNOWN_ANSWERERS)}."
                )
        else:
            answerers = (
                ("verified", "semantic")
                + (("llm",) if provider else ())
                + (("bedrock-agent",) if agent_id else ())
            )
        try:
            threshold = float(env.get("PCA_ANSWER_THRESHOLD", "0.8"))
            max_turns = int(env.get("PCA_LLM_MAX_TURNS", "8"))
            today = dt.date.fromisoformat(env["PCA_TODAY"]) if env.get("PCA_TODAY") else None
        except ValueError as error:
            raise ConfigurationError(f"Invalid answering setting: {error}") from error
        if not 0 < threshold <= 1:
            raise ConfigurationError("PCA_ANSWER_THRESHOLD must be in (0, 1].")
        return cls(
            answerers=answerers,
            threshold=threshold,
            today=today,
            llm_provider=provider,
            llm_base_url=env.get("PCA_LLM_BASE_URL") or cls.llm_base_url,
            llm_model=env.get("PCA_LLM_MODEL") or None,
            llm_api_key=env.get("PCA_LLM_API_KEY") or None,
            llm_max_turns=max_turns,
            agent_id=agent_id,
            agent_alias_id=alias_id,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
        )
