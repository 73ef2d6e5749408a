"""Settings (SPEC §6): a small TOML file, read with tomllib and written with tomli-w."""

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct
from msgspec.structs import force_setattr

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


# A whole number stays whole (`threshold = 6`, as typed); a score may also be 6.5.
Score = Annotated[int, Meta(ge=0, le=10)] | Annotated[float, Meta(ge=0, le=10)]
Prompt = Annotated[str, Meta(pattern=f"^(?:{'|'.join(PROMPT_FIELDS)})$")]
PRESET_NAME = "^[a-z0-9][a-z0-9-]*$"
PresetName = Annotated[str, Meta(pattern=PRESET_NAME)]


class FlareSettings(Struct, frozen=True, forbid_unknown_fields=True):
    threshold: Score = 7
    delta: Annotated[int, Meta(gt=0, le=10)] | Annotated[float, Meta(gt=0, le=10)] = 2
    baseline_days: Annotated[int, Meta(ge=7, le=365)] = 28


class Settings(Struct, frozen=True, forbid_unknown_fields=True):
    """The settings, each with its rule: msgspec checks them as the file is read."""

    week_start: Literal["monday", "sunday"] = "monday"
    flare: FlareSettings = FlareSettings()
    prompts: Annotated[tuple[Prompt, ...], Meta(min_length=1)] = DEFAULT_PROMPTS
    preset: dict[PresetName, str] = {}  # name → the options of `fibrolog again NAME`

    def __post_init__(self) -> None:
        force_setattr(self, "prompts", tuple(dict.fromkeys(self.prompts)))  # each asked once


# Each setting in the user's words: what its rule asks (msgspec's own message names types).
RULES = {
    "week_start": "must be 'monday' or 'sunday'",
    "flare.threshold": "must be a number from 0 to 10",
    "flare.delta": "must be a number above 0 and at most 10",
    "flare.baseline_days": "must be a whole number of days from 7 to 365",
    "prompts": f"must be a list of at least one of {', '.join(PROMPT_FIELDS)} "
    f"(e.g. {','.join(DEFAULT_PROMPTS[:3])})",
}
KEYS = tuple(RULES)
PRESET = "preset."  # `preset.NAME` keys: one per preset


def _check_preset(text: str) -> None:
    """A preset: the options `again` takes, as one would type them ('-m "pregabalin 75mg"
    -t rest'); they are checked as options when the preset is used."""
    import shlex

    try:
        words = shlex.split(text)
    except ValueError as error:
        raise ValueError(f"cannot be read as options ({error})") from None
    if words and not words[0].startswith("-"):
        raise ValueError(f"must start with an option such as -t or -m, not '{words[0]}'")


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    """{'flare.delta': 2} → {'flare': {'delta': 2}}: the shape of the TOML file."""
    nested: dict[str, Any] = {}
    for name, item in flat.items():
        *parents, leaf = name.split(".")
        target = nested
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = item
    return nested


def _checked(flat: dict[str, Any]) -> Settings:
    """Settings from {key: value}, each checked by its declared rule; ValueError naming the
    first key that breaks its rule, with the rule in words."""
    if isinstance(flat.get("week_start"), str):  # 'Sunday' is meant as sunday
        flat = {**flat, "week_start": flat["week_start"].strip().lower()}
    try:
        settings = msgspec.convert(_nested(flat), Settings)
    except msgspec.ValidationError as error:
        # msgspec names where: "… - at `$.flare.threshold`", "… - at `key` in `$.preset`"
        where = str(error).rpartition("`$.")[2].rstrip("`")
        key = next((k for k in flat if where.startswith(k)), where.split("[")[0])
        if key == "prompts" and isinstance(flat[key], list | tuple):
            if not flat[key]:  # `add` would then ask nothing and log nothing
                example = ",".join(DEFAULT_PROMPTS[:3])
                raise _Broken(key, f"needs at least one question, e.g. {example}") from None
            unknown = [v for v in flat[key] if v not in PROMPT_FIELDS]
            if unknown:
                raise _Broken(key, f"'{unknown[0]}' is not a prompt; {RULES[key]}") from None
        if key == "preset":
            import re

            key = next(k for k in flat if not re.match(PRESET_NAME, k.removeprefix(PRESET)))
            raise _Broken(key, "needs a name of lowercase letters, digits and '-'") from None
        raise _Broken(key, RULES[key]) from None
    for name, text in settings.preset.items():
        try:
            _check_preset(text)
        except ValueError as error:
            raise _Broken(PRESET + name, str(error)) from None
    return settings


class _Broken(ValueError):
    def __init__(self, key: str, rule: str) -> None:
        super().__init__(f"'{key}' {rule}")
        self.key = key
        self.rule = rule


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
    for key in flat:
        known_key = key in RULES or _preset_name(key)
        if not known_key:
            raise FibrologError(f"config file {path}: unknown key '{key}'")
    try:
        _checked(flat)
    except _Broken as error:
        raise FibrologError(f"config file {path}: {error}") from None
    return flat


def _preset_name(key: str) -> bool:
    """Whether `key` names a preset (`preset.NAME`)."""
    return key.startswith(PRESET) and bool(key.removeprefix(PRESET))


def load(path: Path | None = None) -> Settings:
    return _checked(_read_flat(path or config_path()))


def as_flat(settings: Settings) -> dict[str, Any]:
    return {
        "week_start": settings.week_start,
        "flare.threshold": settings.flare.threshold,
        "flare.delta": settings.flare.delta,
        "flare.baseline_days": settings.flare.baseline_days,
        "prompts": list(settings.prompts),
        **{PRESET + name: text for name, text in settings.preset.items()},
    }


def known(key: str) -> str:
    """`key` if it is a setting; else UsageProblem naming the closest one and all of them."""
    if key not in RULES and not _preset_name(key):
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
    if key.startswith(PRESET) and not str(raw).strip():
        return ""  # `config set preset.NAME ''` removes it
    try:
        checked = _checked({key: raw})
    except _Broken as error:
        raise UsageProblem(f"config key {error}") from None
    return as_flat(checked)[key]


def set_value(key: str, text: str, path: Path | None = None) -> Any:
    """Check and store one setting; the file is replaced atomically."""
    import tomli_w

    from fibrolog.store.safefile import atomic_write

    path = path or config_path()
    value = parse_value(key, text)
    flat = _read_flat(path)
    flat[key] = value
    if key.startswith(PRESET) and not value:
        del flat[key]  # `config set preset.NAME ''` removes it
    atomic_write(path, tomli_w.dumps(_nested(flat)).encode())
    return value
