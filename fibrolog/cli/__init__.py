"""The command line: the Typer app (`app.py`), shared options, and a module per family of
commands. Only this package imports Typer."""
