"""The rules of time every view shares: overdue cases and agreements, CLAPs without delivery."""

import datetime as dt

from sqlalchemy import Date, insert, literal, select

from geodata import rules
from geodata.models import Agreement, Case, Territory
from tests.factories import small_tree

TODAY = dt.date(2025, 6, 30)


def test_case_and_agreement_overdue(engine):
    with engine.begin() as conn:
        small_tree(conn)
        t = conn.execute(select(Territory.id).where(Territory.code == "0101")).scalar_one()
        for code, reported, due, status in [
            ("late", dt.date(2025, 6, 1), dt.date(2025, 6, 29), "assigned"),  # past its own due date
            ("sla", dt.date(2025, 5, 1), None, "reported"),  # no due date, past the default SLA
            ("fresh", dt.date(2025, 6, 15), None, "reported"),  # within the SLA
            ("done", dt.date(2025, 1, 1), dt.date(2025, 2, 1), "resolved"),  # closed cases are never late
        ]:
            conn.execute(insert(Case).values(code=code, reported_date=reported, due_date=due, status=status,
                                             category="water", area="public_services", territory_id=t))
        for code, due, status in [("A-late", dt.date(2025, 6, 1), "pending"), ("A-nodue", None, "pending"),
                                  ("A-done", dt.date(2025, 6, 1), "done")]:
            conn.execute(insert(Agreement).values(code=code, municipality_id=t, cabinet_date=dt.date(2025, 1, 1),
                                                  area="social", text="x", institution="y", status=status, due_date=due))
        late_cases = conn.execute(select(Case.code).where(rules.case_overdue(TODAY)).order_by(Case.code)).scalars().all()
        assert late_cases == ["late", "sla"]
        assert conn.execute(select(rules.case_due_date()).where(Case.code == "sla")).scalar() == dt.date(2025, 5, 31)
        late_agreements = conn.execute(select(Agreement.code).where(rules.agreement_overdue(TODAY))).scalars().all()
        assert late_agreements == ["A-late"]


def test_clap_without_recent_delivery(engine):
    with engine.connect() as conn:
        def judged(last):
            return conn.execute(select(rules.clap_without_recent_delivery(literal(last, Date), TODAY))).scalar()

        assert judged(None) is True
        assert judged(TODAY - dt.timedelta(days=rules.CLAP_GAP_DAYS + 1)) is True
        assert judged(TODAY - dt.timedelta(days=rules.CLAP_GAP_DAYS)) is False
