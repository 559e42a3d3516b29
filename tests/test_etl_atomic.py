"""Nothing half-done: a failure or Ctrl-C mid-load leaves every count as it was; memory stays bounded.

Killed and stopped processes: tests/test_etl_killed.py."""

from __future__ import annotations

import os
import signal
import threading
import time
import tracemalloc

import pytest
from sqlalchemy import text

import etl.merge
import etl.read
import etl.stage
from etl.errors import Interrupted, LoadError
from etl.load import load_file
from tests.etl_builders import counts, rows, scalar, with_tree, write_cases


@pytest.fixture
def tree(engine):
    with_tree(engine)
    return engine


def test_failure_after_the_merge_rolls_everything_back(tree, tmp_path, monkeypatch):
    path = tmp_path / "cases.csv"
    write_cases(path, 500)
    before = counts(tree)
    original = etl.merge.merge

    def merge_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        assert scalar_in_tx_is_not_visible(tree)
        raise RuntimeError("fallo inyectado")

    monkeypatch.setattr(etl.merge, "merge", merge_then_fail)
    with pytest.raises(LoadError, match="fallo inyectado") as info:
        load_file(tree, "case", path)
    assert str(path) in str(info.value)
    assert counts(tree) == before
    status, message = rows(tree, "SELECT status, message FROM etl_run")[0]
    assert status == "failed" and "fallo inyectado" in message


def scalar_in_tx_is_not_visible(engine) -> bool:
    """From another connection the half-done load is invisible."""
    return scalar(engine, "SELECT count(*) FROM case_report") == 0


def test_failure_in_a_later_chunk_leaves_nothing(tree, tmp_path, monkeypatch):
    path = tmp_path / "cases.csv"
    write_cases(path, 1000)
    monkeypatch.setattr(etl.read, "CHUNK_ROWS", 100)
    real = etl.stage.validate_chunk
    seen = []

    def fail_on_fifth(chunk, ctx):
        seen.append(chunk.first_row)
        if len(seen) == 5:
            raise RuntimeError("disco lleno")
        return real(chunk, ctx)

    monkeypatch.setattr(etl.stage, "validate_chunk", fail_on_fifth)
    before = counts(tree)
    with pytest.raises(LoadError, match="disco lleno"):
        load_file(tree, "case", path)
    assert seen == [1, 101, 201, 301, 401]
    assert counts(tree) == before
    assert scalar(tree, "SELECT count(*) FROM etl_reject") == 0


