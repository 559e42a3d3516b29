"""Writing an export's file without harming what is already there.

- The target must be a regular file or not exist yet: an existing symlink (followed, it
  would replace another file), a device (as root, `-o /dev/null` would turn the device
  into a regular file), a FIFO, a socket or a folder is refused before anything is read
  or written.
- The file is written in a private folder (mode 700, made with `mkdir`, which never
  follows a symlink planted at its name) beside the target, and renamed over the target
  at the end: a reader never sees half a file, a failure leaves the target as it was.
  The new file keeps the mode of the one it replaces (a new one gets the umask's).
- A full disk (ENOSPC, EDQUOT) is told as such, whatever library hit it, and leaves
  neither the target nor the temporary behind. GDAL does not always say so (a
  GeoPackage whose first tables could not be written fails later with «no such table»),
  so a writer's failure is also taken for a full disk when the folder has no room for
  another MiB; and some writers (GDAL's KML drivers) stop at a full disk without any
  error, so a filesystem with no free block left after the write is taken as full too.
"""

from __future__ import annotations

from http import HTTPStatus

import errno
import os
import shutil
import stat
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from layers.registry import LayerError


class ExportError(LayerError):
    """An export that cannot be made; the message says why in Spanish."""


class TargetRefused(ExportError):
    """The output path names something that is not a regular file."""


class DiskFull(ExportError):
    """The disk (or the user's quota) filled up while writing; nothing was left behind."""

    status = HTTPStatus.INSUFFICIENT_STORAGE

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"No hay espacio en disco para escribir {path}: libere espacio o elija otra carpeta. "
            "No se dejó ningún archivo a medias."
        )


_KINDS = (
    (stat.S_ISLNK, "un enlace simbólico"),
    (stat.S_ISDIR, "una carpeta"),
    (stat.S_ISCHR, "un dispositivo"),
    (stat.S_ISBLK, "un dispositivo"),
    (stat.S_ISFIFO, "una tubería (FIFO)"),
    (stat.S_ISSOCK, "un socket"),
)
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
# How GDAL and SQLite word it when they give no errno.
_FULL_TEXTS = ("no space left on device", "disk quota exceeded", "database or disk is full")
PROBE_BYTES = 1 << 20


def check_target(path: str | Path) -> Path:
    """`path` if an export may be written there: nothing there yet, or a regular file."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "algo que no es un archivo")
        raise TargetRefused(
            f"No se escribe en {path}: es {kind}, no un archivo normal. "
            "Indique la ruta de un archivo nuevo o de un archivo normal que pueda reemplazarse."
        )
    if not path.parent.is_dir():
        raise ExportError(f"La carpeta de destino no existe: {path.parent}")
    return path


def _token() -> str:
    return uuid.uuid4().hex[:12]


def private_folder(path: Path) -> Path:
    """A new folder (mode 700) beside `path`, under a name nothing else holds."""
    for _ in range(100):
        folder = path.with_name(f".{path.name}.part-{_token()}")
        try:
            os.mkdir(folder, 0o700)  # fails on anything already there, a symlink included
        except FileExistsError:
            continue
        return folder
    raise ExportError(f"No se pudo crear una carpeta temporal junto a {path}.")


def is_disk_full(exc: BaseException | None) -> bool:
    """True if `exc` (or an exception it came from) says the disk or the quota is full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DiskFull):
            return True
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            return True
        if any(text in str(exc).lower() for text in _FULL_TEXTS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def no_room_left(folder: Path) -> bool:
    """True when the filesystem of `folder` has no block left for this process."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    # Root may also write into the blocks reserved for it.
    free = info.f_bfree if hasattr(os, "geteuid") and os.geteuid() == 0 else info.f_bavail
    return free == 0


def room_for(folder: Path, size: int = PROBE_BYTES) -> bool:
    """True if `size` more bytes can be written in `folder` (tried for real, then removed)."""
    probe = folder / ".espacio"
    try:
        with open(probe, "wb") as handle:
            handle.write(bytes(size))
            handle.flush()
            os.fsync(handle.fileno())
        return True
    except OSError as exc:
        return not is_disk_full(exc)
    finally:
        probe.unlink(missing_ok=True)


@contextmanager
def quiet_leftovers() -> Iterator[None]:
    """While the block runs, objects of a write that failed on a full disk (a zip archive,
    a closed stream) may be collected without Python printing «Exception ignored» for
    the same full disk again; any other such report is printed as usual."""
    previous = sys.unraisablehook

    def hook(report) -> None:
        value = report.exc_value
        if is_disk_full(value) or (isinstance(value, ValueError) and "closed file" in str(value)):
            return
        previous(report)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path, in a private folder beside `path`, that replaces `path` only if
    the block succeeds. Raises TargetRefused before the block for a path that is not a
    regular file, and DiskFull (instead of the writer's own error) for a full disk."""
    path = check_target(path)
    folder = private_folder(path)
    tmp = folder / path.name
    try:
        try:
            yield tmp
            if no_room_left(folder):
                raise DiskFull(path)
            check_target(path)  # nothing else has taken the name meanwhile
            if path.exists():
                os.chmod(tmp, stat.S_IMODE(os.lstat(path).st_mode))
            os.replace(tmp, path)
        except DiskFull:
            raise
        except Exception as exc:
            if is_disk_full(exc) or not room_for(folder):
                raise DiskFull(path) from exc
            raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
