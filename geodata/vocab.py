"""Controlled vocabularies: canonical values (stored) and their Spanish labels (shown).

The database constrains columns to these values; the ETL maps the Spanish forms of
ministry exports onto them; the dashboard shows the labels.
"""

from __future__ import annotations

# Territory levels, in drill-down order. A circuit groups communes of one municipality
# and sits beside the parish, not in the drill-down path.
LEVELS: tuple[str, ...] = ("state", "municipality", "parish", "circuit", "commune", "council")
DRILL_LEVELS: tuple[str, ...] = ("state", "municipality", "parish", "commune", "council")
LEVEL_LABELS = {
    "country": "País",
    "state": "Estado",
    "municipality": "Municipio",
    "parish": "Parroquia",
    "circuit": "Circuito comunal",
    "commune": "Comuna",
    "council": "Consejo comunal",
}
LEVEL_LABELS_PLURAL = {
    "state": "Estados",
    "municipality": "Municipios",
    "parish": "Parroquias",
    "circuit": "Circuitos comunales",
    "commune": "Comunas",
    "council": "Consejos comunales",
}

AREAS = {
    "social": "Social",
    "public_services": "Servicios Públicos",
    "integral_security": "Seguridad Integral",
}

CASE_CATEGORIES = {
    "water": "Agua",
    "electricity": "Electricidad",
    "gas": "Gas",
    "telecom": "Telecomunicaciones",
    "roads": "Vialidad",
    "transport": "Transporte",
    "waste": "Desechos sólidos",
    "health": "Salud",
    "education": "Educación",
    "housing": "Vivienda",
    "food": "Alimentación",
    "security": "Seguridad",
    "other": "Otro",
}

# A project's sector shares the case categories' words where the data spells them alike
# (`water`, `roads`…); these are the sectors only projects name.
PROJECT_ONLY_SECTORS = {"culture_sport": "Cultura y deporte", "sport": "Deporte", "culture": "Cultura"}


def sector_label(sector: str | None) -> str:
    """A project sector as a person reads it (an unknown one, its code made readable)."""
    if not sector:
        return "—"
    return CASE_CATEGORIES.get(sector) or PROJECT_ONLY_SECTORS.get(sector) or sector.replace("_", " ").capitalize()


# The cabinet area that answers each case category.
CATEGORY_AREA = {
    "water": "public_services",
    "electricity": "public_services",
    "gas": "public_services",
    "telecom": "public_services",
    "roads": "public_services",
    "transport": "public_services",
    "waste": "public_services",
    "health": "social",
    "education": "social",
    "housing": "social",
    "food": "social",
    "security": "integral_security",
    "other": "social",
}

CASE_STATUSES = {
    "reported": "Reportado",
    "assigned": "Asignado",
    "in_progress": "En proceso",
    "resolved": "Resuelto",
    "closed": "Cerrado",
    "rejected": "Rechazado",
}
OPEN_CASE_STATUSES = ("reported", "assigned", "in_progress")

PROJECT_STAGES = {
    "proposed": "Propuesto",
    "approved": "Aprobado",
    "funded": "Financiado",
    "in_progress": "En ejecución",
    "completed": "Culminado",
    "stalled": "Paralizado",
}

AGREEMENT_STATUSES = {
    "pending": "Pendiente",
    "in_progress": "En proceso",
    "done": "Cumplido",
}

ROLES = {
    "operator": "Operador de sala",
    "director": "Director estadal",
    "planner": "Planificador",
    "admin": "Administrador",
}

CONSULTATION_ROUND_PATTERN = r"^[0-9]{4}-[0-9]{1,2}$"

# The rest of the communal government system (issue: quadrants, defence plans, communal
# economy, communal justice of peace).
DEFENSE_PLAN_STATUSES = {
    "drafting": "En formulación",
    "active": "Activo",
    "exercised": "Ejercitado",
    "suspended": "Suspendido",
}

BUSINESS_STATUSES = {
    "active": "Activa",
    "in_formation": "En conformación",
    "inactive": "Inactiva",
}

BUSINESS_FORMS = {
    "eps_direct": "EPS de propiedad social comunal directa",
    "eps_indirect": "EPS de propiedad social comunal indirecta",
    "family_unit": "Unidad productiva familiar",
    "exchange_group": "Grupo de intercambio solidario",
}

PEACE_CASE_STATUSES = {
    "open": "Abierto",
    "in_mediation": "En conciliación",
    "resolved": "Resuelto",
    "referred": "Remitido",
}
OPEN_PEACE_CASE_STATUSES = ("open", "in_mediation")

# The cabinet's follow-up team (equipo de seguimiento) and its working tables' officers.
# A seat is held by one person: a liaison per institution (ministry), the governor's and
# the mayor's office, one spokesperson per area, and per working table its rapporteur,
# secretary and systematizer.
TEAM_ROLES = {
    "liaison": "Enlace ministerial",
    "governor_office": "Enlace de la Gobernación",
    "mayor_office": "Enlace de la Alcaldía",
    "spokesperson": "Vocero(a) de área",
    "rapporteur": "Relator(a) de mesa",
    "secretary": "Secretario(a) de mesa",
    "systematizer": "Sistematizador(a) de mesa",
}
TABLE_ROLES = ("rapporteur", "secretary", "systematizer")

# Notifications of new alerts: where they go.
NOTIFY_CHANNELS = {"webhook": "Webhook (HTTP POST JSON)", "email": "Correo electrónico"}
DELIVERY_STATUSES = {"pending": "Pendiente", "sent": "Enviada", "failed": "Fallida", "baseline": "Conocida al suscribir"}
