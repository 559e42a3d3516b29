"""The Spanish strings of the interface, in one place (code and comments stay in English)."""

from __future__ import annotations

APP_TITLE = "Sala de Autogobierno"
APP_SUBTITLE = "Sala situacional del autogobierno comunal"
DEMO_BADGE = "Datos de demostración"
COUNTRY = "Venezuela"
# Shown while the database cannot be reached (503s); the page retries by itself.
DB_UNAVAILABLE = "Sin conexión con la base de datos; reintentando…"

NAV_ROOM = "Mapa"
NAV_SOLUTIONS = "Mapa de Soluciones"
NAV_OPERATOR = "Alertas y turno"
LOGOUT = "Salir"

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

from layers.classify import (  # noqa: E402 (the legend's words live with the classification)
    LEGEND_DIVERGING,
    LEGEND_NO_CHANGE,
    LEGEND_NO_DATA,
    LEGEND_SCHEME,
    LEGEND_SCHEMES,
)

LEGEND_CLASSES_QUANTILES = "cuantiles"
LEGEND_CLASSES_BREAKS = "cortes naturales"
LEGEND_CLASSES_UNIQUE = "valores únicos"
# The classification the user chooses for the choropleth (dashboard.classify.METHODS).
CLASSIFICATION = "Clasificación"
CLASSIFICATION_METHODS = {"jenks": "Cortes naturales (Jenks)", "quantiles": "Cuantiles", "equal": "Intervalos iguales"}
CLASSES = "Clases"
LEGEND_COUNT = "Número de territorios en la clase"
LEGEND_POINTS = "Puntos"
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

GRID_TITLE = "{level} de {name}, ordenados por «{indicator}»"
GRID_NAME = "Territorio"
CHART_CASES = "Casos reportados y resueltos por semana"
CHART_DEPOSITS = "Depósitos por mes (Bs.)"
CHART_DELIVERIES = "Entregas CLAP por semana"
CHART_REPORTED = "Reportados"
CHART_RESOLVED = "Resueltos"
CHART_EMPTY = "Sin registros en el período"
SOLUTIONS_LINK = "Ver Mapa de Soluciones de {name}"
ALERTS_LINK = "Alertas de {name}"
PACK = "Paquete de planificación"
FILTERS = "Filtros de registros"
FILTER_OVERDUE_ONLY = "Solo vencidos"
FILTER_ANY = "Todos"
FILTERS_NOTE = (
    "Los filtros se aplican al mapa, los indicadores, la tabla, las burbujas y los gráficos, "
    "a los registros individuales (desde el municipio) y a las descargas."
)
EXPORT = "Descargar"
EXPORT_LAYER = "Capa"
EXPORT_FORMAT = "Formato"
EXPORT_NOT_ALLOWED = "Su rol no permite descargar datos."
EXPORT_UNKNOWN = "Capa o formato desconocido: elija uno de la lista."
EXPORT_EMPTY = "Sin elementos: ninguna capa tiene datos en este territorio y periodo."
# The SINCO minutes of the municipality's cabinet (layers.minutes): a session date, three links.
MINUTES = "Acta de acuerdos"
MINUTES_DATE = "Gabinete del"
MINUTES_FORMATS = {"pdf": "Acta (PDF)", "csv": "CSV", "xlsx": "XLSX"}
MINUTES_HINT = "Acta final de acuerdos del gabinete (SINCO): por área y mesa, con responsable, límite y seguimiento."
# Long exports run as jobs: a button starts one, a line follows it, a link fetches the file.
PACK_PREPARE = "Preparar paquete"
PACK_PREPARING = "Preparando el paquete de planificación…"
PACK_READY = "Descargar paquete"
PACK_READY_NOTE = "Paquete listo."
PACK_FAILED = "No se pudo preparar el paquete: {message}"
PACK_NONE = "El paquete de planificación se prepara desde un municipio."
EXPORT_PREPARE = "Preparar descarga"
EXPORT_PREPARING = "Preparando la descarga…"
EXPORT_READY = "Descargar archivo"
EXPORT_READY_NOTE = "Archivo listo."
EXPORT_FAILED = "No se pudo preparar la descarga: {message}"
JOB_QUEUED = "En cola: esperando a que terminen otras exportaciones…"
JOB_PROGRESS = "{preparing} {percent} % · {phase}"

