"""Which text encoding a file is in, and whether it mixes two.

Government exports come in UTF-8 or in Windows Latin-1 (CP1252). A file pasted together
from both (rows appended from another program) reads wrongly whichever one is chosen:
read as Latin-1, its UTF-8 lines turn into mojibake (`TuberÃ­a`) that would silently
overwrite good rows. `scan_text` reads the whole file once (it also counts its lines) and
says which lines are which, so such a file is refused naming them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import LoadError

# One well-formed UTF-8 multi-byte character. In Latin-1 text these byte pairs would be an
# accented capital followed by a symbol (`Ã©`): in Spanish text they do not occur.
_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_BLOCK = 1 << 20  # read in blocks of whole lines: memory stays small whatever the file
EXAMPLES = 10


def detect_encoding(sample: bytes) -> str:
    """UTF-8 when the bytes decode as UTF-8, else the Windows Latin-1 of government exports."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"  # the sample cut a character in two
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    name = (best.encoding if best else "cp1252").lower().replace("-", "_")
    # Latin-1 is CP1252 without its printable extras (€, curly quotes); CP1252 reads both.
    return "cp1252" if name in ("latin_1", "iso8859_1", "iso_8859_1", "cp1252", "windows_1252") else name


@dataclass
class TextScan:
    """What one pass over a text file found (line numbers are 1-based, the header is line 1)."""

    lines: int = 0
    utf8: bool = True  # every byte of the file is valid UTF-8
    utf8_lines: list[int] = field(default_factory=list)  # some lines with UTF-8 accents
    other_lines: list[int] = field(default_factory=list)  # some lines that are not UTF-8

    @property
    def mixed(self) -> bool:
        return bool(self.utf8_lines and self.other_lines)

    def encoding(self, sample: bytes) -> str:
        if self.utf8:
            return "utf-8-sig" if sample.startswith(b"\xef\xbb\xbf") else "utf-8"
        return detect_encoding(sample)

    def refuse_if_mixed(self, file: str) -> None:
        if self.mixed:
            verb = "está" if len(self.utf8_lines) == 1 else "están"
            raise LoadError(
                f"el archivo mezcla codificaciones de texto: {_lines(self.utf8_lines)} {verb} en UTF-8 y "
                f"{_lines(self.other_lines)} no (¿Windows Latin-1?); leído en una sola codificación, parte de sus "
                "textos se guardaría desfigurada. Guárdelo entero en UTF-8 (Excel: «CSV UTF-8»; LibreOffice: "
                "juego de caracteres Unicode (UTF-8)) y cárguelo de nuevo",
                file=file,
            )


def _lines(numbers: list[int]) -> str:
    listed = ", ".join(str(n) for n in numbers[:EXAMPLES])
    more = " y otras" if len(numbers) > EXAMPLES else ""
    return f"la línea {listed}" if len(numbers) == 1 else f"las líneas {listed}{more}"


def scan_text(path: Path) -> TextScan:
    """Read the file once, a block of whole lines at a time: count its lines, check that it is
    UTF-8 and, when it is not, find lines of each kind (a few of each, enough to name)."""
    scan = TextScan()
    carry = b""
    line = 1  # number of the first line in the next block
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            block = carry + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:  # no line end yet: keep reading
                carry = block
                continue
            part, carry = block[:cut], block[cut:]
            _scan_part(scan, part, line)
            line += part.count(b"\n")
    if carry:
        _scan_part(scan, carry, line)
        line += 1
    scan.lines = line - 1
    return scan


def _scan_part(scan: TextScan, part: bytes, first_line: int) -> None:
    try:
        part.decode("utf-8")
    except UnicodeDecodeError as exc:
        scan.utf8 = False
        _find_other_lines(scan, part, first_line, exc.start)
        _find_utf8_lines(scan, part, first_line, check=True)
    else:
        _find_utf8_lines(scan, part, first_line, check=False)


def _find_utf8_lines(scan: TextScan, part: bytes, first_line: int, check: bool) -> None:
    """Lines holding a UTF-8 character; in a part that is not all UTF-8 (`check`), only those
    whose every byte is UTF-8 count."""
    pos = 0
    while len(scan.utf8_lines) <= EXAMPLES and (match := _UTF8_CHAR.search(part, pos)):
        start = part.rfind(b"\n", 0, match.start()) + 1
        end = part.find(b"\n", match.end())
        end = len(part) if end < 0 else end
        if not check or _is_utf8(part[start:end]):
            scan.utf8_lines.append(first_line + part.count(b"\n", 0, start))
        pos = end + 1


def _find_other_lines(scan: TextScan, part: bytes, first_line: int, bad: int) -> None:
    """Lines that do not decode as UTF-8, from the first bad byte on (few: only to name them)."""
    while len(scan.other_lines) <= EXAMPLES:
        start = part.rfind(b"\n", 0, bad) + 1
        end = part.find(b"\n", bad)
        end = len(part) if end < 0 else end
        scan.other_lines.append(first_line + part.count(b"\n", 0, start))
        try:
            part[end:].decode("utf-8")
            return
        except UnicodeDecodeError as exc:
            bad = end + exc.start


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
