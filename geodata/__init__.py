"""Sala's data core: settings, database, schema, territory tree, indicators, access scope.

Imports none of `etl`, `layers` or `dashboard`.
"""
