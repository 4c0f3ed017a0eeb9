"""Stands in for dbt's ``adapter`` when sqlfluff renders the models with its jinja templater.

``adapter.dispatch('name', 'post_call_analytics')`` resolves to the project's ``athena__name`` macro (or
``default__name``), so the SQL that is linted is the SQL Athena runs.
"""

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


@pass_context
def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Any:
    for candidate in (f"athena__{macro_name}", f"default__{macro_name}"):
        macro = context.get(candidate)
        if macro is not None:
            return macro
    raise KeyError(f"no athena__ or default__ implementation of macro {macro_name!r}")
