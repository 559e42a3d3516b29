"""The 1x10 cases layer: each case at its own point or its territory's, with its category,
status, whether it is overdue and the days it has been open."""

from __future__ import annotations

from sqlalchemy import func

from geodata.models import Case
from geodata.rules import case_overdue
from geodata.vocab import AREAS, CASE_CATEGORIES, CASE_STATUSES
from layers.registry.catalogue import register
from layers.registry.columns import territory_tail
from layers.registry.params import BOOL_CHOICES
from layers.registry.records import record_layer, where_flag, where_in
from layers.registry.spec import Column, FilterDef, Style
from layers.registry.sql import _label

_CASE_STATUS_COLORS = {
    "reported": "#e31a1c",
    "assigned": "#fd8d3c",
    "in_progress": "#feb24c",
    "resolved": "#31a354",
    "closed": "#74c476",
    "rejected": "#969696",
}

CASE_COLUMNS = (
    Column("code", "Número de caso", "str", lambda q: Case.code),
    Column("reported_date", "Fecha de reporte", "date", lambda q: Case.reported_date),
    Column("category", "Categoría (código)", "str", lambda q: Case.category),
    Column("category_label", "Categoría", "str", lambda q: _label(CASE_CATEGORIES, Case.category)),
    Column("area", "Área (código)", "str", lambda q: Case.area),
    Column("area_label", "Área", "str", lambda q: _label(AREAS, Case.area)),
    Column("status", "Estatus (código)", "str", lambda q: Case.status),
    Column("status_label", "Estatus", "str", lambda q: _label(CASE_STATUSES, Case.status)),
    Column("overdue", "Vencido", "bool", lambda q: case_overdue(q.day)),
    Column("days_open", "Días abierto", "int", lambda q: func.coalesce(Case.resolved_date, q.day) - Case.reported_date),
    Column("institution", "Institución", "str", lambda q: Case.institution),
    Column("due_date", "Fecha límite", "date", lambda q: Case.due_date),
    Column("resolved_date", "Fecha de resolución", "date", lambda q: Case.resolved_date),
    Column("description", "Descripción", "str", lambda q: Case.description),
    *territory_tail(located=True),
)

register(
    record_layer(
        id="cases",
        title="Casos 1x10",
        model=Case,
        columns=CASE_COLUMNS,
        period=lambda q: Case.reported_date,
        conditions=(
            where_in("category", lambda q: Case.category, CASE_CATEGORIES),
            where_in("status", lambda q: Case.status, CASE_STATUSES),
            where_in("area", lambda q: Case.area, AREAS),
            where_flag("overdue", lambda q: case_overdue(q.day)),
        ),
        order_by=lambda q: (Case.reported_date.desc(), Case.code),
        style=Style(field="status", colors=_CASE_STATUS_COLORS, labels=CASE_STATUSES, radius=5),
        popup=("code", "category_label", "status_label", "overdue", "reported_date", "due_date", "institution", "territory_name"),
        filters=(
            FilterDef("category", "Categoría", CASE_CATEGORIES),
            FilterDef("status", "Estatus", CASE_STATUSES),
            FilterDef("area", "Área", AREAS),
            FilterDef("overdue", "Vencido", BOOL_CHOICES),
        ),
        description="Casos del 1x10 del Buen Gobierno; sin punto propio se ubican en su territorio.",
        date_field="updated_on",
        period_field="reported_date",
        min_zoom=5,
        tile_limit=20_000,
    )
)
