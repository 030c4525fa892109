"""Settings come from the environment through one model: same parsing everywhere, clear errors."""

from __future__ import annotations

import pytest

from common.settings import InvalidSetting, load_settings, variables
from ontology.connection import Connection
from ontology.server.settings import ServerSettings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, _ in variables():
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_the_documented_ones() -> None:
    settings = load_settings()
    assert (settings.service.host, settings.service.port, settings.service.workers) == ("127.0.0.1", 8000, 1)
    assert settings.service.anonymous_read and not settings.service.access_log
    assert (settings.graphql.max_depth, settings.graphql.max_cost, settings.graphql.timeout_seconds) == (12, 50_000, 30)
    assert settings.jobs.max_upload_bytes == 1 << 30 and settings.jobs.job_retention_days == 7
    assert not Connection.from_settings(settings).external


@pytest.mark.parametrize("variable", ["CPMS_ANONYMOUS_READ", "CPMS_ACCESS_LOG", "CPMS_NEO4J_AUTH"])
@pytest.mark.parametrize(
    ("text", "value"), [("false", False), ("OFF", False), ("0", False), ("yes", True), ("1", True)]
)
def test_every_flag_reads_the_same_words(
    monkeypatch: pytest.MonkeyPatch, variable: str, text: str, value: bool
) -> None:
    monkeypatch.setenv(variable, text)
    settings = load_settings()
    flags = {
        "CPMS_ANONYMOUS_READ": settings.service.anonymous_read,
        "CPMS_ACCESS_LOG": settings.service.access_log,
        "CPMS_NEO4J_AUTH": settings.local_neo4j.auth,
    }
    assert flags[variable] is value


@pytest.mark.parametrize(
    ("variable", "text"),
    [
        ("CPMS_PORT", "eighty"),
        ("CPMS_ANONYMOUS_READ", "nope"),
        ("CPMS_NEO4J_BOLT_PORT", "70000"),
        ("CPMS_GRAPHQL_MAX_COST", "lots"),
        ("CPMS_JOB_WORKERS", "-1"),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, variable: str, text: str) -> None:
    monkeypatch.setenv(variable, text)
    with pytest.raises(InvalidSetting) as raised:
        load_settings()
    assert raised.value.code == "INVALID_SETTING"
    assert raised.value.details == {"variable": variable}
    assert f"{variable}={text!r}" in raised.value.message and f"环境变量 {variable}" in raised.value.message


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "")
    monkeypatch.setenv("CPMS_PORT", "")
    settings = load_settings()
    assert settings.service.port == 8000 and not Connection.from_settings(settings).external


def test_the_local_server_lives_under_cpms_home(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("CPMS_HOME", str(tmp_path))
    server = ServerSettings.from_settings()
    assert (server.home, server.cache_dir) == (tmp_path / "neo4j", tmp_path / "dist")
    monkeypatch.setenv("CPMS_NEO4J_HOME", str(tmp_path / "elsewhere"))
    assert ServerSettings.from_settings().home == tmp_path / "elsewhere"
