"""The project config (``dsaudit.yaml``) merged with command-line flags, and what a config found
inside the audited tree may not do on its own.
"""
