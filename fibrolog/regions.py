"""Body areas: the 19 ACR 2016 Widespread Pain Index areas, extras, aliases and the WPI rules."""

from collections.abc import Iterable

from fibrolog.errors import UsageProblem

# The five ACR 2016 regions and their areas, in the canonical order of SPEC §3.
ACR_REGIONS: dict[str, tuple[str, ...]] = {
    "left upper": ("jaw-left", "shoulder-left", "upper-arm-left", "lower-arm-left"),
    "right upper": ("jaw-right", "shoulder-right", "upper-arm-right", "lower-arm-right"),
    "left lower": ("hip-left", "upper-leg-left", "lower-leg-left"),
    "right lower": ("hip-right", "upper-leg-right", "lower-leg-right"),
    "axial": ("neck", "upper-back", "lower-back", "chest", "abdomen"),
}
WPI_AREAS: tuple[str, ...] = tuple(a for areas in ACR_REGIONS.values() for a in areas)
EXTRA_AREAS: tuple[str, ...] = ("head", "hand-left", "hand-right", "foot-left", "foot-right")
ALL_AREAS: tuple[str, ...] = WPI_AREAS + EXTRA_AREAS
_ORDER = {area: i for i, area in enumerate(ALL_AREAS)}

# ACR 2016: pain in jaw, chest or abdomen does not make a region count for generalized pain.
NOT_GENERALIZING = frozenset({"jaw-left", "jaw-right", "chest", "abdomen"})


def _both(*stems: str) -> tuple[str, ...]:
    return tuple(f"{stem}-{side}" for stem in stems for side in ("left", "right"))


GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "shoulders": _both("shoulder"),
    "jaw": _both("jaw"),
    "hips": _both("hip"),
    "upper-arms": _both("upper-arm"),
    "lower-arms": _both("lower-arm"),
    "arms": _both("upper-arm", "lower-arm"),
    "upper-legs": _both("upper-leg"),
    "lower-legs": _both("lower-leg"),
    "legs": _both("upper-leg", "lower-leg"),
    "hands": _both("hand"),
    "feet": _both("foot"),
    "back": ("upper-back", "lower-back"),
    "everywhere": WPI_AREAS,
}


def _normalise_word(word: str) -> str:
    word = "-".join(word.strip().lower().replace("_", " ").replace("-", " ").split())
    # "left-shoulder" and "left-upper-arm" are the same as "shoulder-left", "upper-arm-left".
    for side in ("left", "right"):
        if word.startswith(side + "-"):
            word = f"{word[len(side) + 1 :]}-{side}"
    return word


def parse_areas(values: Iterable[str]) -> tuple[str, ...]:
    """Turn user words (comma-separated, aliases, group words) into canonical areas.

    >>> parse_areas(["left-shoulder,neck", "hips"])
    ('shoulder-left', 'hip-left', 'hip-right', 'neck')
    """
    found: list[str] = []
    for value in values:
        for raw in value.split(","):
            if not raw.strip():
                continue
            word = _normalise_word(raw)
            if word in _ORDER:
                found.append(word)
            elif word in GROUP_WORDS:
                found.extend(GROUP_WORDS[word])
            else:
                raise UsageProblem(_unknown_area_message(raw.strip()))
    return canonical_areas(found)


def _unknown_area_message(word: str) -> str:
    import difflib

    choices = list(ALL_AREAS) + list(GROUP_WORDS)
    close = difflib.get_close_matches(_normalise_word(word), choices, n=1, cutoff=0.5)
    # The suggestion alone: all 37 names are ten lines at a prompt; --help lists them.
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return f"unknown body area '{word}'.{hint} `fibrolog add --help` lists them all."


def areas_help(width: int = 78) -> str:
    """Every area and group word, wrapped at `width` without breaking a name at its hyphen."""
    import textwrap

    text = f"Areas: {', '.join(ALL_AREAS)}. Groups: {', '.join(GROUP_WORDS)}."
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def canonical_areas(areas: Iterable[str]) -> tuple[str, ...]:
    """Known areas without duplicates, in canonical order; raises ValueError on an unknown one."""
    unique = set(areas)
    unknown = unique - _ORDER.keys()
    if unknown:
        raise ValueError(f"unknown body area {sorted(unknown)[0]!r}")
    return tuple(sorted(unique, key=_ORDER.__getitem__))


def wpi(areas: Iterable[str]) -> int:
    """Widespread Pain Index: how many of the 19 WPI areas are painful (0–19)."""
    return len(set(areas) & set(WPI_AREAS))


def generalized_regions(areas: Iterable[str]) -> int:
    """How many of the five ACR regions hold pain, ignoring jaw, chest and abdomen (0–5)."""
    painful = set(areas) - NOT_GENERALIZING
    return sum(1 for members in ACR_REGIONS.values() if painful & set(members))
