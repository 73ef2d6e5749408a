"""The `fibrolog` command and `python -m fibrolog`.

`fibrolog --version` is answered here, before the command-line framework is imported: that
import is most of fibrolog's start-up time, and a version check should be instant.
"""

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from fibrolog import __version__

        print(f"fibrolog {__version__}")
        return
    from fibrolog.cli import main as run_cli

    run_cli()


if __name__ == "__main__":
    main()
