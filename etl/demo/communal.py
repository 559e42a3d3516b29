"""The rest of the communal government system for the demo: peace quadrants that cut
across parishes, a defence plan per parish, communal businesses, justices of the peace per
commune and the cases they attend. Each with the few stale or late ones a room should find
(quadrants with no report for weeks, plans not reviewed for a year)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import shapely

from etl.demo.config import Scale
from etl.demo.rand import days, iso, points_in, stream
from etl.demo.territory import Territories

NATIONAL_QUADRANTS = 3000
NATIONAL_BUSINESSES = 25_800
QUADRANT_COLUMNS = ["code", "name", "territory_code", "responsible_body", "last_report_date", "wkt"]
DEFENSE_PLAN_COLUMNS = ["code", "name", "territory_code", "area", "responsible", "status", "last_review_date"]
BUSINESS_COLUMNS = ["code", "name", "territory_code", "sector", "legal_form", "workers", "status", "lon", "lat"]
PEACE_JUDGE_COLUMNS = ["code", "name", "territory_code", "elected_date"]
PEACE_CASE_COLUMNS = ["code", "judge_code", "case_date", "case_type", "status", "resolution", "resolved_date"]

BODIES = ("Policía Nacional Bolivariana", "Policía estadal", "Policía municipal", "Guardia Nacional Bolivariana")
SECTORS = ("alimentos", "textil", "construcción", "agrícola", "servicios", "transporte", "gas comunal", "turismo")
SECTOR_WEIGHTS = (0.3, 0.1, 0.12, 0.22, 0.12, 0.06, 0.04, 0.04)
FORMS = ("eps_direct", "eps_indirect", "family_unit", "exchange_group")
PEACE_TYPES = ("convivencia vecinal", "familiar", "linderos y vivienda", "ruido", "deudas menores", "animales")
FIRST = ("María", "José", "Luisa", "Carlos", "Yelitza", "Pedro", "Ana", "Jesús", "Carmen", "Luis", "Rosa", "Miguel")
LAST = ("Pérez", "González", "Rodríguez", "Hernández", "García", "Martínez", "López", "Díaz", "Ramírez", "Torres")


def _split(total: int, weight: np.ndarray, minimum: int = 1) -> np.ndarray:
    share = weight / weight.sum()
    return np.maximum(minimum, np.round(total * share)).astype(int)


def _quadrants(t: Territories, scale: Scale, share: float, rng, today: dt.date) -> pd.DataFrame:
    """Each municipality cut by a grid into about as many quadrants as its population asks
    for: grid cells ignore parish borders, as real patrol quadrants do."""
    munis = t.municipalities
    wanted = _split(int(NATIONAL_QUADRANTS * share * scale.density), munis["population"].to_numpy(float))
    rows = []
    for code, name, geom, n in zip(munis["code"], munis["name"], munis.geometry.values, wanted):
        minx, miny, maxx, maxy = geom.bounds
        side = max(1, int(np.ceil(np.sqrt(n * (maxx - minx) * (maxy - miny) / max(geom.area, 1e-9)))))
        xs, ys = np.linspace(minx, maxx, side + 1), np.linspace(miny, maxy, side + 1)
        cells = [shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i in range(side) for j in range(side)]
        parts = shapely.intersection(np.asarray(cells, dtype=object), geom)
        kept = [p for p in parts if not p.is_empty and p.area > 0.05 * cells[0].area and p.geom_type in ("Polygon", "MultiPolygon")]
        for k, part in enumerate(kept, start=1):
            rows.append((f"CP-{code}-{k:02d}", f"Cuadrante {k} {name}", code, shapely.to_wkt(part, rounding_precision=5)))
    frame = pd.DataFrame(rows, columns=["code", "name", "territory_code", "wkt"])
    n = len(frame)
    age = rng.integers(0, 15, n)
    stale = rng.random(n) < 0.06  # no patrol report for five to twelve weeks
    age[stale] = rng.integers(35, 85, stale.sum())
    frame["responsible_body"] = rng.choice(BODIES, n)
    frame["last_report_date"] = iso(days(today, -age))
    return frame[QUADRANT_COLUMNS]


def _defense_plans(t: Territories, rng, today: dt.date) -> pd.DataFrame:
    parishes = t.parishes
    n = len(parishes)
    status = rng.choice(("active", "exercised", "drafting", "suspended"), n, p=(0.5, 0.3, 0.15, 0.05))
    age = rng.integers(10, 300, n)
    old = rng.random(n) < 0.08  # not reviewed or exercised for over a year
    age[old] = rng.integers(400, 700, old.sum())
    labels = {"active": "Activo", "exercised": "Ejercitado", "drafting": "En formulación", "suspended": "Suspendido"}
    return pd.DataFrame({
        "code": "PDI-" + parishes["code"].astype(str),
        "name": "Plan de defensa integral " + parishes["name"].astype(str),
        "territory_code": parishes["code"].to_numpy(),
        "area": "ZODI " + parishes["parent_code"].astype(str).str[:2],
        "responsible": "Milicia Bolivariana",
        "status": [labels[s] for s in status],  # as a room's spreadsheet spells them
        "last_review_date": iso(days(today, -age)),
    })[DEFENSE_PLAN_COLUMNS]


def _businesses(t: Territories, scale: Scale, share: float, rng) -> pd.DataFrame:
    councils = t.councils
    n = max(len(t.municipalities), int(NATIONAL_BUSINESSES * share * scale.density))
    weight = councils["households"].to_numpy(float)
    council_i = np.sort(rng.choice(len(councils), n, p=weight / weight.sum()))
    lon, lat = points_in(councils.geometry.values, council_i, rng)
    sector = rng.choice(SECTORS, n, p=SECTOR_WEIGHTS)
    return pd.DataFrame({
        "code": [f"EPS-{i + 1:06d}" for i in range(n)],
        "name": [f"{'Unidad' if f == 'family_unit' else 'EPS'} {s} {c[3:]}" for s, f, c in
                 zip(sector, rng.choice(FORMS, n), councils["name"].to_numpy()[council_i])],
        "territory_code": councils["code"].to_numpy()[council_i],
        "sector": sector,
        "legal_form": rng.choice(FORMS, n, p=(0.35, 0.2, 0.35, 0.1)),
        "workers": rng.integers(2, 40, n),
        "status": rng.choice(("active", "in_formation", "inactive"), n, p=(0.72, 0.18, 0.10)),
        "lon": lon,
        "lat": lat,
    })[BUSINESS_COLUMNS]


def _peace(t: Territories, scale: Scale, rng, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    communes = t.communes
    has = rng.random(len(communes)) < 0.7
    chosen = communes[has]
    n = len(chosen)
    judges = pd.DataFrame({
        "code": "JP-" + chosen["code"].astype(str),
        "name": [f"{a} {b}" for a, b in zip(rng.choice(FIRST, n), rng.choice(LAST, n))],
        "territory_code": chosen["code"].to_numpy(),
        "elected_date": iso(days(today, -rng.integers(200, 1500, n))),
    })
    per = rng.poisson(max(1.0, 18 * scale.activity), n)
    judge_i = np.repeat(np.arange(n), per)
    m = len(judge_i)
    age = rng.integers(0, 365, m)
    status = np.where(age < 20, rng.choice(("open", "in_mediation"), m),
                      rng.choice(("resolved", "referred", "in_mediation", "open"), m, p=(0.7, 0.12, 0.1, 0.08)))
    took = rng.integers(3, 45, m)
    resolved = np.where(status == "resolved", np.minimum(took, age), -1)
    case_date = days(today, -age)
    resolved_date = np.where(resolved >= 0, case_date + np.maximum(resolved, 0).astype("timedelta64[D]"), np.datetime64("NaT"))
    cases = pd.DataFrame({
        "code": [f"EXP-{i + 1:07d}" for i in range(m)],
        "judge_code": judges["code"].to_numpy()[judge_i],
        "case_date": iso(case_date),
        "case_type": rng.choice(PEACE_TYPES, m),
        "status": status,
        "resolution": np.where(status == "resolved", "Acuerdo conciliatorio entre las partes", ""),
        "resolved_date": iso(resolved_date),
    })
    return judges[PEACE_JUDGE_COLUMNS], cases[PEACE_CASE_COLUMNS]


def generate_communal(t: Territories, scale: Scale, share: float, seed: int, today: dt.date) -> dict[str, pd.DataFrame]:
    """kind → frame, in load order (judges before their cases)."""
    rng = stream(seed, "communal", today)
    judges, peace_cases = _peace(t, scale, rng, today)
    return {
        "quadrant": _quadrants(t, scale, share, rng, today),
        "defense-plan": _defense_plans(t, rng, today),
        "business": _businesses(t, scale, share, rng),
        "peace-judge": judges,
        "peace-case": peace_cases,
    }
