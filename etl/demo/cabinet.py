"""Cabinets of communal government: one per municipality, meeting about monthly; each
meeting's working tables agree actions with a responsible institution and a deadline.
Some are done, some in progress, some overdue; some commit to unblock a project.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.demo.config import Scale
from etl.demo.rand import iso, stream
from etl.demo.territory import Territories

AGREEMENT_COLUMNS = ["code", "municipality_code", "cabinet_date", "area", "working_table", "text", "institution", "status",
                     "due_date", "done_date", "case_codes", "project_codes"]

# Area → (working table, share within the area, actions, institutions).
TABLES = {
    "public_services": (
        ("Mesa Técnica de Agua", 0.35, ("Sustituir tubería de aducción", "Reparar bomba de la estación de rebombeo",
                                         "Garantizar ciclo de distribución por cisternas", "Limpiar y clorar tanque de almacenamiento"),
         ("Hidroven", "Alcaldía")),
        ("Mesa de Energía y Gas", 0.3, ("Sustituir transformador averiado", "Recuperar alumbrado público",
                                         "Regularizar despacho de bombonas de gas"), ("Corpoelec", "PDVSA Gas Comunal")),
        ("Mesa de Vialidad y Transporte", 0.2, ("Bachear la vía principal", "Restablecer ruta de transporte comunal"),
         ("Ministerio del Poder Popular para el Transporte", "Alcaldía")),
        ("Mesa de Telecomunicaciones", 0.08, ("Restablecer servicio de telefonía e internet",), ("CANTV",)),
        ("Mesa de Desechos Sólidos", 0.07, ("Establecer ruta de recolección de desechos",), ("Alcaldía",)),
    ),
    "social": (
        ("Mesa de Salud", 0.3, ("Dotar de medicamentos al consultorio popular", "Jornada de atención médica integral"),
         ("Ministerio del Poder Popular para la Salud",)),
        ("Mesa de Educación", 0.25, ("Rehabilitar baños y techos de la escuela", "Garantizar el Programa de Alimentación Escolar"),
         ("Ministerio del Poder Popular para la Educación",)),
        ("Mesa de Vivienda", 0.2, ("Censar familias en riesgo para sustitución de viviendas",), ("Gran Misión Vivienda Venezuela",)),
        ("Mesa de Alimentación", 0.25, ("Regularizar entrega de bolsas CLAP", "Activar casa de alimentación"),
         ("Ministerio del Poder Popular para la Alimentación", "CLAP")),
    ),
    "integral_security": (
        ("Mesa de Seguridad Ciudadana", 0.7, ("Reforzar patrullaje del cuadrante de paz", "Iluminar espacios públicos inseguros"),
         ("Ministerio del Poder Popular para Relaciones Interiores, Justicia y Paz", "Policía Municipal")),
        ("Mesa de Gestión de Riesgo", 0.3, ("Limpiar quebrada y drenajes antes de las lluvias",), ("Protección Civil",)),
    ),
}
AREA_SHARES = {"public_services": 0.5, "social": 0.35, "integral_security": 0.15}


def generate_agreements(t: Territories, projects: pd.DataFrame, scale: Scale, seed: int, today: dt.date) -> pd.DataFrame:
    """Agreements of every municipality's cabinet; `project_codes` links some to projects (never to cases:
    cases carry the link to their agreement, so agreements load first)."""
    rng = stream(seed, "cabinet", today)
    munis = t.municipalities
    parishes = t.parishes
    pop = munis["population"].to_numpy(float)
    per_muni = np.maximum(5, np.round(30 * scale.activity * (pop / np.median(pop)) ** 0.35)).astype(int)
    stalled = projects[projects["stage"].isin(["stalled", "approved", "funded"])]
    stalled_by_muni = {
        mun: (g["code"].to_numpy(), g["vote"].to_numpy().astype("datetime64[D]"))
        for mun, g in stalled.groupby("municipality_code")
    }
    parish_by_muni = parishes.assign(m=parishes["parent_code"]).groupby("m")["name"].agg(list).to_dict()
    today64 = np.datetime64(today, "D")
    rows = []
    for mun, name, n in zip(munis["code"], munis["name"], per_muni):
        installed = today64 - int(rng.integers(560, 700))
        meetings = installed + np.arange(0, (today64 - installed).astype(int) - 7, 30).astype("timedelta64[D]")
        dates = np.sort(rng.choice(meetings, n))
        area = rng.choice(list(AREA_SHARES), n, p=list(AREA_SHARES.values()))
        places = parish_by_muni.get(mun, [name])
        for k in range(n):
            tables = TABLES[area[k]]
            share = np.array([tb[1] for tb in tables])
            table, _, actions, institutions = tables[rng.choice(len(tables), p=share / share.sum())]
            rows.append((f"AC-{mun}-{k + 1:04d}", mun, dates[k], area[k], table,
                         f"{actions[rng.integers(len(actions))]} en la parroquia {places[rng.integers(len(places))]}",
                         institutions[rng.integers(len(institutions))]))
    a = pd.DataFrame(rows, columns=["code", "municipality_code", "cabinet_date", "area", "working_table", "text", "institution"])
    n = len(a)
    cabinet = a["cabinet_date"].to_numpy().astype("datetime64[D]")
    due = cabinet + rng.choice([15, 30, 45, 60, 90], n).astype("timedelta64[D]")
    past_due = due < today64
    u = rng.random(n)
    status = np.where(past_due, np.where(u < 0.75, "done", np.where(u < 0.88, "in_progress", "pending")),
                      np.where(u < 0.2, "done", np.where(u < 0.7, "in_progress", "pending")))
    span = np.maximum((np.minimum(due + 30, today64) - cabinet).astype(int), 1)
    done = cabinet + (rng.random(n) * span).astype(int).astype("timedelta64[D]")
    done = np.where(status == "done", np.minimum(done, today64), np.datetime64("NaT"))
    a["cabinet_date"] = iso(cabinet)
    a["due_date"] = iso(due)
    a["status"] = status
    a["done_date"] = iso(done.astype("datetime64[D]"))
    a["case_codes"] = ""
    links = []
    for mun, want, when in zip(a["municipality_code"], rng.random(n) < 0.25, cabinet):
        codes, voted = stalled_by_muni.get(mun, (np.array([], dtype=object), np.array([], dtype="datetime64[D]")))
        options = codes[voted <= when]  # a cabinet can only take up projects already chosen
        links.append(";".join(sorted(rng.choice(options, min(len(options), 1 + int(rng.integers(2))), replace=False)))
                     if want and len(options) else "")
    a["project_codes"] = links
    return a[AGREEMENT_COLUMNS]
