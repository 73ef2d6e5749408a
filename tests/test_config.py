from pathlib import Path

import pytest

from fibrolog import config
from fibrolog.errors import FibrologError, UsageProblem

from .conftest import Run, lines


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = config.load(tmp_path / "none.toml")
    assert settings.week_start == "monday"
    assert (settings.flare.threshold, settings.flare.delta, settings.flare.baseline_days) == (
        7,
        2,
        28,
    )
    assert settings.prompts[0] == "pain"


def test_set_checks_values_and_writes_toml(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    config.set_value("flare.threshold", "6.5", path)
    config.set_value("prompts", "pain,note", path)
    config.set_value("week_start", "sunday", path)
    assert "[flare]\nthreshold = 6.5" in path.read_text()
    loaded = config.load(path)
    assert loaded.flare.threshold == 6.5 and loaded.prompts == ("pain", "note")
    assert loaded.week_start == "sunday"
    for key, value, problem in (
        ("week_start", "friday", "monday"),
        ("flare.delta", "0", "above 0"),
        ("flare.baseline_days", "3", "7 to 365"),
        ("prompts", "pain,mood", "'mood'"),
        ("colour", "red", "unknown config key 'colour'"),
    ):
        before = path.read_bytes()
        with pytest.raises(UsageProblem, match=problem):
            config.set_value(key, value, path)
        assert path.read_bytes() == before


def test_bad_files_are_errors_that_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[flare]\nthreshold = 12\n")
    with pytest.raises(FibrologError, match=r"'flare\.threshold' must be a number from 0 to 10"):
        config.load(path)
    path.write_text("mood = 1\n")
    with pytest.raises(FibrologError, match="unknown key 'mood'"):
        config.load(path)
    path.write_text("week_start = \n")
    with pytest.raises(FibrologError, match="not valid TOML"):
        config.load(path)


def test_config_commands(run: Run, cli_env: dict[str, str]) -> None:
    assert run("config", "path").stdout.strip() == cli_env["FIBROLOG_CONFIG"]
    assert run("config", "set", "flare.threshold", "6").stdout == "flare.threshold = 6\n"
    assert run("config", "get", "flare.threshold").stdout == "6\n"
    assert lines(run("config").stdout) == [
        'week_start          = "monday"',
        "flare.threshold     = 6",
        "flare.delta         = 2",
        "flare.baseline_days = 28",
        'prompts             = ["pain", "fatigue", "fog", "sleep", "where", "tags", "meds", '
        '"note"]',
    ]
    bad = run("config", "set", "flare.threshold", "11")
    assert bad.exit_code == 2 and "Invalid value for 'VALUE'" in bad.stderr
    assert "'flare.threshold' must be a number from 0 to 10" in bad.stderr
    assert run("config", "get", "nope").exit_code == 2
    typo = run("config", "set", "flare.treshold", "6")  # the key is what is wrong, not the 6
    assert typo.exit_code == 2
    assert (
        "Invalid value for 'KEY': unknown config key 'flare.treshold'. "
        "Did you mean 'flare.threshold'?"
    ) in typo.stderr
    assert run("config", "get", "flare.threshold").stdout == "6\n"  # unchanged


def test_each_setting_is_checked_by_its_declared_rule_in_the_users_words(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    for text, problem in (
        ('week_start = "Sunday"\n', None),  # meant as sunday
        ("[flare]\nthreshold = true\n", "'flare.threshold' must be a number from 0 to 10"),
        ('[flare]\nbaseline_days = "28"\n', "'flare.baseline_days' must be a whole number"),
        ('prompts = ["pain", 3]\n', "'prompts' '3' is not a prompt"),
        ("prompts = []\n", "'prompts' needs at least one question"),
        ('[preset]\nMorning = "-t rest"\n', "'preset.Morning' needs a name of lowercase"),
        ('[preset]\nmorning = "rest"\n', "'preset.morning' must start with an option"),
    ):
        path.write_text(text)
        if problem is None:
            assert config.load(path).week_start == "sunday"
            continue
        with pytest.raises(FibrologError) as refused:
            config.load(path)
        assert problem in str(refused.value), text
    path.write_text('prompts = ["pain", "note", "pain"]\n[flare]\nthreshold = 6\n')
    loaded = config.load(path)
    assert loaded.prompts == ("pain", "note")  # each asked once
    assert config.as_flat(loaded)["flare.threshold"] == 6 and config.get("flare.delta", path) == 2
