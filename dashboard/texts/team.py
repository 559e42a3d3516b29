"""The words of the follow-up team page (/equipo)."""

from __future__ import annotations

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
