"""The small demo loaded through the real ETL into the test PostGIS, and `sala demo` itself."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import func, select, text

from etl.demo import generate_demo, load_demo
from etl.demo.files import LOAD_ORDER
from geodata.integrity import run_check
from geodata.models import Agreement, Case, CaseSolution, CaseStatusChange, Clap, ClapDelivery, Deposit, Project, Territory
from geodata.records import case_history

from tests.conftest import DEMO_TODAY

SALA = [sys.executable, "-m", "dashboard.cli"]


def test_every_generated_record_is_loaded_and_marked_as_demo(demo_engine):
    expected = generate_demo("small", seed=1, today=DEMO_TODAY).counts()
    with demo_engine.connect() as conn:
        levels = dict(conn.execute(select(Territory.level, func.count()).group_by(Territory.level)).all())
        for level in ("municipality", "parish", "circuit", "commune", "council"):
            assert levels[level] == expected[level], level
        assert levels["state"] == 25  # the real file, loaded whole
        for model, kind in ((Project, "project"), (Deposit, "deposit"), (Clap, "clap"), (ClapDelivery, "clap-delivery"),
                            (Agreement, "agreement"), (Case, "case")):
            assert conn.execute(select(func.count()).select_from(model)).scalar_one() == expected[kind], kind
            assert conn.execute(select(func.count()).where(model.is_demo.is_(False))).scalar_one() == 0, kind
        generated = conn.execute(select(func.count()).where(Territory.level != "state", Territory.is_demo.is_(False)))
        assert generated.scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(CaseSolution)).scalar_one() > 0
        # A first load observes no status change: each case's history is read from its own row.
        assert conn.execute(select(func.count()).select_from(CaseStatusChange)).scalar_one() == 0
        resolved = conn.execute(select(Case.code).where(Case.status == "resolved").limit(1)).scalar_one()
        assert [status for status, _day in case_history(conn, resolved)] == ["reported", "resolved"]
        rejects = conn.execute(text("SELECT count(*) FROM etl_reject")).scalar_one()
        assert rejects == 0
        # Display geometry: the batch refresh after the load made it.
        no_display = select(func.count()).where(Territory.level == "council", Territory.geom_display.is_(None))
        assert conn.execute(no_display).scalar_one() == 0
        libertador = conn.execute(select(Territory.path, Territory.name).where(Territory.code == "0101")).one()
        assert libertador == ("/01/0101/", "Libertador")


def test_the_loaded_demo_passes_the_integrity_check(demo_engine):
    with demo_engine.begin() as conn:
        report = run_check(conn)
        assert report.territories_checked > 1900
        assert report.clean, report.counts


def test_sala_demo_loads_then_skips_when_asked_if_empty(cli_env):
    first = subprocess.run([*SALA, "demo", "--scale", "small", "--seed", "3", "--if-empty"], env=cli_env,
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert "Memoria pico" in first.stdout and "council" in first.stdout
    second = subprocess.run([*SALA, "demo", "--if-empty"], env=cli_env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    assert "no se carga" in second.stdout


def test_sala_demo_refuses_bad_options(cli_env):
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    for args in (["--scale", "enorme"], ["--today", future], ["--today", "15/06/2026"]):
        result = subprocess.run([*SALA, "demo", *args], env=cli_env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Error de uso" in result.stderr


def test_loading_the_same_demo_twice_changes_nothing(engine, tmp_path):
    today = dt.date.today() - dt.timedelta(days=10)
    first = load_demo(engine, scale="small", seed=5, today=today, out_dir=tmp_path)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(Case)).scalar_one()
        last_run = conn.execute(text("SELECT max(id) FROM etl_run")).scalar_one()
    again = load_demo(engine, scale="small", seed=5, today=today, out_dir=tmp_path)
    assert first.loaded == again.loaded and sum(again.rejected.values()) == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Case)).scalar_one() == before
        runs = conn.execute(text("SELECT count(*), coalesce(sum(inserted + updated), 0) FROM etl_run WHERE id > :last"),
                            {"last": last_run}).one()
        assert runs == (len(LOAD_ORDER), 0)  # one run per file, none writing a row
    assert (tmp_path / "cases.csv").exists()


def test_sala_demo_says_what_to_do_when_the_database_is_down(cli_env, tmp_path):
    env = dict(cli_env, SALA_DATABASE_URL="postgresql://sala:x@127.0.0.1:1/nowhere")
    result = subprocess.run([*SALA, "demo"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "sala db up" in result.stderr


def test_load_demo_refuses_a_today_in_the_future(engine):
    with pytest.raises(ValueError, match="after the real date"):
        load_demo(engine, today=dt.date.today() + dt.timedelta(days=1))
