"""dsaudit plugin: send each audit's summary and new failing findings to a webhook or a file."""

__version__ = "0.1.0"
