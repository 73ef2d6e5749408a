"""Pure analysis: days, summary and flares, the treatment review, insights, self-assessments.

No I/O and no clock (`today` is an argument). May import models, regions, config, text and
errors; never store, formats, render or cli. This file imports nothing.
"""
