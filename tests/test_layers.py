"""Imports run one way: corpus → retrieval → assistant → (ui, evals); only entry points read the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Which top-level packages each layer may import from the project.
ALLOWED = {
    "corpus": {"corpus"},
    "retrieval": {"corpus", "retrieval"},
    "assistant": {"corpus", "retrieval", "assistant"},
    "evals": {"corpus", "assistant", "evals"},
    "ui": {"corpus", "retrieval", "assistant", "evals", "ui"},
}
PROJECT = set(ALLOWED)
# The places allowed to read os.environ: the CLI entry point and the server start-up.
ENV_READERS = {"ui/cli.py", "ui/commands/serve.py"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & PROJECT


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_run_one_way(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_packages(path) - ALLOWED[package])
        for path in _modules(package)
        if _imported_packages(path) - ALLOWED[package]
    }
    assert offenders == {}


@pytest.mark.parametrize("package", ["corpus", "retrieval", "assistant", "evals"])
def test_layers_below_the_entry_points_never_read_the_environment(package: str) -> None:
    readers = [
        str(path.relative_to(ROOT))
        for path in _modules(package)
        if "os.environ" in path.read_text(encoding="utf-8") or "getenv(" in path.read_text(encoding="utf-8")
    ]
    assert [r for r in readers if r not in ENV_READERS] == []


def test_no_pickle_anywhere_in_the_product() -> None:
    users = [
        str(path.relative_to(ROOT))
        for package in ALLOWED
        for path in _modules(package)
        if "import pickle" in path.read_text(encoding="utf-8")
    ]
    assert users == []
