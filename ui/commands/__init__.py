"""``kakari`` subcommands, one module per area."""
