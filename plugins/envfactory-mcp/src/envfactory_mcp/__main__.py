"""``python -m envfactory_mcp [--plugins-dir DIR] ENV… [options]`` is ``envfactory serve ENV… [options]``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from envfactory_core.cli import main as envfactory_main

    args = list(sys.argv[1:] if argv is None else argv)
    leading: list[str] = []
    while args and (args[0] == "--plugins-dir" or args[0].startswith("--plugins-dir=")):
        if args[0] == "--plugins-dir":
            leading.extend(args[:2])
            args = args[2:]
        else:
            leading.append(args.pop(0))
    envfactory_main([*leading, "serve", *args])


if __name__ == "__main__":
    main()