def test_worker_processes_load_the_same_and_fail_whole(tree, tmp_path, monkeypatch):
    # A long file is validated in forked worker processes: same rows, same rejects, in file order.
    monkeypatch.setattr(etl.stage, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(etl.read, "CHUNK_ROWS", 50)
    path = tmp_path / "cases.csv"
    write_cases(path, 400)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[30] = lines[30].replace("water", "agua turbia")  # row 30: unknown category
    lines[380] = lines[380].replace("2024-", "2999-")  # row 380: in the future
    lines.append(lines[120].replace("Hidrocapital", "Otra"))  # row 401: K119 again, other values
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_file(tree, "case", path)
    assert (result.inserted, result.rejected) == (397, 4)
    assert [r["row"] for r in result.rejects] == [30, 120, 380, 401]
    assert "category" in result.rejects[0]["reason"] and "filas 120, 401" in result.rejects[1]["reason"]

    real = etl.stage.validate_chunk

    def fail_on_row_201(chunk, ctx):
        if chunk.first_row == 201:
            raise RuntimeError("disco lleno")
        return real(chunk, ctx)

    monkeypatch.setattr(etl.stage, "validate_chunk", fail_on_row_201)  # inherited by the forked workers
    before = counts(tree)
    write_cases(path, 400, "N")
    with pytest.raises(LoadError, match="disco lleno"):
        load_file(tree, "case", path)
    assert counts(tree) == before


def test_ctrl_c_rolls_back_and_is_recorded(tree, tmp_path, monkeypatch):
    path = tmp_path / "cases.csv"
    write_cases(path, 200)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(etl.merge, "merge", interrupted)
    before = counts(tree)
    with pytest.raises(KeyboardInterrupt):
        load_file(tree, "case", path)
    assert counts(tree) == before
    assert rows(tree, "SELECT status, message FROM etl_run") == [("interrupted", "carga interrumpida (Ctrl-C): no se guardó nada")]


def test_sigterm_that_surfaces_as_another_error_is_still_an_interruption(tree, tmp_path, monkeypatch):
    # The driver, cancelling a COPY for the interruption, may raise its own error instead.
    path = tmp_path / "cases.csv"
    write_cases(path, 200)

    def merge_stopped(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises first
        except KeyboardInterrupt as exc:
            raise RuntimeError("COPY cancelado") from exc
        raise AssertionError("SIGTERM was not handled")

    monkeypatch.setattr(etl.merge, "merge", merge_stopped)
    before = counts(tree)
    with pytest.raises(Interrupted):
        load_file(tree, "case", path)
    assert counts(tree) == before
    assert rows(tree, "SELECT status, message FROM etl_run") == [("interrupted", "carga interrumpida (SIGTERM): no se guardó nada")]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is the load's only while it runs


def test_memory_is_bounded_by_the_chunk_not_the_file(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.read, "CHUNK_ROWS", 5_000)
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    write_cases(small, 20_000, "S")  # both well past the 1 MB encoding sample
    write_cases(large, 70_000, "L")
    peaks = {}
    for name, path in (("small", small), ("large", large)):
        tracemalloc.start()
        result = load_file(tree, "case", path, refresh=False)
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert result.rejected == 0
    assert scalar(tree, "SELECT count(*) FROM case_report") == 90_000
    # Three and a half times the rows, about the same peak: nothing grows with the file.
    assert peaks["large"] < 1.3 * peaks["small"], peaks


INDEXES = (
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename IN ('case_report', 'case_status_change') "
    "ORDER BY 1, 2"
)
CONSTRAINTS = (
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE conrelid IN ('case_report'::regclass, 'case_status_change'::regclass) ORDER BY 1, 2"
)


def test_first_big_load_rebuilds_indexes_as_they_were(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.merge, "BULK_MIN_ROWS", 10)
    indexes, constraints = rows(tree, INDEXES), rows(tree, CONSTRAINTS)
    path = tmp_path / "cases.csv"
    write_cases(path, 300)
    result = load_file(tree, "case", path)
    assert result.inserted == 300
    assert rows(tree, INDEXES) == indexes and rows(tree, CONSTRAINTS) == constraints
    assert scalar(tree, "SELECT count(*) FROM case_status_change") == 0  # a first load observes no change
    again = load_file(tree, "case", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 300)


def test_first_big_load_does_not_wait_for_readers_of_related_tables(tree, tmp_path, monkeypatch):
    # A dashboard query holds case_solution: the load must neither wait for it nor deadlock;
    # it just keeps the table (and the write-ahead log) instead of truncating.
    monkeypatch.setattr(etl.merge, "BULK_MIN_ROWS", 10)
    path = tmp_path / "cases.csv"
    write_cases(path, 300)
    done: list = []
    with tree.connect() as reader:
        reader.execute(text("SELECT count(*) FROM case_solution"))  # its lock lasts until the transaction ends
        worker = threading.Thread(target=lambda: done.append(load_file(tree, "case", path)))
        worker.start()
        worker.join(30)  # the load takes a second; waiting for the reader would take forever
        assert not worker.is_alive(), "the load waited for the reader"
    assert done[0].inserted == 300
    assert scalar(tree, "SELECT count(*) FROM case_report") == 300


def test_failed_big_load_gets_its_indexes_back(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.merge, "BULK_MIN_ROWS", 10)
    indexes, constraints = rows(tree, INDEXES), rows(tree, CONSTRAINTS)
    original = etl.merge._insert

    def insert_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("fallo con los índices quitados")

    monkeypatch.setattr(etl.merge, "_insert", insert_then_fail)
    path = tmp_path / "cases.csv"
    write_cases(path, 300)
    with pytest.raises(LoadError, match="índices quitados"):
        load_file(tree, "case", path)
    assert rows(tree, INDEXES) == indexes and rows(tree, CONSTRAINTS) == constraints
    assert scalar(tree, "SELECT count(*) FROM case_report") == 0
