"""``python -m dsaudit``."""

from dsaudit.cli import main

main()
