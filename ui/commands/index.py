"""`kakari index ...` subcommands (filled in by the index work)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
