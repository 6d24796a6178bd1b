"""``python -m dsaudit``."""

from dsaudit.cli.entry import main

main()
