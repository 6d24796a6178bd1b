"""The rule language: packs (find, load, validate, compile), attribute paths, operators,
conditions, message templates and the built-in named checks.
"""
