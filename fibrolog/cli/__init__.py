"""The command line: the Typer app (`app.py`), commands loaded as they run (`lazy.py`), shared
options, and a module per family of commands. Only this package imports Typer; it may import
every other part of fibrolog, and none of them imports it. This file imports nothing.
"""