NEWS_NONE = "Sin novedades desde {time}"
NEWS_SOME = "Novedades desde {time}: "
NEWS_ITEMS = {
    "cases": "{n} casos nuevos",
    "resolved": "{n} casos resueltos",
    "deliveries": "{n} entregas CLAP",
    "deposits": "{n} depósitos",
    "agreements": "{n} acuerdos",
    "projects": "{n} proyectos",
}
UPDATED_AT = "Actualizado {time}"

NOT_FOUND = "No se encontró el territorio «{code}» (no existe o está fuera de su ámbito)."

SOL_TITLE = "Mapa de Soluciones — {name}"
SOL_CHOOSE = "Elija un municipio para ver su Mapa de Soluciones."
SOL_PICKER = "Municipio"
SOL_NOT_MUNICIPALITY = "El Mapa de Soluciones se muestra por municipio: «{name}» está por encima de un municipio."
SOL_TOTALS = {
    "cases": "Casos",
    "open": "Abiertos",
    "with_solution": "Con solución",
    "unanswered": "Sin respuesta",
    "needs": "Necesidades ACA",
    "projects": "Proyectos",
    "agreements": "Acuerdos",
    "agreements_overdue": "Acuerdos vencidos",
}
SOL_PROBLEMS = "Problemas"
SOL_SOLUTIONS = "Soluciones"
SOL_CATEGORIES = "Casos por categoría: con solución y sin respuesta"
SOL_WITH = "Con solución"
SOL_OPEN_WITHOUT = "Abiertos sin respuesta"
SOL_OTHER = "Otros cerrados"
SOL_AGREEMENTS = "Acuerdos del Gabinete de Gobierno Comunal"
SOL_LINKS = "Vínculos: caso → solución"
SOL_UNANSWERED = "Lo que sigue sin respuesta"
SOL_NEEDS = "Necesidades de la ACA (proyectos aún sin financiar)"
SOL_NO_AGREEMENTS = "Este municipio no tiene acuerdos en el período."
SOL_MAP_CASES = "Casos sin respuesta"
SOL_MAP_LINKED = "Casos con solución"
SOL_MAP_PROJECTS = "Proyectos"
SOL_MAP_LINKS = "Vínculos"
COLUMNS = {
    "code": "Código",
    "cabinet_date": "Fecha del gabinete",
    "area_label": "Área",
    "working_table": "Mesa de trabajo",
    "text": "Acuerdo",
    "institution": "Responsable",
    "status_label": "Estatus",
    "due_date": "Fecha límite",
    "days_overdue": "Días de retraso",
    "linked_cases": "Casos vinculados",
    "linked_projects": "Proyectos vinculados",
    "case_code": "Caso",
    "category_label": "Categoría",
    "case_status_label": "Estatus del caso",
    "solution_kind_label": "Tipo de solución",
    "solution_code": "Solución",
    "solution_label": "Descripción",
    "reported_date": "Reportado",
    "territory_name": "Territorio",
    "name": "Nombre",
    "stage_label": "Etapa",
    "sector": "Sector",
    "budget": "Presupuesto (Bs.)",
    "round": "Consulta",
}
SOLUTION_KINDS = {"project": "Proyecto", "agreement": "Acuerdo"}

