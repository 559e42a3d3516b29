"""The two sizes of the demo and the targets they are built to."""

from __future__ import annotations

from dataclasses import dataclass

# Persons per household used to derive households from the 2011 census population:
# with it, ~49,000 councils average ~150 households, as the communal registry reports.
PERSONS_PER_HOUSEHOLD = 3.7

# National targets (the whole country): the communal registry's orders of magnitude.
NATIONAL_PARISHES = 1140
NATIONAL_COMMUNES = 3700
NATIONAL_COUNCILS = 49000
NATIONAL_CLAPS = 30000
NATIONAL_CASES = 1_000_000
# Consultation rounds: name, day of the vote, projects chosen nationally.
ROUNDS = (("2024-1", "2024-04-21", 4300), ("2024-2", "2024-08-25", 4800), ("2025-1", "2025-02-02", 5100), ("2025-2", "2025-04-27", 5400))


@dataclass(frozen=True)
class Scale:
    """How much of the country, and how densely, a demo covers.

    `density` scales communes, councils and CLAPs (1.0 = national density); `activity`
    scales projects and agreements; `case_rate` scales the 1x10 cases. Parishes are
    always allocated on the whole country, so a state has the same parishes at any scale.
    """

    name: str
    states: tuple[str, ...] | None
    density: float
    activity: float
    case_rate: float
    delivery_days: int
    case_days: int = 730


SCALES = {
    "national": Scale("national", None, density=1.0, activity=1.0, case_rate=1.0, delivery_days=365),
    # Distrito Capital (Libertador, 0101: the dashboard's tests open /?territory=0101) and
    # Miranda (21 municipalities, for drill-down and comparisons), thinned so the whole
    # fixture loads in seconds.
    "small": Scale("small", ("01", "15"), density=0.2, activity=0.15, case_rate=0.05, delivery_days=180),
}


def get_scale(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown demo scale {name!r}; choose one of: {', '.join(SCALES)}") from None
