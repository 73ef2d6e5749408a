"""The diary folder (SPEC §1): the `Diary` front in `diary`, the safe file layer, recovery.

The only package that imports TinyDB. It may import models, regions, dates, config and errors;
nothing here imports analysis, formats, render or cli. This file imports nothing.
"""
