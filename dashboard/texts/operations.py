"""The words of the operator page (/operador): alerts, the shift log and the notifications of new alerts."""

from __future__ import annotations

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
