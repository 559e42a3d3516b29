"""The words of the «Mapa de Soluciones» page."""

from __future__ import annotations

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
    "sector_label": "Sector",
    "budget": "Presupuesto (Bs.)",
    "round": "Consulta",
}
SOLUTION_KINDS = {"project": "Proyecto", "agreement": "Acuerdo"}