# Operator page
OPS_TITLE = "Alertas y relevo de turno"
OPS_ALERTS = "Lo que está atrasado"
OPS_ACK = "Reconocer"
OPS_ACK_NOTE = "Nota (qué se hizo)"
OPS_ACKED = "Reconocida por {user} el {at}: {note}"
OPS_NO_ALERTS = "No hay alertas en este territorio."
OPS_SHIFT = "Bitácora de relevo de turno"
OPS_SHIFT_NOTE = "Novedades para el próximo turno"
OPS_SHIFT_SAVE = "Guardar en la bitácora"
OPS_SAVED = "Guardado."
OPS_EMPTY_NOTE = "Escriba una nota antes de guardar."
OPS_ROOM_NATIONAL = "Sala nacional"
OPS_ROOM = "Sala de {name} ({code})"
OPS_READ_ONLY = "Su rol permite consultar las alertas y la bitácora, no reconocer alertas ni escribir en la bitácora."
OPS_SEE_ON_MAP = "Ver en el mapa"
OPS_DAYS = "{days} días"
OPS_SINCE = {
    "case_overdue": "vencido el {date}",
    "agreement_overdue": "vencido el {date}",
    "clap_no_delivery": "última entrega el {date}",
    "project_not_moving": "primer depósito el {date}",
    "project_no_deposit": "en marcha desde el {date}",
    "council_silent": "último reporte el {date}",
}
OPS_RANGE = "{first}–{last} de {total}"
OPS_PENDING = "{pending} sin reconocer · {carried} pendientes de turnos anteriores (turno actual desde {since})"
OPS_CARRIED = "Pendiente de turnos anteriores"
OPS_PREVIOUS = "‹ Anteriores"
OPS_NEXT = "Siguientes ›"
OPS_FILTER_KIND = "Tipo de alerta"
OPS_FILTER_SEVERITY = "Gravedad"
OPS_FILTER_TERRITORY = "Territorio"
OPS_FILTER_ALL = "Todos"
OPS_FILTER_ALL_TERRITORIES = "Todo su ámbito"
ALERT_SEVERITIES = {"high": "Alta", "medium": "Media", "low": "Baja"}
ALERT_SEVERITY_HELP = {"high": "Alta (30 días o más de atraso)", "medium": "Media (7 a 29 días)", "low": "Baja (menos de 7 días)"}
ALERT_KINDS = {
    "case_overdue": "Caso vencido",
    "agreement_overdue": "Acuerdo vencido",
    "clap_no_delivery": "CLAP sin entrega",
    "project_not_moving": "Proyecto financiado sin avance",
    "project_no_deposit": "Proyecto que avanza sin depósito",
    "council_silent": "Consejo comunal sin reportar",
}

# Case detail panel (map room: a click on a case point, or ?caso=K123)
CASE_TITLE = "Caso {code}"
CASE_CLOSE = "Cerrar"
CASE_OVERDUE = "vencido"
CASE_FIELDS = {
    "status": "Estado",
    "category": "Categoría",
    "area": "Área",
    "institution": "Institución",
    "territory": "Territorio",
    "reported_date": "Reportado",
    "due_by": "Fecha límite",
    "resolved_date": "Resuelto",
}
CASE_DUE_DEFAULT = "{date} (plazo general de {days} días)"
CASE_DESCRIPTION = "Descripción"
CASE_SOLUTIONS = "Soluciones vinculadas"
CASE_NO_SOLUTIONS = "Ninguna solución vinculada."
CASE_HISTORY = "Historial"
CASE_NOT_FOUND = "No se encontró el caso «{code}» (no existe o está fuera de su ámbito)."

# The follow-up of a case (its card in the room, `?caso=K123`)
FOLLOW_TITLE = "Seguimiento"
FOLLOW_INSTITUTION = "Institución responsable"
FOLLOW_SUGGESTED = "Sugerida por la tabla de enrutamiento: {institution}. Guardar la confirma; puede cambiarla."
FOLLOW_ASSIGNEE = "Responsable del seguimiento"
FOLLOW_DUE = "Fecha límite"
FOLLOW_STATUS = "Estado"
FOLLOW_NOTE = "Nota o comentario"
FOLLOW_NOTE_PLACEHOLDER = "Qué se hizo, con quién se habló…"
FOLLOW_SAVE = "Guardar seguimiento"
FOLLOW_SAVED = "Seguimiento guardado."
FOLLOW_READ_ONLY = "Su rol permite consultar el seguimiento, no modificarlo."
FOLLOW_UPDATED = "Última modificación: {user}, {at}"
FOLLOW_OPEN = "Abrir ficha del caso"
FOLLOW_SOURCE_LOAD = "Carga"
FOLLOW_SOURCE_ROOM = "Sala"
FOLLOW_ACTIONS = {
    "route": "Enrutado a {value}",
    "assign": "Asignado a {value}",
    "due_date": "Fecha límite: {value}",
    "status": "Estado: {value}",
    "comment": "Comentario",
    "link": "Vinculado al acuerdo {value}",
}
FOLLOW_CLEARED = {
    "route": "Institución retirada",
    "assign": "Responsable retirado",
    "due_date": "Fecha límite retirada",
    "status": "Estado",
    "comment": "Comentario",
    "link": "Vínculo",
}
FOLLOW_LINK = "Vincular al acuerdo que atiende"
FOLLOW_LINK_CHOOSE = "Elija un acuerdo del municipio"
FOLLOW_LINK_NONE = "No hay acuerdos del municipio por vincular"
FOLLOW_LINKED_BY_ROOM = "vinculado en sala"
# When the load and the room disagree: both, with their dates, and which one is shown.
FOLLOW_STATUS_BOTH = "{shown} — sala: {room} ({room_day}); carga: {loaded} ({loaded_day}); {winner}"
FOLLOW_WINNER = {"room": "vale el de la sala, más reciente", "loaded": "vale el de la carga, más reciente", None: ""}

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
MONTHS_SHORT = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
MAP_LOADING = "Cargando el mapa…"
RELATIVE_PERIODS = "Períodos"
OPERATOR_ON = "Modo operador activo: se actualiza cada {seconds} s."
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
NOT_FOUND_TITLE = "Página no encontrada"
NOT_FOUND_TEXT = "La dirección no corresponde a ninguna página de la sala."
NOT_FOUND_BACK = "Volver a la sala"
# A communal council's card (the lowest level: a click opens it instead of drilling)
TERRITORY_NOT_FOUND = "No se encontró el territorio «{code}» (no existe o está fuera de su ámbito)."
CARD_LEVEL = "Nivel"
CARD_PATH = "Ubicación"
CARD_HOUSEHOLDS = "Familias"
CARD_POPULATION = "Población"

