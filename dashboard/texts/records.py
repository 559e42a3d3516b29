"""The words of the record cards: a case (with its follow-up), a project, a CLAP and an agreement."""

from __future__ import annotations

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
