"""Reading documents dsaudit did not write: guarded bounded reads, safe YAML/JSON/TOML/INI/.env
loading with line maps, the JSON Schema check, one validated loader and the parse cache.
"""