# «Sistema comunal» page: quadrants, defence plans, communal economy, justice of the peace.
NAV_COMMUNAL = "Sistema comunal"
COM_TITLE = "Sistema comunal — {name}"
COM_KPIS = {
    "quadrants": "Cuadrantes de paz",
    "quadrants_stale": "Cuadrantes sin reporte reciente",
    "security_cases": "Casos de seguridad en los cuadrantes",
    "defense_plans": "Planes de defensa",
    "defense_plans_stale": "Planes sin revisión en el último año",
    "businesses_active": "Empresas comunales activas",
    "business_workers": "Trabajadores de las empresas activas",
    "peace_judges": "Jueces de paz",
    "peace_cases": "Casos de justicia de paz",
    "peace_open": "Casos de paz abiertos",
    "peace_resolution_rate": "Resolución de casos de paz (%)",
}
COM_TABLE = "Por territorio"
COM_TERRITORY = "Territorio"
COM_SECTORS = "Empresas comunales activas por sector"
COM_MAP = "Casos de seguridad 1x10 en los cuadrantes de paz"
COM_MAP_QUADRANTS = "Cuadrantes de paz (casos de seguridad)"
COM_MAP_JUDGES = "Jueces de paz"
COM_MAP_PLANS = "Planes de defensa"
COM_EMPTY = "No hay territorios por debajo de este nivel."
COM_DOWNLOADS = "Descargar capas"
# The money trail to the communal banks (geodata.money), on the «Sistema comunal» page.
COM_MONEY = "Dinero a los bancos comunales"
COM_MONEY_UNITS = {"commune": "Por comuna", "circuit": "Por circuito comunal"}
COM_MONEY_COLUMNS = {"name": "Territorio", "projects": "Proyectos", "deposits": "Depósitos", "deposited": "Depositado (Bs.)",
                     "banks": "Bancos comunales (monto)", "projects_without_deposit": "Avanzan sin depósito"}
COM_MONEY_UNIT_WORDS = {"commune": "comunas", "circuit": "circuitos"}
COM_MONEY_TOTAL = "{count} {units} con proyectos · Bs. {deposited} depositados · {without} proyectos avanzan sin depósito"
COM_MONEY_SHOWN = ". Se muestran las {shown} de más monto; la descarga trae todas."
COM_MONEY_EMPTY = "Ninguna en este territorio."

