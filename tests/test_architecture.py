"""The layers import only what docs/architecture.md allows them to."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# package -> the project packages (or modules) it may import, besides itself
ALLOWED: dict[str, set[str]] = {
    "common": set(),
    "ontology": {"common"},
    "matchers": {"common", "ontology.model"},
    "bulk": {"common", "matchers", "ontology.model"},
    "seed_data": {"common", "ontology"},
    "service": {"common", "ontology", "matchers", "bulk", "seed_data"},
}
# third-party libraries a package must never import
FORBIDDEN = {
    "common": {"neo4j", "starlette", "graphene", "graphql"},
    "ontology": {"starlette", "graphene", "graphql"},
    "matchers": {"neo4j", "starlette", "graphene", "graphql", "distributed", "dask"},
    "bulk": {"neo4j", "starlette", "graphene", "graphql"},
    "seed_data": {"starlette", "graphene", "graphql"},
}
# inside service/: a front door does not reach into another (the job domain and the shared top are free)
SERVICE_FORBIDDEN = {
    "service.jobs": {"service.graphql", "service.http", "service.cli", "service.web"},
    "service.registry": {"service.graphql", "service.http", "service.cli", "service.web"},
    "service.http": {"service.graphql", "service.cli", "service.web"},
    "service.graphql": {"service.cli", "service.web", "service.reconcile"},
    "service.reconcile": {"service.graphql", "service.cli", "service.web"},
    "service.web": {"service.cli"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _module(root: Path, path: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _violations(root: Path) -> list[str]:
    found = []
    for package, allowed in ALLOWED.items():
        for path in sorted((root / package).rglob("*.py")):
            module = _module(root, path)
            for name in _imports(path):
                top = name.split(".")[0]
                if top in ALLOWED and top != package and not any(_within(name, a) for a in allowed):
                    found.append(f"{module} imports {name}")
                if top in FORBIDDEN.get(package, set()):
                    found.append(f"{module} imports {name}")
                for door, banned in SERVICE_FORBIDDEN.items():
                    if _within(module, door) and any(_within(name, b) for b in banned):
                        found.append(f"{module} imports {name}")
    return found


def test_layers_import_only_what_they_may() -> None:
    assert _violations(ROOT) == []


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    (tmp_path / "matchers").mkdir()
    (tmp_path / "matchers" / "probe.py").write_text(
        "from ontology.store import Store\nimport neo4j\n", encoding="utf-8"
    )
    (tmp_path / "service" / "jobs").mkdir(parents=True)
    (tmp_path / "service" / "jobs" / "probe.py").write_text("from service.graphql import schema\n", encoding="utf-8")
    assert sorted(_violations(tmp_path)) == [
        "matchers.probe imports neo4j",
        "matchers.probe imports ontology.store",
        "service.jobs.probe imports service.graphql",
    ]


def test_the_architecture_page_names_every_package() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [p for p in [*ALLOWED, *SERVICE_FORBIDDEN] if f"`{p.replace('.', '/')}/`" not in page]
    assert missing == []
