"""The follow-up team of every municipality's cabinet (demo): a liaison per ministry that
answers its agreements, the governor's and the mayor's office, a spokesperson per area,
and for each working table its rapporteur, secretary and systematizer. Invented names,
loaded as demo data like the rest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.demo.rand import stream
from etl.demo.territory import Territories

TEAM_COLUMNS = ["code", "municipality_code", "role", "name", "institution", "area", "working_table", "phone"]

FIRST_NAMES = ("Ana", "Luis", "María", "José", "Carmen", "Pedro", "Rosa", "Carlos", "Yolanda", "Jesús", "Daniela", "Miguel",
               "Luisa", "Rafael", "Gabriela", "Víctor", "Marisol", "Héctor", "Yusmary", "Ramón", "Elena", "Wilmer", "Nelly",
               "Francisco", "Beatriz", "Orlando", "Xiomara", "Ángel", "Milagros", "Freddy")
LAST_NAMES = ("Pérez", "González", "Rodríguez", "Hernández", "García", "Martínez", "López", "Díaz", "Rojas", "Moreno",
              "Medina", "Castillo", "Mendoza", "Blanco", "Guerrero", "Salazar", "Ramírez", "Torres", "Flores", "Suárez",
              "Vargas", "Gil", "Brito", "Marcano", "Rondón", "Linares", "Colmenares", "Villegas", "Peña", "Acosta")
# Liaisons: a ministry (or state body) answering the cabinets' agreements.
LIAISON_INSTITUTIONS = ("Ministerio del Poder Popular para la Salud", "Ministerio del Poder Popular para la Educación",
                        "Ministerio del Poder Popular para la Alimentación", "Ministerio del Poder Popular para el Transporte",
                        "Ministerio del Poder Popular para Relaciones Interiores, Justicia y Paz",
                        "Ministerio del Poder Popular para las Comunas", "Hidroven", "Corpoelec", "CANTV")
AREAS = ("social", "public_services", "integral_security")


def generate_team(t: Territories, agreements: pd.DataFrame, seed: int, today: dt.date) -> pd.DataFrame:
    """One row per seat of each municipality's team; the working tables are the ones its
    agreements name."""
    rng = stream(seed, "team", today)
    tables = agreements.groupby("municipality_code")["working_table"].agg(lambda s: sorted(set(s.dropna()))).to_dict()
    rows: list[tuple] = []
    for mun in t.municipalities["code"]:
        seats: list[tuple] = [("liaison", inst, None, None) for inst in LIAISON_INSTITUTIONS]
        seats += [("governor_office", None, None, None), ("mayor_office", None, None, None)]
        seats += [("spokesperson", None, area, None) for area in AREAS]
        seats += [(role, None, None, table) for table in tables.get(mun, ()) for role in ("rapporteur", "secretary", "systematizer")]
        first = rng.integers(len(FIRST_NAMES), size=len(seats))
        last = rng.integers(len(LAST_NAMES), size=(len(seats), 2))
        phones = rng.integers(1_000_000, 9_999_999, size=len(seats))
        for k, (role, inst, area, table) in enumerate(seats):
            name = f"{FIRST_NAMES[first[k]]} {LAST_NAMES[last[k, 0]]} {LAST_NAMES[last[k, 1]]}"
            rows.append((f"EQ-{mun}-{k + 1:03d}", mun, role, name, inst, area, table, f"0414-{phones[k]}"))
    return pd.DataFrame(rows, columns=TEAM_COLUMNS)