# Record cards (a click on a project or CLAP point; shared links ?caso= / ?proyecto= / ?clap=)
RECORD_SHARE_PARAMS = {"cases": "caso", "projects": "proyecto", "claps": "clap"}
RECORD_SHARE = "Enlace para compartir"
RECORD_NOT_FOUND = {
    "cases": "No se encontró el caso «{code}» (no existe o está fuera de su ámbito).",
    "projects": "No se encontró el proyecto «{code}» (no existe o está fuera de su ámbito).",
    "claps": "No se encontró el CLAP «{code}» (no existe o está fuera de su ámbito).",
}
PROJECT_TITLE = "Proyecto {code}"
PROJECT_STALLED = "paralizado"
PROJECT_FIELDS = {
    "name": "Proyecto",
    "stage": "Etapa",
    "progress": "Avance",
    "round": "Consulta popular",
    "area": "Área",
    "sector": "Sector",
    "budget": "Presupuesto",
    "approved": "Monto aprobado",
    "deposited": "Depositado",
    "start_date": "Inicio",
    "end_date": "Culminación",
    "territory": "Territorio",
}
PROJECT_DEPOSITED = "{amount} ({share} del presupuesto)"
PROJECT_HISTORY = "Depósitos y cambios de etapa (rastro del dinero)"
PROJECT_NO_DEPOSITS = "Ningún depósito ni cambio de etapa registrado."
PROJECT_DEPOSIT = "Depósito de Bs. {amount}"
PROJECT_NO_BANK = "banco no indicado"
PROJECT_STAGE_CHANGE = "Etapa: {previous} → {stage}"
PROJECT_STARTED = "Inicio de la obra"
PROJECT_ENDED = "Culminación"
PROJECT_NO_DEPOSIT_BADGE = "avanza sin depósito"
PROJECT_NOT_APPROVED = "sin aprobar"
PROJECT_ANSWERS = "Casos y acuerdos que atiende"
PROJECT_ANSWERS_NONE = "Ningún caso ni acuerdo vinculado."
CLAP_TITLE = "CLAP {code}"
CLAP_LATE = "sin entrega en {days} días"
CLAP_FIELDS = {
    "name": "CLAP",
    "households": "Familias registradas",
    "last_delivery": "Última entrega",
    "days_since": "Días desde la última entrega",
    "deliveries": "Entregas registradas",
    "territory": "Territorio",
}
CLAP_NEVER = "Nunca"
CLAP_HISTORY = "Últimas entregas"
CLAP_NO_DELIVERIES = "Ninguna entrega registrada."
CLAP_DELIVERY = "{households} familias atendidas"

# «Asesoría para la próxima consulta» page (/asesoria?territory=<commune or circuit>)
NAV_ADVICE = "Asesoría para la consulta"
ADV_TITLE = "Asesoría para la próxima consulta — {name}"
ADV_CHOOSE = "La asesoría se prepara para una comuna o un circuito comunal. Elija uno en {name}:"
ADV_NO_UNITS = "No hay comunas ni circuitos comunales cargados en {name}."
ADV_MORE_UNITS = "Se muestran los primeros {shown}; entre a un municipio para ver los suyos."
ADV_LEVELS = {"commune": "Comuna", "circuit": "Circuito comunal"}
ADV_KPIS = {
    "open_cases": "Casos 1x10 abiertos",
    "projects": "Proyectos elegidos",
    "completed": "Culminados",
    "stalled": "Paralizados",
    "aca_needs": "Necesidades ACA sin financiar",
    "deposited_share": "Depositado del monto aprobado (%)",
}
ADV_NEXT = "Para la próxima consulta"
ADV_CHART = "Necesidades y proyectos por sector"
ADV_CHART_OPEN = "Casos abiertos"
ADV_CHART_PROJECTS = "Proyectos en ejecución o culminados"
ADV_SECTORS = "Necesidades por sector y proyectos elegidos"
ADV_SECTOR_COLUMNS = {
    "label": "Sector", "cases": "Casos", "open_cases": "Abiertos", "aca_needs": "Necesidades ACA", "projects": "Proyectos",
    "running": "En ejecución", "completed": "Culminados", "stalled": "Paralizados", "approved_amount": "Aprobado (Bs)",
    "deposited": "Depositado (Bs)", "mean_progress": "Avance medio (%)",
}
ADV_UNANSWERED = "sin respuesta"
ADV_PROJECTS = "Proyectos elegidos en consultas anteriores"
ADV_PROJECT_COLUMNS = {
    "consultation_round": "Consulta", "code": "Código", "name": "Proyecto", "sector_label": "Sector", "stage_label": "Etapa",
    "progress": "Avance (%)", "budget": "Aprobado (Bs)", "deposited": "Depositado (Bs)", "votes": "Votos",
}
ADV_ROUNDS = "Consultas en que participó"
ADV_ROUND_COLUMNS = {"code": "Consulta", "name": "Nombre", "start_date": "Inicio", "end_date": "Fin", "voters": "Votantes",
                     "projects_voted": "Proyectos votados"}
