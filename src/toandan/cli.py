"""The `toandan` console command: Django's management commands with the project's settings.

`toandan load-geo` and `toandan load_geo` are the same command: hyphenated names are what the
README shows, Django's are underscored.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toandan.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv[1:])
    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["toandan", *argv])


if __name__ == "__main__":
    main()
