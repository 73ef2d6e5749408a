"""Plain one-line answers for commands that print without Rich (add, edit, delete, import)."""

from datetime import datetime

from fibrolog.models import SCORES, Entry


def when(at: datetime, this_year: int | None = None) -> str:
    """'Mon 23 Nov 09:15', with the year when it is not `this_year` (a mistyped year shows)."""
    if this_year is not None and at.year != this_year:
        return at.strftime("%a %d %b %Y %H:%M")
    return at.strftime("%a %d %b %H:%M")


# Terminal control characters (escape sequences, bell, backspace …) in user text would act on
# the terminal instead of printing; they are shown as "�".
_CONTROLS = {c: "\N{REPLACEMENT CHARACTER}" for c in (*range(0x20), *range(0x7F, 0xA0))}
_CONTROLS_BUT_LINES = {c: shown for c, shown in _CONTROLS.items() if chr(c) not in "\n\t"}


def printable(text: str, keep_lines: bool = False) -> str:
    """User text made safe to print: control characters become "�" (keep_lines: not \\n, \\t)."""
    if text.isprintable():
        return text
    return text.translate(_CONTROLS_BUT_LINES if keep_lines else _CONTROLS)


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 entry', '3 entries', '0 flare days'."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def headline(entry: Entry, this_year: int | None = None) -> str:
    """'#57 · Mon 23 Nov 09:15 · pain 6 · 2 areas · @stress · pregabalin 75mg · note': the
    entry's id and time, then every field it holds, briefly (the note is never shown)."""
    parts = [f"#{entry.id}", when(entry.at, this_year)]
    parts += [
        f"{name.replace('_', ' ')} {getattr(entry, name)}"
        for name in SCORES
        if getattr(entry, name) is not None
    ]
    if entry.sleep_hours is not None:
        parts.append(f"slept {entry.sleep_hours:g} h")
    if entry.flare:
        parts.append("flare")
    if entry.regions:
        parts.append(plural(len(entry.regions), "area"))
    if entry.tags:
        parts.append(" ".join("@" + tag for tag in entry.tags))
    if entry.meds:
        parts.append(printable("; ".join(str(med) for med in entry.meds)))
    parts += [f"{name} {score}" for name, score in entry.symptoms.items()]
    if entry.note:
        parts.append("note")
    return " · ".join(parts)
