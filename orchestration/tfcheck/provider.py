"""Which AWS provider versions a constraint allows, and their schemas (fetched once with npm, then cached).

``@cdktf/provider-aws`` publishes one package per provider version it was generated from; ``PACKAGES`` pins the
ones this project checks against. The check runs against the lowest version the constraint allows (which must
be pinned here) and the newest pinned version the constraint allows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .schema import ProviderSchema, extract_tarball

NPM_PACKAGE = "@cdktf/provider-aws"
# AWS provider version → the @cdktf/provider-aws release generated from it. 21.22.1 is the newest release.
PACKAGES = {
    "5.90.0": "19.56.0",
    "6.25.0": "21.22.1",
}

Version = tuple[int, int, int]
_CLAUSE = re.compile(r"^\s*(~>|>=|<=|!=|>|<|=)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$")


class ConstraintError(ValueError):
    """A version constraint this check cannot use."""


def parse_version(text: str) -> Version:
    parts = [int(p) for p in text.split(".")]
    while len(parts) < 3:
        parts.append(0)
    return (parts[0], parts[1], parts[2])


def _show(version: Version) -> str:
    return ".".join(str(p) for p in version)


def _clauses(constraint: str) -> list[tuple[str, Version, int]]:
    """(operator, version, number of parts written) per comma-separated clause."""
    out = []
    for clause in constraint.split(","):
        match = _CLAUSE.match(clause)
        if match is None:
            raise ConstraintError(f"cannot read version constraint {constraint!r}")
        operator = match.group(1) or "="
        written = [p for p in match.groups()[1:] if p is not None]
        out.append((operator, parse_version(".".join(written)), len(written)))
    return out


def allows(constraint: str, version: Version) -> bool:
    for operator, bound, written in _clauses(constraint):
        if operator == "~>":
            # ~> 6.25 allows 6.25 up to (not including) 7.0; ~> 6.25.1 allows 6.25.1 up to 6.26.0.
            upper = (bound[0] + 1, 0, 0) if written <= 2 else (bound[0], bound[1] + 1, 0)
            ok = bound <= version < upper
        else:
            ok = {
                "=": version == bound,
                "!=": version != bound,
                ">": version > bound,
                ">=": version >= bound,
                "<": version < bound,
                "<=": version <= bound,
            }[operator]
        if not ok:
            return False
    return True


def lowest_allowed(constraint: str) -> Version:
    lower = [bound for operator, bound, _ in _clauses(constraint) if operator in {"~>", ">=", "="}]
    if not lower:
        raise ConstraintError(
            f"{constraint!r} has no lower bound: every provider version back to 0.1 would be allowed"
        )
    version = max(lower)
    if not allows(constraint, version):
        raise ConstraintError(f"{constraint!r} allows no version")
    return version


def versions_to_check(constraint: str) -> list[str]:
    """The lowest version the constraint allows and the newest pinned one it allows (one entry if they agree).

    Raises ConstraintError when the lowest allowed version has no pinned package: the check would otherwise
    pass against a schema the constraint does not start at.
    """
    lowest = lowest_allowed(constraint)
    if _show(lowest) not in PACKAGES:
        raise ConstraintError(
            f"the lowest version {constraint!r} allows is {_show(lowest)}, which has no pinned {NPM_PACKAGE} "
            f"(pinned: {', '.join(PACKAGES)}); raise the lower bound to a pinned version or pin its package"
        )
    allowed = sorted(parse_version(v) for v in PACKAGES if allows(constraint, parse_version(v)))
    return sorted({_show(lowest), _show(allowed[-1])}, key=parse_version)


def schema_path(cache: Path, version: str) -> Path:
    return cache / f"aws-{version}-cdktf-{PACKAGES[version]}.json"


def fetch(version: str, cache: Path, npm: str = "npm") -> ProviderSchema:
    """The schema of one pinned provider version: from the cache, else downloaded with ``npm pack``."""
    path = schema_path(cache, version)
    if path.is_file():
        return ProviderSchema.load(path)
    if shutil.which(npm) is None:
        raise RuntimeError(f"{npm} is not installed: it fetches {NPM_PACKAGE}@{PACKAGES[version]} once")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        subprocess.run(  # noqa: S603 - npm with a pinned package name, no shell
            [npm, "pack", "--silent", f"{NPM_PACKAGE}@{PACKAGES[version]}", "--pack-destination", scratch],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"},
        )
        tarballs = list(Path(scratch).glob("*.tgz"))
        if len(tarballs) != 1:
            raise RuntimeError(f"npm pack {NPM_PACKAGE}@{PACKAGES[version]} produced {tarballs}")
        schema = extract_tarball(tarballs[0])
    if schema.version != version:
        raise RuntimeError(f"{NPM_PACKAGE}@{PACKAGES[version]} is provider {schema.version}, not {version}")
    schema.save(path)
    return schema
