"""Redaction: the one step between what an audit found and everything dsaudit shows
(reports, the terminal, logs), with the personal-information detectors it relies on.
"""
