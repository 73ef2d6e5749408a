"""Settings (SPEC §6): a small TOML file, read with tomllib and written with tomli-w."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from msgspec import Struct

from fibrolog.errors import FibrologError, UsageProblem
from fibrolog.models import DAILY_SCORES

# The questions `add` can ask: one per declared score (sleep quality with the hours slept,
# as "sleep"), then the rest of an entry.
PROMPT_FIELDS = (
    *dict.fromkeys(score.asked_with for score in DAILY_SCORES),
    "where",
    "tags",
    "meds",
    "symptoms",
    "flare",
    "note",
)
# Exertion is asked only when chosen: every default question is one more for every entry.
DEFAULT_PROMPTS = ("pain", "fatigue", "fog", "sleep", "where", "tags", "meds", "note")


class FlareSettings(Struct, frozen=True):
    threshold: float = 7
    delta: float = 2
    baseline_days: int = 28


class Settings(Struct, frozen=True):
    week_start: str = "monday"
    flare: FlareSettings = FlareSettings()
    prompts: tuple[str, ...] = DEFAULT_PROMPTS
    presets: dict[str, str] = {}  # name → the options of `fibrolog again NAME`


def _week_start(value: Any) -> str:
    day = value.strip().lower() if isinstance(value, str) else value
    if day not in ("monday", "sunday"):
        raise ValueError("must be 'monday' or 'sunday'")
    return str(day)


def _score_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
        raise ValueError("must be a number from 0 to 10")
    return value


def _delta(value: Any) -> float:
    if _score_number(value) <= 0:
        raise ValueError("must be a number above 0 and at most 10")
    return value  # type: ignore[no-any-return]


def _baseline_days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 7 <= value <= 365:
        raise ValueError("must be a whole number of days from 7 to 365")
    return value


def _prompts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be a list drawn from {', '.join(PROMPT_FIELDS)}")
    if not value:  # `add` would then ask nothing and log nothing
        raise ValueError(f"needs at least one question, e.g. {','.join(DEFAULT_PROMPTS[:3])}")
    unknown = [v for v in value if v not in PROMPT_FIELDS]
    if unknown:
        raise ValueError(f"'{unknown[0]}' is not a prompt; choose from {', '.join(PROMPT_FIELDS)}")
    return tuple(dict.fromkeys(value))


def _preset(value: Any) -> str:
    """A preset: the options `again` takes, as one would type them ('-m "pregabalin 75mg"
    -t rest'); they are checked as options when the preset is used."""
    import shlex

    if not isinstance(value, str):
        raise ValueError('must be the options of `fibrolog again`, e.g. "-t rest -w neck"')
    try:
        words = shlex.split(value)
    except ValueError as error:
        raise ValueError(f"cannot be read as options ({error})") from None
    if words and not words[0].startswith("-"):
        raise ValueError(f"must start with an option such as -t or -m, not '{words[0]}'")
    return value


PRESET = "preset."  # `preset.NAME` keys: one per preset


def validator(key: str) -> Callable[[Any], Any] | None:
    """The check of a setting's value; None if `key` is no setting."""
    if key.startswith(PRESET):
        name = key.removeprefix(PRESET)
        return _preset if name and name.replace("-", "").isalnum() and name.islower() else None
    return KEYS.get(key)


# key → (validator, how to read it from `config set` text)
KEYS: dict[str, Callable[[Any], Any]] = {
    "week_start": _week_start,
    "flare.threshold": _score_number,
    "flare.delta": _delta,
    "flare.baseline_days": _baseline_days,
    "prompts": _prompts,
}


def config_path() -> Path:
    configured = os.environ.get("FIBROLOG_CONFIG")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("fibrolog")) / "config.toml"


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _read_flat(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    import tomllib  # only when there is a settings file: summary and flares start faster

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FibrologError(f"config file {path} is not valid TOML: {error}") from None
    flat = _flatten(data)
    for key, value in flat.items():
        check = validator(key)
        if check is None:
            raise FibrologError(f"config file {path}: unknown key '{key}'")
        try:
            flat[key] = check(value)
        except ValueError as error:
            raise FibrologError(f"config file {path}: '{key}' {error}") from None
    return flat


def _settings(flat: dict[str, Any]) -> Settings:
    defaults = Settings()
    return Settings(
        week_start=flat.get("week_start", defaults.week_start),
        flare=FlareSettings(
            threshold=flat.get("flare.threshold", defaults.flare.threshold),
            delta=flat.get("flare.delta", defaults.flare.delta),
            baseline_days=flat.get("flare.baseline_days", defaults.flare.baseline_days),
        ),
        prompts=flat.get("prompts", defaults.prompts),
        presets={k.removeprefix(PRESET): v for k, v in flat.items() if k.startswith(PRESET)},
    )


def load(path: Path | None = None) -> Settings:
    return _settings(_read_flat(path or config_path()))


def as_flat(settings: Settings) -> dict[str, Any]:
    return {
        "week_start": settings.week_start,
        "flare.threshold": settings.flare.threshold,
        "flare.delta": settings.flare.delta,
        "flare.baseline_days": settings.flare.baseline_days,
        "prompts": list(settings.prompts),
        **{PRESET + name: text for name, text in settings.presets.items()},
    }


def known(key: str) -> str:
    """`key` if it is a setting; else UsageProblem naming the closest one and all of them."""
    if validator(key) is None:
        import difflib

        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageProblem(
            f"unknown config key '{key}'.{hint} Keys: {', '.join(KEYS)}, {PRESET}NAME"
        )
    return key


def get(key: str, path: Path | None = None) -> Any:
    return as_flat(load(path))[known(key)]


def parse_value(key: str, text: str) -> Any:
    """Text from `config set KEY VALUE` → a checked value ('7', '6.5', 'a,b' or TOML)."""
    known(key)
    import tomllib

    raw: Any = text
    try:
        if not key.startswith(PRESET):  # a preset is taken as typed
            raw = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        if key == "prompts":
            raw = [part.strip() for part in text.split(",") if part.strip()]
    check = validator(key)
    assert check is not None  # known(key) said so
    try:
        return check(raw)
    except ValueError as error:
        raise UsageProblem(f"config key '{key}' {error}") from None


def set_value(key: str, text: str, path: Path | None = None) -> Any:
    """Check and store one setting; the file is replaced atomically."""
    import tomli_w

    from fibrolog.store.safefile import atomic_write

    path = path or config_path()
    value = parse_value(key, text)
    flat = _read_flat(path)
    flat[key] = list(value) if isinstance(value, tuple) else value
    if key.startswith(PRESET) and not value.strip():
        del flat[key]  # `config set preset.NAME ''` removes it
    nested: dict[str, Any] = {}
    for name, item in flat.items():
        *parents, leaf = name.split(".")
        target = nested
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = item
    atomic_write(path, tomli_w.dumps(nested).encode())
    return value
