"""The alias follower moves `live` to a new version exactly when a prepared draft differs from what it serves.

Bedrock Agents has no moto backend, so a fake keeps an agent's draft, versions and aliases and behaves like
the service for the calls the function makes: updating an alias without a routing configuration snapshots the
draft as a new version.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lambdas.agent_promoter import handler

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


class FakeAgents:
    def __init__(self) -> None:
        self.clock = T0
        self.draft: dict[str, Any] = {
            "agentId": "AGENT1",
            "agentStatus": "PREPARED",
            "instruction": "Answer questions about calls.",
            "foundationModel": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "guardrailConfiguration": {"guardrailIdentifier": "g1", "guardrailVersion": "1"},
            "idleSessionTTLInSeconds": 900,
            "preparedAt": T0,
        }
        self.groups: dict[str, dict[str, dict[str, Any]]] = {
            "DRAFT": {
                "G1": {
                    "actionGroupId": "G1",
                    "actionGroupName": "AthenaQueryExecutor",
                    "actionGroupState": "ENABLED",
                    "actionGroupExecutor": {"lambda": "arn:executor"},
                    "functionSchema": {"functions": [{"name": "execute_sql_query"}]},
                }
            }
        }
        self.versions: dict[str, dict[str, Any]] = {}
        self.aliases: dict[str, dict[str, Any]] = {}
        self.updates = 0
        self.alias_id = self._create_alias("live")

    def tick(self, minutes: int = 1) -> None:
        self.clock += timedelta(minutes=minutes)

    def _snapshot(self) -> str:
        number = str(len(self.versions) + 1)
        version = {
            k: copy.deepcopy(v) for k, v in self.draft.items() if k not in {"agentStatus", "preparedAt"}
        }
        version.update(version=number, createdAt=self.clock, agentStatus="PREPARED")
        self.versions[number] = version
        self.groups[number] = copy.deepcopy(self.groups["DRAFT"])
        return number

    def _create_alias(self, name: str) -> str:
        alias_id = f"ALIAS{len(self.aliases) + 1}"
        self.aliases[alias_id] = {
            "agentAliasId": alias_id,
            "agentAliasName": name,
            "agentAliasStatus": "PREPARED",
            "description": "Callers' alias",
            "routingConfiguration": [{"agentVersion": self._snapshot()}],
        }
        return alias_id

    # Operator actions
    def edit_and_prepare(self, **changes: Any) -> None:
        self.tick()
        self.draft.update(changes)
        self.draft["preparedAt"] = self.clock

    # bedrock-agent API
    def get_agent(self, agentId: str) -> dict[str, Any]:
        return {"agent": copy.deepcopy(self.draft)}

    def get_agent_version(self, agentId: str, agentVersion: str) -> dict[str, Any]:
        return {"agentVersion": copy.deepcopy(self.versions[agentVersion])}

    def list_agent_aliases(self, agentId: str, **_: Any) -> dict[str, Any]:
        return {"agentAliasSummaries": [copy.deepcopy(a) for a in self.aliases.values()]}

    def get_agent_alias(self, agentId: str, agentAliasId: str) -> dict[str, Any]:
        return {"agentAlias": copy.deepcopy(self.aliases[agentAliasId])}

    def list_agent_action_groups(self, agentId: str, agentVersion: str, **_: Any) -> dict[str, Any]:
        return {"actionGroupSummaries": [{"actionGroupId": g} for g in self.groups[agentVersion]]}

    def get_agent_action_group(self, agentId: str, agentVersion: str, actionGroupId: str) -> dict[str, Any]:
        return {"agentActionGroup": copy.deepcopy(self.groups[agentVersion][actionGroupId])}

    def update_agent_alias(self, **kwargs: Any) -> dict[str, Any]:
        assert "routingConfiguration" not in kwargs, "without routing, Bedrock snapshots the draft"
        self.tick()
        self.updates += 1
        alias = self.aliases[kwargs["agentAliasId"]]
        alias["routingConfiguration"] = [{"agentVersion": self._snapshot()}]
        alias["description"] = kwargs.get("description")
        return {"agentAlias": copy.deepcopy(alias)}

    def served(self) -> dict[str, Any]:
        version = self.aliases[self.alias_id]["routingConfiguration"][0]["agentVersion"]
        return self.versions[version]


def test_a_new_instruction_prepared_outside_the_alias_reaches_live() -> None:
    agents = FakeAgents()
    agents.edit_and_prepare(instruction="Answer questions about calls and scorecards.")
    assert agents.served()["instruction"] == "Answer questions about calls."

    outcome = handler.promote(agents, "AGENT1")

    assert outcome.status == "promoted"
    assert agents.served()["instruction"] == "Answer questions about calls and scorecards."
    assert list(agents.aliases) == [agents.alias_id], "the alias id callers use stays the same"
    assert outcome.version == "2"


def test_nothing_changes_when_live_already_serves_the_draft() -> None:
    agents = FakeAgents()
    assert handler.promote(agents, "AGENT1").status == "current"
    agents.edit_and_prepare()  # prepared again (the runbook's prepare-agent after an apply that prepared it)
    assert handler.promote(agents, "AGENT1").status == "current"
    assert agents.updates == 0


@pytest.mark.parametrize(
    "change",
    [
        {"foundationModel": "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"},
        {"guardrailConfiguration": {"guardrailIdentifier": "g1", "guardrailVersion": "2"}},
        {"idleSessionTTLInSeconds": 600},
    ],
)
def test_model_guardrail_and_session_changes_are_promoted(change: dict[str, Any]) -> None:
    agents = FakeAgents()
    agents.edit_and_prepare(**change)
    assert handler.promote(agents, "AGENT1").status == "promoted"
    assert all(agents.served()[k] == v for k, v in change.items())


def test_an_action_group_change_is_promoted() -> None:
    agents = FakeAgents()
    agents.groups["DRAFT"]["G1"]["functionSchema"] = {
        "functions": [{"name": "execute_sql_query"}, {"name": "x"}]
    }
    agents.edit_and_prepare()
    assert handler.promote(agents, "AGENT1").status == "promoted"
    assert agents.groups[agents.served()["version"]]["G1"]["functionSchema"]["functions"][1]["name"] == "x"


def test_at_most_one_new_version_per_preparation() -> None:
    agents = FakeAgents()
    agents.edit_and_prepare(instruction="new")
    assert handler.promote(agents, "AGENT1").status == "promoted"
    for _ in range(5):
        agents.tick()
        assert handler.promote(agents, "AGENT1").status == "current"
    assert agents.updates == 1 and len(agents.versions) == 2


@pytest.mark.parametrize("status", ["PREPARING", "NOT_PREPARED", "FAILED", "UPDATING"])
def test_a_draft_that_is_not_prepared_waits(status: str) -> None:
    agents = FakeAgents()
    agents.edit_and_prepare(instruction="half-way")
    agents.draft["agentStatus"] = status
    assert handler.promote(agents, "AGENT1").status == "waiting"
    assert agents.updates == 0


def test_an_alias_being_updated_waits_and_a_missing_alias_is_reported() -> None:
    agents = FakeAgents()
    agents.edit_and_prepare(instruction="new")
    agents.aliases[agents.alias_id]["agentAliasStatus"] = "UPDATING"
    assert handler.promote(agents, "AGENT1").status == "waiting"
    assert handler.promote(agents, "AGENT1", alias_name="canary").status == "no-alias"
    assert agents.updates == 0


def test_handler_reads_the_agent_from_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    agents = FakeAgents()
    agents.edit_and_prepare(instruction="new")
    monkeypatch.setenv("PCA_AGENT_ID", "AGENT1")
    monkeypatch.setenv("PCA_AGENT_ALIAS_NAME", "live")
    import boto3

    monkeypatch.setattr(boto3, "client", lambda service, **_: agents if service == "bedrock-agent" else None)
    assert handler.lambda_handler({}, None)["status"] == "promoted"
