"""`kakari ask` (filled in by the assistant work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the command to the root app."""
