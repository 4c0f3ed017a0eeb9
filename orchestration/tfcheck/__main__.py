"""``python -m orchestration.tfcheck [terraform] [--cache build/provider-schema]``: check the configuration
against the AWS provider schema at both ends of its version constraint; exit 1 on any finding."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .check import check, load_modules, provider_constraints
from .provider import ConstraintError, fetch, versions_to_check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.tfcheck", description=__doc__)
    parser.add_argument("root", nargs="?", default="terraform", type=Path, help="the root module's folder")
    parser.add_argument("--cache", default=Path("build/provider-schema"), type=Path, help="schema cache")
    args = parser.parse_args(argv)

    constraints = provider_constraints(load_modules(args.root))
    if len(constraints) != 1:
        print(f"every module must declare the same aws provider constraint; found {sorted(constraints)}")
        return 1
    constraint = constraints.pop()
    try:
        versions = versions_to_check(constraint)
    except ConstraintError as error:
        print(error)
        return 1
    schemas = [fetch(version, args.cache) for version in versions]
    findings = check(args.root, schemas)
    for finding in findings:
        print(finding)
    checked = " and ".join(versions)
    if findings:
        print(f"{len(findings)} problem(s) against aws provider {checked} (constraint {constraint!r})")
        return 1
    counted = sum(1 for _ in args.root.rglob("*.tf"))
    print(f"{counted} .tf files match aws provider {checked} (constraint {constraint!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
