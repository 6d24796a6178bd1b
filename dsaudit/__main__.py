"""``python -m dsaudit``."""

from dsaudit.entry import main

main()
