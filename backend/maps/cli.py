"""`gridwatch` subcommands of backend.maps (being built)."""

import typer

app = typer.Typer(no_args_is_help=True)