ADV_NO_PROJECTS = "Ningún proyecto registrado."
ADV_NO_ROUNDS = "Sin participación registrada en las consultas cargadas."
ADV_DOWNLOADS = "Entregar a la comuna"
ADV_FORMATS = {"pdf": "Asesoría (PDF)", "csv": "Sectores (CSV)", "xlsx": "Hoja de cálculo completa (XLSX)"}
ADVICE_LINK = "Asesoría para la próxima consulta de {name}"
COM_ADVICE_LINK = "Asesoría para la próxima consulta"

# An agreement's card with its follow-up (`/acuerdo?codigo=A1`)
NAV_AGREEMENT = "Acuerdo"
AGREEMENT_TITLE = "Acuerdo {code}"
AGREEMENT_NOT_FOUND = "No se encontró el acuerdo «{code}» (no existe o está fuera de su ámbito)."
AGREEMENT_FIELDS = {
    "status": "Estado",
    "municipality": "Municipio",
    "cabinet_date": "Gabinete del",
    "area": "Área",
    "working_table": "Mesa de trabajo",
    "institution": "Institución responsable",
    "assignee": "Responsable del seguimiento",
    "due_date": "Fecha límite",
}
AGREEMENT_ANSWERS = "Casos y proyectos que atiende"
AGREEMENT_LOADED_INSTITUTION = "Según la carga: {institution}. Escriba otra para enrutarlo a otra institución."
AGREEMENT_CHOOSE_MEMBER = "Elija un integrante del equipo de seguimiento"
AGREEMENT_NO_TEAM = "Este municipio aún no tiene equipo de seguimiento cargado"
AGREEMENT_TEAM = "Equipo de seguimiento del municipio"
AGREEMENT_TEAM_EDIT = "Editar el equipo"
AGREEMENT_OPEN = "Abrir ficha del acuerdo"

# The follow-up team of a municipality (`/equipo?territory=0101`), editable by an administrator
NAV_TEAM = "Equipo de seguimiento"
TEAM_TITLE = "Equipo de seguimiento · {name}"
TEAM_PICKER = "Municipio"
TEAM_CHOOSE = "Elija un municipio…"
TEAM_NONE = "Este municipio no tiene integrantes registrados."
TEAM_COLUMNS = {"role": "Cargo", "name": "Nombre", "of": "Institución, área o mesa", "phone": "Teléfono", "email": "Correo"}
TEAM_FORM = "Agregar o modificar un integrante"
TEAM_MEMBER = "Integrante"
TEAM_NEW = "(nuevo integrante)"
TEAM_FIELDS = {"role": "Cargo", "name": "Nombre y apellido", "institution": "Institución (ministerio)", "area": "Área",
               "working_table": "Mesa de trabajo", "phone": "Teléfono", "email": "Correo"}
TEAM_SAVE = "Guardar integrante"
TEAM_DELETE = "Retirar integrante"
TEAM_SAVED = "Integrante guardado."
TEAM_SEAT_TAKEN = "Ese puesto acaba de ocuparlo otro integrante; vuelva a abrir la página para verlo."
TEAM_DELETED = "Integrante retirado del equipo."
TEAM_READ_ONLY = "Solo un administrador puede modificar el equipo de seguimiento."

# Notifications of new alerts (a section of /operador)
NOTIFY_TITLE = "Notificaciones de alertas nuevas"
NOTIFY_HINT = ("Cada alerta nueva de los tipos y el territorio elegidos se envía una vez al webhook (POST JSON) o al correo; "
               "las que ya existían al suscribirse no se envían.")
NOTIFY_KINDS = "Tipos de alerta (ninguno: todos)"
NOTIFY_TERRITORY = "Territorio"
NOTIFY_CHANNEL = "Canal"
NOTIFY_TARGET = "Destino"
NOTIFY_TARGET_PLACEHOLDER = "https://… o correo@dominio"
NOTIFY_SUBSCRIBE = "Suscribir"
NOTIFY_SUBSCRIBED = "Suscripción creada."
NOTIFY_REMOVED = "Suscripción eliminada."
NOTIFY_REMOVE = "Eliminar"
NOTIFY_NONE = "La sala no tiene suscripciones."
NOTIFY_ALL_KINDS = "todos los tipos"
NOTIFY_COUNTS = "enviadas {sent} · fallidas {failed} · pendientes {pending}"
NOTIFY_DELIVERIES = "Últimos envíos"
NOTIFY_ATTEMPTS = "{n} intento(s)"
NOTIFY_NO_DELIVERIES = "Aún no se ha enviado nada."
NOTIFY_READ_ONLY = "Su rol no permite suscribir la sala a notificaciones."
