"""What the diary becomes on paper: export and import (JSON, CSV, Markdown), the doctor's report.

May import analysis, models and the shared small pieces; never render or cli, and the store only
for its safe file writes. This file imports nothing.
"""
