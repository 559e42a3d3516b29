"""Where `sala export -o PATH` may write: never through a symlink, onto a device, a FIFO or
a folder; in a private folder beside the target, renamed at the end; and a full disk (a
real, small tmpfs) is told as such and leaves nothing behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from layers.exports import FORMATS
from layers.output import DiskFull, TargetRefused, atomic_path, private_folder
from tests.layers_records import add_records

SALA = [sys.executable, "-m", "dashboard.cli"]
NEEDS_ROOT = "needs root (device nodes, mount): run the suite as root, as CI does"


@pytest.fixture
def as_root():
    """These tests make device nodes and mount a tmpfs: without root they fail, never skip."""
    if os.geteuid() != 0:
        pytest.fail(NEEDS_ROOT)


def sala(env, *args):
    return subprocess.run([*SALA, *args], env=env, capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict:
    """Every entry of `folder`: its type and mode, and what it holds or points to."""
    out = {}
    for entry in sorted(folder.iterdir()):
        st = os.lstat(entry)
        if stat.S_ISLNK(st.st_mode):
            held = os.readlink(entry)
        elif stat.S_ISREG(st.st_mode):
            held = entry.read_bytes()
        elif stat.S_ISDIR(st.st_mode):
            held = sorted(p.name for p in entry.iterdir())
        else:
            held = st.st_rdev
        out[entry.name] = (st.st_mode, held)
    return out


@pytest.fixture
def env(engine, cli_env):
    with engine.begin() as conn:
        add_records(conn)
    return cli_env


@pytest.mark.usefixtures("as_root")
def test_refuses_targets_that_are_not_regular_files(env, tmp_path):
    victim = tmp_path / "victima.txt"
    victim.write_text("no tocar\n")
    (tmp_path / "enlace.csv").symlink_to(victim)
    (tmp_path / "enlace_roto.gpkg").symlink_to(tmp_path / "no_existe.gpkg")
    os.mkfifo(tmp_path / "tuberia.xlsx")
    (tmp_path / "carpeta.geojson").mkdir()
    # A device node of our own, the same as /dev/null (as root the old code replaced it with a regular file).
    os.mknod(tmp_path / "nulo.zip", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    before = snapshot(tmp_path)
    cases = [
        ("enlace.csv", "un enlace simbólico", ["cases", "-t", "0101"]),
        ("enlace_roto.gpkg", "un enlace simbólico", ["cases", "-t", "0101"]),
        ("tuberia.xlsx", "una tubería (FIFO)", ["cases", "-t", "0101"]),
        ("carpeta.geojson", "una carpeta", ["cases", "-t", "0101"]),
        ("nulo.zip", "un dispositivo", ["parishes", "-t", "0101"]),
        ("nulo.zip", "un dispositivo", ["pack", "-t", "0101"]),
        ("enlace.csv", "un enlace simbólico", ["cases", "--format", "csv"]),
    ]
    for name, kind, args in cases:
        result = sala(env, "export", *args, "-o", str(tmp_path / name))
        assert result.returncode == 2, (name, args, result.stdout, result.stderr)
        message = " ".join(result.stderr.split())
        assert f"es {kind}, no un archivo normal" in message, (name, message)
        assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before  # nothing touched, nothing left


def test_an_existing_regular_file_is_replaced_keeping_its_mode(env, tmp_path):
    target = tmp_path / "casos.csv"
    target.write_text("viejo\n")
    target.chmod(0o640)
    result = sala(env, "export", "cases", "-t", "0101", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8-sig").startswith("code,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "nuevo.gpkg"
    old_umask = os.umask(0o022)
    os.umask(old_umask)
    assert sala(env, "export", "cases", "-t", "0101", "-o", str(fresh)).returncode == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~old_umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["casos.csv", "nuevo.gpkg"]


def test_the_temporary_is_in_a_private_folder_that_no_planted_symlink_redirects(tmp_path, monkeypatch):
    tmp_path.chmod(0o755)
    target = tmp_path / "salida.geojson"
    elsewhere = tmp_path / "ajena"
    elsewhere.mkdir()
    tokens = iter(["plantado", "propio"])
    monkeypatch.setattr("layers.output._token", lambda: next(tokens))
    planted = tmp_path / ".salida.geojson.part-plantado"
    planted.symlink_to(elsewhere, target_is_directory=True)  # what an attacker sharing the folder could plant
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path / ".salida.geojson.part-propio"
        assert not tmp.parent.is_symlink() and stat.S_IMODE(tmp.parent.stat().st_mode) == 0o700
        tmp.write_text("{}")
    assert target.read_text() == "{}"
    assert list(elsewhere.iterdir()) == [] and planted.is_symlink()
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755  # the folder's own permissions are untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == [".salida.geojson.part-plantado", "ajena", "salida.geojson"]


def test_atomic_path_refuses_before_the_block_and_cleans_up_after_a_failure(tmp_path):
    (tmp_path / "enlace.csv").symlink_to(tmp_path / "x.csv")
    with pytest.raises(TargetRefused):
        with atomic_path(tmp_path / "enlace.csv"):
            pytest.fail("the block must not run for a refused target")
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "b.csv") as tmp:
            tmp.write_text("a medias")
            raise RuntimeError("fallo")
    with pytest.raises(DiskFull, match="No hay espacio en disco"):
        with atomic_path(tmp_path / "c.csv"):
            raise OSError(28, "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["enlace.csv"]
    assert private_folder(tmp_path / "d.csv").parent == tmp_path


# --------------------------------------------------------------------------- a full disk, for real


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs, nearly filled: what is left is less than any export of the demo's councils."""
    if os.geteuid() != 0:
        pytest.fail(NEEDS_ROOT)
    mount = tmp_path / "disco"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(mount)], check=True)
    try:
        filler = mount / "relleno.bin"
        filler.write_bytes(b"\0" * (256 - 48) * 1024)  # leaves 48 KiB
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_gives_a_clear_message_and_leaves_no_partial_file(demo_url, small_disk):
    env = {**os.environ, "SALA_DATABASE_URL": demo_url}
    runs = [(fmt, ["councils", "-t", "0101", "--format", fmt], f"consejos{FORMATS[fmt].extension}") for fmt in FORMATS]
    runs.append(("pack", ["pack", "-t", "0101"], "paquete_0101.zip"))
    for fmt, args, name in runs:
        result = sala(env, "export", *args, "-o", str(small_disk / name))
        message = " ".join(result.stderr.split())
        assert result.returncode == 1, (fmt, result.stdout, result.stderr)
        assert "No hay espacio en disco" in message, (fmt, message)
        assert "Traceback" not in result.stderr, fmt
        assert [p.name for p in small_disk.iterdir()] == ["relleno.bin"], fmt  # neither the target nor a temporary
