"""`kakari eval` (filled in by the evaluation work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the command to the root app."""
