"""The words every page shares: the application's name, the navigation, «not found», dropdowns and dates."""

from __future__ import annotations

APP_TITLE = "Sala de Autogobierno"
APP_SUBTITLE = "Sala situacional del autogobierno comunal"
DEMO_BADGE = "Datos de demostración"
COUNTRY = "Venezuela"
# The room's heading at the country, under a breadcrumb that already reads «Venezuela».
COUNTRY_TITLE = "Todo el país, por estados"
# Shown while the database cannot be reached (503s); the page retries by itself.
DB_UNAVAILABLE = "Sin conexión con la base de datos; reintentando…"

NAV_ROOM = "Mapa"
NAV_SOLUTIONS = "Mapa de Soluciones"
NAV_OPERATOR = "Alertas y turno"
LOGOUT = "Salir"

NOT_FOUND = "No se encontró el territorio «{code}» (no existe o está fuera de su ámbito)."
TERRITORY_NOT_FOUND = "No se encontró el territorio «{code}» (no existe o está fuera de su ámbito)."
NOT_FOUND_TITLE = "Página no encontrada"
NOT_FOUND_TEXT = "La dirección no corresponde a ninguna página de la sala."
NOT_FOUND_BACK = "Volver a la sala"

MONTHS_SHORT = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
# What every dropdown reads out (dcc.Dropdown `labels`), in Spanish.
DROPDOWN_LABELS = {
    "select_all": "Seleccionar todo",
    "deselect_all": "Quitar la selección",
    "selected_count": "{num_selected} seleccionados",
    "search": "Buscar",
    "clear_search": "Borrar la búsqueda",
    "clear_selection": "Quitar la selección",
    "no_options_found": "Sin resultados",
}
DATE_MONTH_FORMAT = "MMMM YYYY"
DATE_DISPLAY_FORMAT = "DD/MM/YYYY"
DATE_PLACEHOLDER = "dd/mm/aaaa"
