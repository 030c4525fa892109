"""The docs keep up with the code: every command, GraphQL field and setting is documented."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from service.cli.main import build_parser
from service.graphql.schema import schema

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(subparsers.choices)


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if f"`cpms {c}" not in readme]
    assert not missing, f"README.md does not document: {missing}"


def test_every_root_graphql_field_is_in_the_api_docs() -> None:
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    graphql = schema.graphql_schema
    fields = [*graphql.query_type.fields, *graphql.mutation_type.fields]
    missing = [f for f in fields if f"`{f}" not in api]
    assert not missing, f"docs/api.md does not document: {missing}"


def test_every_environment_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set()
    for path in [*ROOT.glob("service/**/*.py"), *ROOT.glob("bulk/*.py"), *ROOT.glob("ontology/**/*.py")]:
        used |= set(re.findall(r'(?:\.get\(|env\[)"((?:CPMS|NEO4J)_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    missing = sorted(v for v in used if f"`{v}`" not in readme)
    assert not missing, f"README.md does not document: {missing}"
