"""Terminal views: results → Rich tables and text. The only package that imports Rich.

Each view is a function of a result (and the window's width) that returns a renderable; the
command makes the console (`console.make_console`) and prints it. May import analysis results,
models and the small shared pieces; never the store, formats or cli. This file imports nothing.
"""
