"""Plain one-line descriptions of entries, for commands that print without Rich (add, edit)."""

from datetime import datetime

from fibrolog.models import SCORES, Entry


def when(at: datetime) -> str:
    """'Mon 23 Nov 09:15'."""
    return at.strftime("%a %d %b %H:%M")


def headline(entry: Entry) -> str:
    """'#57 · Mon 23 Nov 09:15 · pain 6' — the entry's id, time and its first few values."""
    parts = [f"#{entry.id}", when(entry.at)]
    values = [
        f"{name.replace('_', ' ')} {getattr(entry, name)}"
        for name in SCORES
        if getattr(entry, name) is not None
    ]
    if entry.sleep_hours is not None:
        values.append(f"slept {entry.sleep_hours:g} h")
    if entry.flare:
        values.append("flare")
    if entry.regions:
        values.append(f"{len(entry.regions)} area{'s' * (len(entry.regions) != 1)}")
    if not values and entry.meds:
        values.append(", ".join(m.name for m in entry.meds))
    if not values and entry.note:
        values.append("note")
    return " · ".join(parts + values[:3])
