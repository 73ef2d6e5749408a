"""The default folders are platformdirs' answer, whether or not platformdirs is asked."""

import sys
from pathlib import Path

import platformdirs
import pytest

from fibrolog import places


@pytest.mark.parametrize(
    "environ",
    [
        {"HOME": "/home/ann"},
        {"HOME": "/home/ann/"},
        {"HOME": "/"},
        {"HOME": "/home/ann", "XDG_DATA_HOME": "/srv/data", "XDG_CONFIG_HOME": "/srv/conf/"},
        {"HOME": "/home/ann", "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""},
        {"HOME": "/home/ann", "XDG_DATA_HOME": "relative/data", "XDG_CONFIG_HOME": "~/conf"},
        {"HOME": "relative"},
    ],
)
def test_default_folders_match_platformdirs(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    expected = {
        "data": platformdirs.user_data_dir("fibrolog"),
        "config": platformdirs.user_config_dir("fibrolog"),
    }
    for kind, folder in expected.items():
        assert places.user_folder(kind) == Path(folder), (kind, environ)


def test_the_common_linux_case_does_not_load_platformdirs() -> None:
    import subprocess

    probe = (
        "import sys, fibrolog.places as p; p.user_folder('data'); p.user_folder('config');"
        "print('platformdirs' in sys.modules)"
    )
    env = {"HOME": "/home/ann", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == ("False" if sys.platform == "linux" else "True"), out.stderr
