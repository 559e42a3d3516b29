"""The map room's words: its controls, legend, map, timeline, first-screen panel and a council's card."""

from __future__ import annotations

INDICATOR = "Indicador"
# The period's change against the previous equal period (KPIs and the «variación» map).
SHOW = "Mostrar en el mapa"
SHOW_VALUE = "Valor"
SHOW_VARIATION = "Variación"
CHANGE_VS_PREVIOUS = "{change} vs. período anterior"
CHANGE_NONE = "Sin cambio"
VARIATION_TITLE = "Variación de {indicator} vs. período anterior"
VARIATION_SCHEME = "Cambio respecto al período anterior de igual duración"
VARIATION_NEEDS_DATES = "La variación necesita un período con fechas (p. ej. «30 días»): se muestra el valor."
LAYERS = "Capas"
LAYER_LABELS = {
    "cases": "Casos 1x10",
    "projects": "Proyectos",
    "claps": "CLAP",
    "communes": "Límites de comunas",
    "councils": "Límites de consejos comunales",
    "reporting": "Consejos comunales sin reportar",
    "quadrants": "Cuadrantes de paz",
    "defense_plans": "Planes de defensa",
    "businesses": "Empresas comunales",
    "peace_judges": "Jueces de paz",
}
REPORTING_NOTE = "Sombreados en negro: {count} consejos comunales sin reportar nada en {days} días"
PERIOD = "Período"
ROUND = "Consulta popular"
ROUND_PLACEHOLDER = "Todas las consultas"
DATES_FROM = "Desde"
DATES_TO = "Hasta"
CLEAR_PERIOD = "Todo el período"
OPERATOR_MODE = "Modo operador (actualización automática)"

# The classification the user chooses for the choropleth (dashboard.classify.METHODS).
CLASSIFICATION = "Clasificación"
CLASSIFICATION_METHODS = {"jenks": "Cortes naturales (Jenks)", "quantiles": "Cuantiles", "equal": "Intervalos iguales"}
CLASSES = "Clases"
LEGEND_COUNT = "Número de territorios en la clase"
LEGEND_HEAT = "{layer}: mapa de calor ({total:n} registros)"
LEGEND_HEAT_LOW = "menos"
LEGEND_HEAT_HIGH = "más"
LEGEND_OVERDUE = "Vencido (punto mayor, encima)"
LEGEND_CLAP_LATE = "Sin entrega en {days} días (punto mayor, encima)"
LEGEND_BUBBLES = "{layer}: burbujas por territorio (tamaño: registros)"
ATTRIBUTION = "Límites: INE / OCHA vía geoBoundaries, CC BY 3.0 IGO"
ATTRIBUTION_DEMO = "Comunas y consejos comunales: límites de demostración generados"
MAP_HINT = "Haga clic en un territorio para bajar un nivel; use la ruta de arriba para subir."
MAP_LEAF = "{name} es el nivel más bajo: no tiene territorios debajo."
POINTS_AGGREGATED = "{layer}: {total:n} registros, agrupados por {level}"
POINTS_INDIVIDUAL = "{layer}: {shown:n} de {total:n} registros"
POINTS_DENSITY = "{layer}: mapa de calor de los {total:n} registros (más de {limit:n}); acerque a un territorio menor o filtre para ver cada punto"
POINTS_TRUNCATED = "{layer}: se muestran los {shown:n} más recientes de {total:n}; acerque a un territorio menor"

# «Novedades y atrasos» (the first-screen panel) and the map-first layout
NOVELTIES = "Novedades y atrasos"
NOVELTIES_LOADING = "Calculando novedades…"
NOVELTY_SPIKES = "Picos de casos (últimos {days} días)"
NOVELTY_SPIKE = "{recent} casos (lo habitual: {baseline})"
NOVELTY_CLAPS = "CLAP sin entregas"
NOVELTY_CLAP = "{days} días sin entrega ({late} de {claps} CLAP)"
NOVELTY_CLAP_NEVER = "sin entregas registradas ({late} de {claps} CLAP)"
NOVELTY_AGREEMENTS = "Acuerdos vencidos: {count}"
NOVELTY_PROJECTS = "Proyectos financiados paralizados: {count}"
NOVELTY_QUADRANTS = "Cuadrantes de paz sin reporte en {days} días: {count}"
NOVELTY_SILENT = "Consejos comunales sin reportar en {days} días: {count} de {councils}"
NOVELTY_SILENT_ITEM = "{count} sin reportar"
NOVELTY_DEFENSE_PLANS = "Planes de defensa sin revisión en {days} días: {count}"
NOVELTY_HOTSPOTS = "Focos por categoría (últimos {days} días)"
NOVELTY_HOTSPOT = "{category}: {share} de {cases} casos ({ratio}× lo habitual)"
NOVELTY_SINCE = "Nuevo desde su última visita ({date})"
NOVELTY_SINCE_ITEMS = "{cases} casos nuevos · {alerts} alertas nuevas · {overdue} casos vencidos nuevos"
NOVELTY_NONE = "Ninguno"
NOVELTY_GO = "Ver en el mapa: {path}"
PANEL_TOGGLE = "Controles"
PANEL_TOGGLE_HIDE = "Ocultar controles"
FULLSCREEN = "Pantalla completa"
PRINT_VIEW = "Imprimir vista"
PRINT_VIEW_HINT = "Imprimir vista: descarga en PDF el mapa de esta vista (indicador, clases, capas, periodo y filtros)"
LEGEND_TOGGLE = "Leyenda"
TIMELINE = "Semana a semana"
TIMELINE_PLAY = "▶ Reproducir"
TIMELINE_PAUSE = "⏸ Pausa"
TIMELINE_OFF = "Ver el período"
TIMELINE_HINT = "Mueva la barra o pulse «Reproducir»: el mapa muestra los casos reportados cada semana"
TIMELINE_WEEK = "Semana del {date}"
TIMELINE_LEGEND = "Casos reportados, semana del {date}"
TIMELINE_SCHEME = "{scheme}; las mismas clases todas las semanas"
MAP_LOADING = "Cargando el mapa…"
MAP_LABEL = "Mapa de la sala: territorios coloreados según el indicador"
RELATIVE_PERIODS = "Períodos"
OPERATOR_ON = "Modo operador activo: se actualiza cada {seconds} s."

# A communal council's card (the lowest level: a click opens it instead of drilling)
CARD_LEVEL = "Nivel"
CARD_PATH = "Ubicación"
CARD_HOUSEHOLDS = "Familias"
CARD_POPULATION = "Población"
