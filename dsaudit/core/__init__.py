"""The shared vocabulary every stage uses: the data model, errors, limits, safe names, quoting,
RE2 regexes, the data-category taxonomy and the worker pool. Imports nothing else from dsaudit.
"""
