"""The words of the room's panels below the map: the grid, the charts, the filters, the downloads and the news line."""

from __future__ import annotations

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
