"""The measure spec: every indicator of the room declared once.

Two kinds of declaration, both kept in order in registries of this module:

- a `Sum` is an additive measure of the record rows: a column of `indicator_fact`
  (`geodata.models.facts` builds its columns from `FACT_MEASURES`), the expression each
  row of its source contributes (built from `geodata.rules` where a rule of time applies)
  and how the facts by dimension give it when a record filter is on. The fact refresh,
  the live sums below the parish and the filtered reads are generated from these
  (`geodata.indicators.rows`).
- an `Indicator` is what the room shows: its Spanish label, unit and format, how its
  value is composed from the sums and the snapshot (`Total`, `Ratio`, `Median`,
  `Snapshot`), and where it appears: a column of the territory layers (`layer`), a KPI
  card (`kpi`: its position) and a column of the territory grid (`grid`: its position).

Adding an indicator is one `Indicator(...)` (plus a `Sum` and a migration when it needs
a sum the facts do not keep yet). This module imports nothing from the schema at import
time (the schema derives its fact columns from it); the rules' SQL is compiled on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

# Lower edges (days) of the buckets that count cases by time to resolve: medians are
# estimated from these sums, so they can be materialised and added across territories.
RESOLVE_DAY_BUCKETS: tuple[int, ...] = (0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365)

# The record rows a sum is taken over (their SQL: `geodata.indicators.rows`), each with the
# alias its expressions use and the facts by dimension that split it (None: no filter acts on it).
SOURCES: dict[str, tuple[str, str | None]] = {
    "case_reported": ("c", "case_fact"),  # a case, on the day it was reported
    "case_resolved": ("c", "case_fact"),  # a resolved or closed case, on the day it was resolved
    "project": ("p", "project_fact"),  # a project, at its start
    "deposit": ("d", "project_fact"),  # a deposit to a project (`p`), on its day
    "delivery": ("cd", None),  # a CLAP delivery (`k` its CLAP)
    "agreement": ("a", None),  # a cabinet agreement, on its cabinet's day
}


# --- rules as SQL text --------------------------------------------------------------------

def rule_sql(expression) -> str:
    """A rule of `geodata.rules` (an SQLAlchemy expression) as SQL text, its constants
    inline; `TODAY` stays the bound parameter :today."""
    from sqlalchemy.dialects import postgresql

    return str(expression.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


@functools.cache
def _aliases():
    from sqlalchemy import literal_column
    from sqlalchemy.orm import aliased

    from geodata.models import Agreement, Case, Project

    # f: a row of case_fact, which keeps a case's status (and category) as its keys.
    return {"today": literal_column(":today"), "c": aliased(Case, name="c"), "p": aliased(Project, name="p"),
            "a": aliased(Agreement, name="a"), "f": aliased(Case, name="f")}


def rule(build: Callable) -> Callable[[], str]:
    """An expression made by `build(today, c, p, a, f)` (the aliased models), compiled once."""
    return functools.cache(lambda: rule_sql(build(**_aliases())))


def flag(sql: str | Callable[[], str]) -> Callable[[], str]:
    """A condition as a 0/1 count."""
    return lambda: f"({sql() if callable(sql) else sql})::int"


# --- sums -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sum:
    """An additive measure: a column of indicator_fact and what each row of `source` adds.

    `expr`: SQL on the source's alias (or a function giving it, for rules compiled late);
    `column`: the fact column's type ("int", "bigint", "money"); `by_dimension`: how a
    filtered read gets it from the source's facts by dimension — None, its own column
    there; else an SQL expression on their rows `f` (e.g. a sum over their keys)."""

    name: str
    source: str
    expr: str | Callable[[], str]
    column: str = "int"
    by_dimension: str | Callable[[], str] | None = None

    @property
    def sql(self) -> str:
        return self.expr() if callable(self.expr) else self.expr


def _open_cases(c):
    from geodata.vocab import OPEN_CASE_STATUSES

    return c.status.in_(OPEN_CASE_STATUSES)


def _advanced(p):
    from geodata.rules import ADVANCED_STAGES

    return p.stage.in_(ADVANCED_STAGES)


def _case_overdue(today, c):
    from geodata.rules import case_overdue

    return case_overdue(today, c)


def _agreement_overdue(today, a):
    from geodata.rules import agreement_overdue

    return agreement_overdue(today, a)


DAYS_TO_RESOLVE = "(c.resolved_date - c.reported_date)"


def _bucket(i: int) -> str:
    """A resolved case whose time to resolve falls in bucket i."""
    edges = RESOLVE_DAY_BUCKETS
    cond = f"{DAYS_TO_RESOLVE} >= {edges[i]}"
    if i + 1 < len(edges):
        cond += f" AND {DAYS_TO_RESOLVE} < {edges[i + 1]}"
    return f"({cond})::int"


_OPEN_CASES = rule(lambda c, **_: _open_cases(c))
_OPEN_CASE_FACTS = rule(lambda f, **_: _open_cases(f))
# Open and past its due date on :today (geodata.rules.case_overdue), as SQL on a case `c`.
CASE_OVERDUE = rule(lambda today, c, **_: _case_overdue(today, c))

SUMS: dict[str, Sum] = {}


def declare_sum(s: Sum) -> Sum:
    if s.source not in SOURCES:
        raise ValueError(f"unknown record source {s.source!r}")
    SUMS[s.name] = s
    return s


for _s in (
    Sum("cases_reported", "case_reported", "1"),
    # Open and overdue are reported cases of those keys in case_fact: no columns of their own there.
    Sum("cases_open", "case_reported", flag(_OPEN_CASES),
        by_dimension=lambda: f"coalesce(sum(f.cases_reported) FILTER (WHERE {_OPEN_CASE_FACTS()}), 0)"),
    Sum("cases_overdue", "case_reported", flag(CASE_OVERDUE),
        by_dimension="coalesce(sum(f.cases_reported) FILTER (WHERE f.overdue), 0)"),
    Sum("cases_with_solution", "case_reported", "(EXISTS (SELECT 1 FROM case_solution s WHERE s.case_id = c.id))::int"),
    Sum("cases_resolved", "case_resolved", "1"),
    Sum("resolve_days_sum", "case_resolved", DAYS_TO_RESOLVE, "bigint"),
    *(Sum(f"resolved_in_{i:02d}", "case_resolved", _bucket(i)) for i in range(len(RESOLVE_DAY_BUCKETS))),
    Sum("projects_total", "project", "1"),
    Sum("projects_funded", "project", flag(rule(lambda p, **_: _advanced(p)))),
    Sum("projects_in_progress", "project", "(p.stage = 'in_progress')::int"),
    Sum("projects_stalled", "project", "(p.stage = 'stalled')::int"),
    Sum("projects_completed", "project", "(p.stage = 'completed')::int"),
    Sum("budget_approved", "project", "CASE WHEN p.stage <> 'proposed' THEN coalesce(p.budget, 0) ELSE 0 END", "money"),
    Sum("deposits_amount", "deposit", "d.amount", "money"),
    Sum("deliveries", "delivery", "1"),
    Sum("households_served", "delivery", "cd.households_served"),
    Sum("agreements_total", "agreement", "1"),
    # An agreement without a due date is never overdue (and must not make the sum NULL).
    Sum("agreements_overdue", "agreement", flag(rule(lambda today, a, **_: _agreement_overdue(today, a)))),
    Sum("agreements_done", "agreement", "(a.status = 'done')::int"),
):
    declare_sum(_s)

# The columns of indicator_fact, in this order (the schema's; a new one needs a migration).
FACT_MEASURES: tuple[str, ...] = tuple(SUMS)


def dimension_measures(table: str, *, stored: bool) -> tuple[str, ...]:
    """The sums the facts by dimension `table` give: `stored`, those kept as its own
    columns (its schema); else every one a filtered read returns."""
    return tuple(name for name, s in SUMS.items() if SOURCES[s.source][1] == table
                 and (not stored or s.by_dimension is None))


def dimension_read(name: str) -> str:
    """The select item of a filtered read of sum `name` from the facts by dimension `f`."""
    by = SUMS[name].by_dimension
    return f"{(by() if callable(by) else by) if by else f'sum(f.{name})'} AS {name}"


def select_list(source: str, names: tuple[str, ...] | None = None) -> str:
    """The select list of one source's rows: its sums' expressions, 0 for every other
    sum of `names` (default: every fact measure), each named after its sum."""
    return ", ".join(f"{SUMS[n].sql if SUMS[n].source == source else '0'} AS {n}" for n in (names or FACT_MEASURES))


# --- the snapshot: states of now, summed from indicator_snapshot `s` ----------------------------

SNAPSHOT: dict[str, str] = {
    "households": "sum(s.households)",
    "population": "sum(s.population)",
    "clap_count": "sum(s.clap_count)",
    "clap_households": "sum(s.clap_households)",
    "clap_days_since_delivery": "sum(s.clap_days_since_sum)::float / nullif(sum(s.clap_delivered), 0)",
    "claps_without_recent_delivery": "sum(s.claps_without_recent_delivery)",
    "councils": "sum(s.councils)",
    "councils_silent": "sum(s.councils_silent)",
}


# --- how an indicator's value is composed ---------------------------------------------------

def num(value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # sum() of integers comes back as numeric: counts should stay integers.
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def operands(sums: dict, snap: dict) -> dict:
    """Every sum (0 when no record counts) and snapshot value (None when unknown) of one
    territory, normalised once: what the value rules below read, by name."""
    out = dict.fromkeys(SUMS, 0)
    for name, value in sums.items():
        if value and name in out:
            out[name] = num(value)
    for name in SNAPSHOT:
        out[name] = num(snap.get(name))
    return out


def _get(ops: dict, name: str):
    try:
        return ops[name]
    except KeyError:
        raise KeyError(f"{name!r} is neither a sum nor a snapshot measure") from None


class _Rule:
    """A value rule: `of(operands)` on prepared operands (`compose` prepares them once per
    territory for every indicator); called as `rule(sums, snap)` it prepares them itself."""

    def __call__(self, sums: dict, snap: dict):
        return self.of(operands(sums, snap))


@dataclass(frozen=True)
class Total(_Rule):
    """The summed measure (or snapshot value) `name`; `default` when it is unknown."""

    name: str
    default: int | None = 0

    def of(self, ops: dict):
        value = _get(ops, self.name)
        return self.default if value is None else value


@dataclass(frozen=True)
class Ratio(_Rule):
    """numerator / denominator × scale, both sums or snapshot values (None without a denominator)."""

    numerator: str
    denominator: str
    scale: float = 1.0

    def of(self, ops: dict):
        a, b = _get(ops, self.numerator), _get(ops, self.denominator)
        if a is None or not b:
            return None
        return a / b * self.scale


@dataclass(frozen=True)
class Median(_Rule):
    """The median days to resolve, estimated from the resolved_in_NN bucket sums."""

    def of(self, ops: dict):
        edges = RESOLVE_DAY_BUCKETS
        counts = [int(ops[f"resolved_in_{i:02d}"]) for i in range(len(edges))]
        total = sum(counts)
        if total == 0:
            return None
        half, seen = total / 2, 0
        for i, count in enumerate(counts):
            if seen + count >= half and count:
                low = edges[i]
                high = edges[i + 1] if i + 1 < len(edges) else low * 2
                return low + (half - seen) / count * (high - low)
            seen += count
        return float(edges[-1])


@dataclass(frozen=True)
class Indicator:
    """What the room shows of a territory, declared once.

    `value`: how it is composed (a `Total`, `Ratio`, `Median`... of the sums and the
    snapshot); `layer`: its column type in the territory layers ("int", "float"; None:
    not a layer column); `kpi`, `grid`: its position among the KPI cards and the grid's
    columns (None: not shown there)."""

    id: str
    label: str
    unit: str = ""
    higher_is_worse: bool = True
    fmt: str = ",.0f"
    description: str = ""
    value: Callable[[dict, dict], float | int | None] | None = None
    layer: str | None = None
    kpi: int | None = None
    grid: int | None = None

    def compose(self, sums: dict, snap: dict):
        return self.of(operands(sums, snap), sums, snap)

    @functools.cached_property
    def _rule_of(self) -> Callable[[dict], float | int | None] | None:
        # Built once per indicator: `of` runs for every territory of an export (49,000 councils).
        rule = self.value or Total(self.id)
        return rule.of if isinstance(rule, _Rule) else None

    def of(self, ops: dict, sums: dict, snap: dict):
        """The value from prepared `operands` (a plain callable `value` reads sums and snap)."""
        rule_of = self._rule_of
        return rule_of(ops) if rule_of is not None else self.value(sums, snap)


# --- the indicators, in the room's order -------------------------------------------------------

INDICATORS: dict[str, Indicator] = {}


def declare(indicator: Indicator) -> Indicator:
    """Add an indicator to the room (after the others): its values, the layers' columns,
    the KPIs and the grid read the registry when built."""
    if indicator.id in INDICATORS:
        raise ValueError(f"indicator {indicator.id!r} already declared")
    INDICATORS[indicator.id] = indicator
    return indicator


def withdraw(indicator_id: str) -> None:
    """Take an indicator out again (a test's declaration, at its teardown)."""
    INDICATORS.pop(indicator_id, None)


_P = "%"
for _i in (
    Indicator("cases_reported", "Casos reportados", "casos", True, ",.0f", "Casos 1x10 reportados en el período",
              layer="int"),
    Indicator("cases_open", "Casos abiertos", "casos", True, ",.0f", "Casos del período aún sin resolver",
              layer="int", kpi=1, grid=1),
    Indicator("cases_overdue", "Casos vencidos", "casos", True, ",.0f", "Casos abiertos con la fecha límite vencida",
              layer="int", kpi=2, grid=2),
    Indicator("cases_open_per_1000_households", "Casos abiertos por 1.000 familias", "por 1.000", True, ",.1f",
              value=Ratio("cases_open", "households", 1000), kpi=3, grid=3),
    Indicator("cases_resolved", "Casos resueltos", "casos", False, ",.0f", "Casos resueltos en el período",
              layer="int"),
    Indicator("median_days_to_resolve", "Mediana de días para resolver", "días", True, ",.0f", value=Median(),
              layer="float"),
    Indicator("cases_with_solution_share", "Casos con solución vinculada", _P, False, ".0f",
              "Porcentaje de casos vinculados a un proyecto o acuerdo",
              value=Ratio("cases_with_solution", "cases_reported", 100), layer="float", kpi=4, grid=4),
    Indicator("projects_total", "Proyectos", "proyectos", False, ",.0f", layer="int"),
    Indicator("projects_in_progress", "Proyectos en ejecución", "proyectos", False, ",.0f", kpi=5, grid=5),
    Indicator("projects_stalled", "Proyectos paralizados", "proyectos", True, ",.0f", layer="int", kpi=6),
    Indicator("projects_completed", "Proyectos culminados", "proyectos", False, ",.0f"),
    Indicator("budget_approved", "Presupuesto aprobado", "Bs.", False, ",.0f", layer="float"),
    Indicator("budget_deposited", "Monto depositado", "Bs.", False, ",.0f", value=Total("deposits_amount"),
              layer="float"),
    Indicator("budget_deposited_share", "Depositado / aprobado", _P, False, ".0f",
              value=Ratio("deposits_amount", "budget_approved", 100), layer="float", kpi=7, grid=6),
    Indicator("clap_count", "CLAP", "comités", False, ",.0f", layer="int"),
    Indicator("clap_coverage", "Cobertura CLAP", "% familias", False, ".0f",
              value=Ratio("clap_households", "households", 100), layer="float", kpi=8, grid=7),
    Indicator("clap_days_since_delivery", "Días desde la última entrega CLAP", "días", True, ",.0f",
              "Promedio de días desde la última entrega de cada CLAP", value=Total("clap_days_since_delivery", None),
              layer="float", grid=8),
    Indicator("claps_without_recent_delivery", "CLAP sin entrega reciente", "comités", True, ",.0f", kpi=9),
    Indicator("councils_silent", "Consejos comunales sin reportar", "consejos", True, ",.0f",
              "Consejos comunales sin ningún caso, entrega CLAP ni movimiento de proyecto en los últimos días "
              "(SALA_SILENCE_DAYS)", kpi=11),
    Indicator("councils_silent_share", "Consejos comunales sin reportar (%)", "% de consejos", True, ".0f",
              "Porcentaje de los consejos comunales del territorio que no reportan nada en los últimos días",
              value=Ratio("councils_silent", "councils", 100), grid=10),
    Indicator("deliveries", "Entregas CLAP", "entregas", False, ",.0f"),
    Indicator("agreements_total", "Acuerdos de gabinete", "acuerdos", False, ",.0f", layer="int"),
    Indicator("agreements_overdue", "Acuerdos vencidos", "acuerdos", True, ",.0f", layer="int", kpi=10, grid=9),
    Indicator("households", "Familias", "familias", False, ",.0f", value=Total("households", None), grid=11),
    Indicator("population", "Población", "habitantes", False, ",.0f", value=Total("population", None)),
):
    declare(_i)


def compose(sums: dict, snap: dict, only: tuple[str, ...] | None = None) -> dict:
    """Every indicator's value for one territory (or those of `only`) from its summed
    measures and snapshot."""
    ops = operands(sums, snap)
    chosen = INDICATORS.values() if only is None else (INDICATORS[i] for i in only)
    return {i.id: i.of(ops, sums, snap) for i in chosen}


def territory_indicators() -> tuple[tuple[str, str], ...]:
    """(id, column type) of the indicators the territory layers carry, in the room's order."""
    return tuple((i.id, i.layer) for i in INDICATORS.values() if i.layer)


def kpi_ids() -> tuple[str, ...]:
    return tuple(i.id for i in sorted((i for i in INDICATORS.values() if i.kpi is not None), key=lambda i: i.kpi))


def grid_ids() -> tuple[str, ...]:
    return tuple(i.id for i in sorted((i for i in INDICATORS.values() if i.grid is not None), key=lambda i: i.grid))
