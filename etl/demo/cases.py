"""1x10 del Buen Gobierno cases: two years of problems reported by communities.

Volume follows population, with a slow rise and fewer reports on Sundays; categories are
tied to the cabinet areas; each goes to an institution with a deadline; resolution times
have a long tail, so a share is overdue. Two patterns are planted for the maps to show:
water-problem clusters where the service is weak (slower to resolve, too) and one
municipality whose cases spike in the last three weeks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl.demo.config import NATIONAL_CASES, Scale
from etl.demo.rand import iso, points_in, stream
from etl.demo.territory import Territories
from geodata.vocab import CATEGORY_AREA

CASE_COLUMNS = ["code", "reported_date", "category", "status", "territory_code", "lon", "lat", "institution", "due_date",
                "resolved_date", "description", "project_code", "agreement_code"]

# Category: (share, days to the deadline, median days to resolve).
CATEGORIES = {
    "water": (0.20, 15, 12),
    "electricity": (0.16, 7, 5),
    "gas": (0.08, 10, 8),
    "telecom": (0.05, 15, 14),
    "roads": (0.09, 60, 45),
    "transport": (0.04, 30, 20),
    "waste": (0.07, 7, 6),
    "health": (0.07, 15, 10),
    "education": (0.04, 30, 20),
    "housing": (0.06, 90, 80),
    "food": (0.05, 7, 5),
    "security": (0.07, 7, 4),
    "other": (0.02, 30, 15),
}

# Water companies by state (INE code); the rest of the categories have national bodies.
WATER = {
    "01": "Hidrocapital", "15": "Hidrocapital", "24": "Hidrocapital", "23": "Hidrolago", "05": "Hidrocentro",
    "08": "Hidrocentro", "09": "Hidrocentro", "13": "Hidrolara", "11": "Hidrofalcón", "06": "Hidroandes",
    "21": "Hidroandes", "14": "Aguas de Mérida", "20": "Hidrosuroeste", "03": "Hidrocaribe", "16": "Aguas de Monagas",
    "17": "Hidrocaribe", "19": "Hidrocaribe", "12": "Hidropáez", "04": "Hidrollanos", "18": "Hidrolara",
    "22": "Aguas de Yaracuy", "07": "Hidrobolívar", "02": "Hidroamazonas", "10": "Hidroven", "25": "Hidroven",
}
INSTITUTIONS = {
    "electricity": "Corpoelec",
    "gas": "PDVSA Gas Comunal",
    "telecom": "CANTV",
    "roads": "Ministerio del Poder Popular para el Transporte",
    "transport": "Alcaldía",
    "waste": "Alcaldía",
    "health": "Ministerio del Poder Popular para la Salud",
    "education": "Ministerio del Poder Popular para la Educación",
    "housing": "Gran Misión Vivienda Venezuela",
    "food": "CLAP",
    "security": "Ministerio del Poder Popular para Relaciones Interiores, Justicia y Paz",
    "other": "Alcaldía",
}
DESCRIPTIONS = {
    "water": ("Sin servicio de agua por tubería", "Fuga de aguas blancas en la calle principal", "Agua turbia en las casas",
              "Bomba del pozo dañada", "Colapso de aguas servidas"),
    "electricity": ("Transformador quemado", "Bajones de voltaje frecuentes", "Poste caído", "Sector sin alumbrado público"),
    "gas": ("No llega el gas a la comunidad", "Bombonas sin despachar", "Fuga en la red de gas"),
    "telecom": ("Sin servicio de internet", "Línea telefónica sin tono", "Cable de cobre robado"),
    "roads": ("Huecos en la vía principal", "Derrumbe en la carretera", "Puente en mal estado"),
    "transport": ("Sin transporte público en la ruta", "Unidades de transporte insuficientes"),
    "waste": ("Basura acumulada en la esquina", "El aseo urbano no pasa"),
    "health": ("Consultorio sin médico", "Falta de medicamentos en el ambulatorio"),
    "education": ("Escuela sin docentes", "Techo de la escuela en mal estado"),
    "housing": ("Vivienda en riesgo de derrumbe", "Familias damnificadas sin vivienda"),
    "food": ("No llegó la bolsa CLAP", "Casa de alimentación cerrada"),
    "security": ("Robos frecuentes en el sector", "Zona oscura e insegura"),
    "other": ("Solicitud de apoyo a la comunidad",),
}


@dataclass(frozen=True)
class Patterns:
    """What the demo planted, so a person (or a test) can go and look."""

    water_hotspots: list[str]  # council codes at the centre of weak water service
    spike_municipality: str
    spike_days: int = 21
    # Council code -> the last day it reported (etl.demo.silence): nothing after it.
    silent_councils: dict[str, dt.date] = field(default_factory=dict)


def generate_cases(
    t: Territories, projects: pd.DataFrame, agreements: pd.DataFrame, scale: Scale, share: float, seed: int, today: dt.date
) -> tuple[pd.DataFrame, Patterns]:
    rng = stream(seed, "cases", today)
    councils = t.councils
    n_base = max(200, int(round(NATIONAL_CASES * share * scale.case_rate)))
    x, y = councils["x"].to_numpy(), councils["y"].to_numpy()
    pop = councils["population"].to_numpy(float)

    # Weak water service: a few centres, chosen where people are, with a ~5 km reach.
    n_hot = max(2, int(round(14 * share)))
    hot = rng.choice(len(councils), n_hot, replace=False, p=pop / pop.sum())
    d2 = np.min([(x - x[h]) ** 2 + (y - y[h]) ** 2 for h in hot], axis=0)
    water_boost = 1.0 + 24.0 * np.exp(-d2 / (2 * 0.03**2))

    # The spike: a populous municipality (not the largest, so it stands out) in the last weeks.
    munis = t.municipalities.sort_values("population", ascending=False)
    spike = munis["code"].iloc[min(len(munis) - 1, 1 + int(rng.integers(0, max(1, min(8, len(munis) - 1)))))]
    spike_days = 21

    # Base cases: when (a slow rise, quieter Sundays) and where (population).
    span = scale.case_days
    # Density rising ~40% over the span: inverse CDF of a linear ramp, in "days ago".
    ramp = 0.4
    v = rng.random(n_base)
    t_frac = (np.sqrt(1 + ramp * (2 + ramp) * v) - 1) / ramp  # 0 = oldest, 1 = today
    age = np.clip(((1 - t_frac) * span).astype(int), 0, span - 1)
    reported = np.datetime64(today, "D") - age.astype("timedelta64[D]")
    sunday = (reported.astype("datetime64[D]").view("int64") - 3) % 7 == 0  # 1970-01-04 was a Sunday
    reported[sunday & (rng.random(n_base) < 0.5)] -= np.timedelta64(1, "D")
    reported = np.minimum(reported, np.datetime64(today, "D"))
    council_i = rng.choice(len(councils), n_base, p=pop / pop.sum())

    spike_councils = np.flatnonzero(councils["municipality_code"].to_numpy() == spike)
    mun_share = pop[spike_councils].sum() / pop.sum()
    n_spike = max(30, int(round(n_base * mun_share * spike_days / span * 3.0)))
    spike_i = rng.choice(spike_councils, n_spike, p=pop[spike_councils] / pop[spike_councils].sum())
    spike_date = np.datetime64(today, "D") - rng.integers(0, spike_days, n_spike).astype("timedelta64[D]")
    council_i = np.concatenate([council_i, spike_i])
    reported = np.concatenate([reported, spike_date])
    is_spike = np.r_[np.zeros(n_base, bool), np.ones(n_spike, bool)]
    n = len(council_i)

    # Categories: the national mix, water boosted near the hot spots, the spike mostly electricity and water.
    cats = np.array(list(CATEGORIES))
    base_p = np.array([c[0] for c in CATEGORIES.values()])
    base_p = base_p / base_p.sum()
    pw = base_p[0] * water_boost[council_i]
    pw = pw / (pw + (1 - base_p[0]))
    is_water = rng.random(n) < pw
    others = rng.choice(np.arange(1, len(cats)), n, p=base_p[1:] / base_p[1:].sum())
    cat_i = np.where(is_water, 0, others)
    spike_mix = rng.choice([0, 1, 1, 2, int(np.flatnonzero(cats == "security")[0])], n)
    cat_i = np.where(is_spike & (rng.random(n) < 0.8), spike_mix, cat_i)
    category = cats[cat_i]

    due_days = np.array([c[1] for c in CATEGORIES.values()])[cat_i]
    median = np.array([c[2] for c in CATEGORIES.values()], dtype=float)[cat_i]
    median = median * np.where(is_water, np.sqrt(water_boost[council_i]), 1.0)  # weak service is slow too
    resolve_days = np.ceil(median * rng.lognormal(0.0, 1.0, n)).astype(int)
    never = rng.random(n) < 0.04
    rejected = ~never & (rng.random(n) < 0.03)
    today64 = np.datetime64(today, "D")
    age = (today64 - reported).astype(int)
    done = ~never & ~rejected & (resolve_days <= age)
    closed = done & (rng.random(n) < 0.35)
    status = np.where(age < 2, "reported", np.where(age < 6, "assigned", "in_progress")).astype(object)
    stuck = (status == "in_progress") & (rng.random(n) < 0.15)
    status[stuck] = "assigned"
    status[done] = "resolved"
    status[closed] = "closed"
    rejected = rejected & (age >= 3)
    status[rejected] = "rejected"
    resolved = np.where(done, reported + resolve_days.astype("timedelta64[D]"), np.datetime64("NaT")).astype("datetime64[D]")

    state = councils["state_code"].to_numpy()[council_i]
    institution = np.array([INSTITUTIONS.get(c) or "" for c in cats], dtype=object)[cat_i]
    water_rows = category == "water"
    institution[water_rows] = pd.Series(state[water_rows]).map(WATER).fillna("Hidroven").to_numpy()

    lon, lat = points_in(councils.geometry.values, council_i, rng)
    texts = [DESCRIPTIONS[c] for c in cats]
    flat = np.array([d for group in texts for d in group], dtype=object)
    first = np.cumsum([0] + [len(group) for group in texts])[:-1]
    sizes = np.array([len(group) for group in texts])
    description = flat[first[cat_i] + rng.integers(0, 60, n) % sizes[cat_i]]

    order = np.lexsort((council_i, reported))
    cases = pd.DataFrame({
        "reported_date": iso(reported.astype("datetime64[D]")),
        "category": category,
        "status": status,
        "territory_code": councils["code"].to_numpy()[council_i],
        "lon": lon,
        "lat": lat,
        "institution": institution,
        "due_date": iso((reported + due_days.astype("timedelta64[D]")).astype("datetime64[D]")),
        "resolved_date": iso(resolved),
        "description": description,
        "commune_code": councils["commune_code"].to_numpy()[council_i],
        "municipality_code": councils["municipality_code"].to_numpy()[council_i],
    }).iloc[order].reset_index(drop=True)
    cases.insert(0, "code", [f"1X10-{i:07d}" for i in range(1, n + 1)])
    cases["project_code"] = _link_projects(cases, projects, rng)
    cases["agreement_code"] = _link_agreements(cases, agreements, rng)
    hot_codes = sorted(councils["code"].to_numpy()[hot].tolist())
    return cases, Patterns(water_hotspots=hot_codes, spike_municipality=spike, spike_days=spike_days)


def _link_projects(cases: pd.DataFrame, projects: pd.DataFrame, rng) -> np.ndarray:
    """A case answered by a project of its commune in the same sector, when there is one (a third of those)."""
    first = projects.dropna(subset=["commune_code"]).drop_duplicates(["commune_code", "sector"])
    key = dict(zip(zip(first["commune_code"], first["sector"]), first["code"]))
    pairs = zip(cases["commune_code"].to_numpy(), cases["category"].to_numpy())
    linked = np.array([key.get(p, "") for p in pairs], dtype=object)
    linked[rng.random(len(linked)) > 0.35] = ""
    return linked


def _link_agreements(cases: pd.DataFrame, agreements: pd.DataFrame, rng) -> np.ndarray:
    """About 4% of cases are taken up by a cabinet agreement of their municipality and area, made after the report."""
    out = np.full(len(cases), "", dtype=object)
    area = cases["category"].map(CATEGORY_AREA).to_numpy()
    chosen = np.flatnonzero(rng.random(len(cases)) < 0.04)
    groups = {
        key: (g["code"].to_numpy(), g["cabinet_date"].to_numpy())
        for key, g in agreements.groupby(["municipality_code", "area"])
    }
    mun = cases["municipality_code"].to_numpy()
    reported = cases["reported_date"].to_numpy()
    picks = rng.random(len(chosen))
    for i, u in zip(chosen, picks):
        group = groups.get((mun[i], area[i]))
        if group is None:
            continue
        later = group[0][group[1] >= reported[i]]
        if len(later):
            out[i] = later[int(u * len(later))]
    return out
