"""Where fibrolog keeps the diary and its settings when no option or variable says.

The answer is platformdirs': on Linux the XDG folders, `~/.local/share/fibrolog` and
`~/.config/fibrolog`. Importing platformdirs costs ~4 ms (it loads tempfile and random), and
nearly every command asks, so the common Linux case (an absolute $HOME; the XDG variable unset,
empty or absolute) is worked out here by the same rule. Anything else, and every other system,
goes to platformdirs. A test checks that both give the same folder.
"""

import os
import sys
from pathlib import Path

_XDG = {"data": ("XDG_DATA_HOME", "~/.local/share"), "config": ("XDG_CONFIG_HOME", "~/.config")}


def user_folder(kind: str) -> Path:
    """fibrolog's folder for "data" or "config"."""
    variable, default = _XDG[kind]
    base = os.environ.get(variable, "")
    if (
        sys.platform == "linux"
        and not hasattr(sys, "getandroidapilevel")
        and "ANDROID_DATA" not in os.environ
        and os.environ.get("HOME", "").startswith("/")
        and (not base or base.startswith("/"))
    ):
        return Path(base or os.path.expanduser(default)) / "fibrolog"
    import platformdirs

    found = platformdirs.user_data_dir if kind == "data" else platformdirs.user_config_dir
    return Path(found("fibrolog"))
