"""Built-in program plugins (registry, safety, …) live here, one package each.

Plugins import ``core`` and ``tenants``; nothing in ``core`` or ``tenants`` imports this package.
"""
