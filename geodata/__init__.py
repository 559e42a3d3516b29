"""Sala's data core: settings, database, schema, territory tree, indicators, access scope.

Where things live: `settings` (the one settings object), `database`/`embedded`/`service`/
`replica` (engine and embedded PostGIS), `models` and `migrations/` (schema), `territory`
(the tree) and `place` (a request's territory resolved and scope-checked once: `Place`,
`resolve_place`), `access`/`permissions`/`users`/`sessions` (users, roles and scope),
`period`, `rules` and `indicators`/`facts` (the measures), `records`, `timeline`,
`solutions` (the Map of Solutions, one query per part), `operations`/`alerts`/`notify`
(what operators act on), `followup`/`team`, `communal*`, `advice`, `generalise` (display
geometry), `integrity`, `errors`.

Imports none of `etl`, `layers` or `dashboard`.
"""
