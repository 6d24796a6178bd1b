"""The plugin host: hookspecs (the API reference), the pluggy manager with per-plugin isolation,
the plugin contracts as Protocols, and the guards used when importing plugin code.
"""
