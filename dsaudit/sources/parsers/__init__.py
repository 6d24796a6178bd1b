"""Built-in config-file parsers, each registered through ``dsaudit_register_parsers``."""
