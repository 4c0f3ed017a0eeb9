"""Keep the agent alias ``live`` on the agent's latest prepared draft.

Bedrock makes an agent version only when an alias is created or updated, and an alias keeps serving its version
until then. Preparing the draft — ``terraform apply -target=module.bedrock_agent.aws_bedrockagent_agent.main``
(the provider prepares it) or ``aws bedrock-agent prepare-agent`` — therefore changes nothing for callers by
itself. This function runs on a schedule (every minute): when the prepared draft differs from the version
``live`` serves (instruction, model, guardrail, session settings, action groups), it updates the alias without a
routing configuration, which makes Bedrock snapshot the draft as a new version and point the alias at it. The
alias id stays the same, so callers need no change. A draft that is not prepared, or an alias that is being
updated, is left for the next run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

AGENT_FIELDS = ("instruction", "foundationModel", "guardrailConfiguration", "idleSessionTTLInSeconds")
ACTION_GROUP_FIELDS = (
    "actionGroupExecutor",
    "actionGroupState",
    "apiSchema",
    "functionSchema",
    "description",
    "parentActionSignature",
)
BUSY = {"CREATING", "UPDATING", "VERSIONING", "PREPARING", "DELETING"}


class AgentsClient(Protocol):
    """The Bedrock Agents calls this function makes (boto3's ``bedrock-agent`` client)."""

    def get_agent(self, **kwargs: Any) -> Any: ...
    def get_agent_version(self, **kwargs: Any) -> Any: ...
    def list_agent_aliases(self, **kwargs: Any) -> Any: ...
    def get_agent_alias(self, **kwargs: Any) -> Any: ...
    def list_agent_action_groups(self, **kwargs: Any) -> Any: ...
    def get_agent_action_group(self, **kwargs: Any) -> Any: ...
    def update_agent_alias(self, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Outcome:
    status: str  # promoted, current, waiting, no-alias
    detail: str
    version: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "detail": self.detail, "version": self.version}


def _pages(call: Any, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    token: str | None = None
    while True:
        response = call(**kwargs, **({"nextToken": token} if token else {}))
        yield from response.get(key, [])
        token = response.get("nextToken")
        if not token:
            return


def _action_groups(client: AgentsClient, agent_id: str, version: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for summary in _pages(
        client.list_agent_action_groups, "actionGroupSummaries", agentId=agent_id, agentVersion=version
    ):
        group = client.get_agent_action_group(
            agentId=agent_id, agentVersion=version, actionGroupId=summary["actionGroupId"]
        )["agentActionGroup"]
        groups[str(group["actionGroupName"])] = {k: group.get(k) for k in ACTION_GROUP_FIELDS}
    return groups


def fingerprint(client: AgentsClient, agent_id: str, version: str, agent: dict[str, Any]) -> str:
    """What the agent does at one version (``DRAFT`` or a number), independent of timestamps and ids."""
    document = {
        "agent": {k: agent.get(k) for k in AGENT_FIELDS},
        "action_groups": _action_groups(client, agent_id, version),
    }
    return json.dumps(document, sort_keys=True, default=str)


def promote(client: AgentsClient, agent_id: str, alias_name: str = "live") -> Outcome:
    draft = client.get_agent(agentId=agent_id)["agent"]
    if draft.get("agentStatus") != "PREPARED":
        return Outcome("waiting", f"the draft is {draft.get('agentStatus')}, not PREPARED; next run")
    alias_summary = next(
        (
            a
            for a in _pages(client.list_agent_aliases, "agentAliasSummaries", agentId=agent_id)
            if a.get("agentAliasName") == alias_name
        ),
        None,
    )
    if alias_summary is None:
        return Outcome("no-alias", f"agent {agent_id} has no alias {alias_name}")
    alias = client.get_agent_alias(agentId=agent_id, agentAliasId=alias_summary["agentAliasId"])["agentAlias"]
    if alias.get("agentAliasStatus") in BUSY:
        return Outcome("waiting", f"alias {alias_name} is {alias['agentAliasStatus']}; next run")
    routing = alias.get("routingConfiguration") or []
    served = str(routing[0]["agentVersion"]) if routing else None
    if served is not None and served != "DRAFT":
        version = client.get_agent_version(agentId=agent_id, agentVersion=served)["agentVersion"]
        prepared, created = draft.get("preparedAt"), version.get("createdAt")
        if prepared is not None and created is not None and prepared <= created:
            # Nothing was prepared since this version was made: at most one new version per preparation.
            return Outcome(
                "current", f"alias {alias_name} serves version {served}, made after the draft", served
            )
        if fingerprint(client, agent_id, served, version) == fingerprint(client, agent_id, "DRAFT", draft):
            return Outcome(
                "current", f"alias {alias_name} serves version {served}, same as the draft", served
            )
    updated = client.update_agent_alias(
        agentId=agent_id,
        agentAliasId=alias["agentAliasId"],
        agentAliasName=alias_name,
        **({"description": alias["description"]} if alias.get("description") else {}),
    )["agentAlias"]
    new_routing = updated.get("routingConfiguration") or []
    new_version = str(new_routing[0]["agentVersion"]) if new_routing else None
    return Outcome(
        "promoted",
        f"alias {alias_name} moved from version {served} to a new version of the prepared draft",
        new_version,
    )


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    import boto3

    agent_id = str(event.get("agent_id") or os.environ["PCA_AGENT_ID"])
    alias_name = str(event.get("alias_name") or os.environ.get("PCA_AGENT_ALIAS_NAME", "live"))
    outcome = promote(boto3.client("bedrock-agent"), agent_id, alias_name)
    print(json.dumps(outcome.as_dict()))
    return outcome.as_dict()
