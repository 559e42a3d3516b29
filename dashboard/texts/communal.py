"""The words of the «Sistema comunal» page and the «Asesoría para la próxima consulta» page."""

from __future__ import annotations

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
