"""The single place the dsaudit version is kept."""

__version__ = "0.1.0"
