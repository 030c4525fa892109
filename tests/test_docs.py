"""The docs keep up with the code: every command, GraphQL field and setting is documented."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from common.settings import variables
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


def _configuration_table() -> set[str]:
    """The variables the README's configuration table names (first column of each row)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row)}


def test_the_readme_configuration_table_lists_exactly_the_settings() -> None:
    settings = {name for name, _ in variables()}
    documented = _configuration_table()
    assert not settings - documented, f"README.md does not document: {sorted(settings - documented)}"
    assert not documented - settings, f"README.md documents settings that do not exist: {sorted(documented - settings)}"


def test_every_setting_has_a_description() -> None:
    missing = [name for name, field in variables() if not field.description]
    assert not missing, f"settings without a description: {missing}"
