"""The `fibrolog` command and `python -m fibrolog`.

`fibrolog --version` and `fibrolog status [--prompt]` are answered here, before the
command-line framework is imported: that import is most of fibrolog's start-up time, and a
version check or a shell prompt's status line should be instant.
"""

import gc
import sys


def main() -> None:
    # Start-up builds thousands of long-lived objects (Typer, click, our commands) and no
    # garbage: the collector would only walk them again and again. Frozen afterwards, they
    # are never walked again; collection stays on for the command itself, whose garbage can
    # hold cycles (the json module's encoder makes one per call).
    gc.disable()
    if sys.argv[1:] == ["--version"]:
        from fibrolog import __version__

        print(f"fibrolog {__version__}")
        return
    if sys.argv[1:] in (["status"], ["status", "--prompt"]):  # a shell prompt runs it often
        from fibrolog.cli.status import main as status

        sys.exit(status(sys.argv[2:]))
    from fibrolog.cli.app import main as run_cli

    gc.freeze()
    gc.enable()
    run_cli()


if __name__ == "__main__":
    main()
