"""Sub-commands of the ``dsaudit`` CLI, one module per command group."""
