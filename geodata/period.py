"""The time window of a request: a date range, a consultation round, or both.

One `Period` is resolved at the edge of each request (from the URL, the command line or
an OGC `datetime`) and passed down; this is the one place that says how a period cuts
records, and on which day "overdue" and "days since" are judged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import and_, or_, true

from geodata.errors import InvalidInput
from geodata.vocab import CONSULTATION_ROUND_PATTERN

_ROUND = re.compile(CONSULTATION_ROUND_PATTERN)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def parse_date(value: str | dt.date | None, name: str = "fecha") -> dt.date | None:
    """A date as people write it (ISO 8601, dd/mm/aaaa, dd-mm-aaaa); None for blank."""
    if value is None or isinstance(value, dt.date):
        return value
    text_value = str(value).strip()
    if not text_value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text_value[:10], fmt).date()
        except ValueError:
            continue
    raise InvalidInput(f"Fecha inválida en «{name}»: «{text_value[:40]}» (use dd/mm/aaaa o aaaa-mm-dd).")


@dataclass(frozen=True)
class Period:
    """What the screen is filtered to. A round filters projects and their deposits only:
    cases, deliveries and agreements belong to no round."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    consultation_round: str | None = None

    @classmethod
    def parse(cls, date_from=None, date_to=None, consultation_round=None) -> Period:
        """A Period from what a person typed; raises InvalidInput with the field named."""
        start, end = parse_date(date_from, "desde"), parse_date(date_to, "hasta")
        if start and end and start > end:
            raise InvalidInput("El período empieza después de terminar («desde» es posterior a «hasta»).")
        round_ = (consultation_round or "").strip() or None
        if round_ and not _ROUND.match(round_):
            raise InvalidInput(f"Consulta popular inválida: «{round_[:20]}» (se espera p. ej. 2025-1).")
        return cls(start, end, round_)

    @property
    def is_all(self) -> bool:
        return self.date_from is None and self.date_to is None and not self.consultation_round

    def reference_day(self, today: dt.date | None = None) -> dt.date:
        """The day records are judged on: the end of a past period, else today."""
        today = today or dt.date.today()
        if self.date_to is not None and self.date_to < today:
            return self.date_to
        return today

    def conditions(self, day_column, round_column=None):
        """The period as one SQL condition on a record's day and, where it has one, its
        round column (rows with no round — '' or NULL — are kept when a round is asked)."""
        clauses = []
        if self.date_from is not None:
            clauses.append(day_column >= self.date_from)
        if self.date_to is not None:
            clauses.append(day_column <= self.date_to)
        if self.consultation_round and round_column is not None:
            clauses.append(or_(round_column.is_(None), round_column == "", round_column == self.consultation_round))
        return and_(true(), *clauses)

    def as_dict(self) -> dict:
        """ISO strings for URLs, stores and cache keys."""
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "round": self.consultation_round,
        }


ALL_TIME = Period()
