"""Where the diary and the settings live when no option or variable says: platformdirs' folders."""

from pathlib import Path

import pytest

from .conftest import Run


def test_default_diary_and_config_follow_the_xdg_folders(
    run: Run, cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FIBROLOG_DB", "FIBROLOG_CONFIG"):
        del cli_env[name]
        monkeypatch.delenv(name)
    cli_env["XDG_DATA_HOME"] = str(tmp_path / "data")
    cli_env["XDG_CONFIG_HOME"] = str(tmp_path / "conf")
    result = run("add", "4")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "fibrolog" / "diary" / "2026.json").is_file()
    assert run("config", "path").stdout.strip() == str(
        tmp_path / "conf" / "fibrolog" / "config.toml"
    )
    assert str(tmp_path / "data" / "fibrolog" / "diary") in run("info").stdout


def test_db_option_before_or_after_the_command_and_the_variable(
    run: Run, cli_env: dict[str, str], tmp_path: Path
) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    assert run("--db", str(before), "add", "4").exit_code == 0
    assert run("add", "5", "--db", str(after)).exit_code == 0
    assert run("add", "6").exit_code == 0
    assert (before / "meta.json").is_file() and (after / "meta.json").is_file()
    assert (Path(cli_env["FIBROLOG_DB"]) / "meta.json").is_file()
