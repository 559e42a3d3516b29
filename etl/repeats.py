"""Keys that may occur more than once in a file, found while it streams, in fixed memory.

A file may repeat a key (a code, or a CLAP and a date): the merge must then refuse the
rows that disagree. Grouping every staged row by key in the database costs a pass over a
million rows; instead each key's hash sets one bit of a bitmap sized for the file (at
most 16 MB, whatever its length). A key whose bit is already set may repeat one seen
before, or merely share its bit: only those few keys are compared, exactly, in the
database (`etl.resolve`), which clears the false alarms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_BITS = 1 << 27  # 16 MB
BITS_PER_ROW = 16  # about one false alarm in 16 rows once the bitmap is full


class RepeatSieve:
    def __init__(self, expected_rows: int | None):
        wanted = max(expected_rows or 1_000_000, 1) * BITS_PER_ROW
        bits = min(MAX_BITS, max(1 << 16, 1 << int(np.ceil(np.log2(wanted)))))
        self._mask = np.uint64(bits - 1)
        self._bitmap = np.zeros(bits // 8, dtype=np.uint8)
        self.suspects: set[str] = set()

    def add(self, keys: np.ndarray) -> None:
        """Sift one chunk's keys (text, as the database spells them)."""
        if len(keys) == 0:
            return
        slots = (pd.util.hash_array(keys.astype(object)) & self._mask).astype(np.int64)
        byte, bit = slots >> 3, (slots & 7).astype(np.uint8)
        seen = ((self._bitmap[byte] >> bit) & 1).astype(bool)
        # Two rows of this chunk on one bit: the bitmap was read before either set it.
        order = np.argsort(slots, kind="stable")
        ordered = slots[order]
        again = np.zeros(len(slots), dtype=bool)
        again[order[1:]] = ordered[1:] == ordered[:-1]
        np.bitwise_or.at(self._bitmap, byte, np.left_shift(np.uint8(1), bit))
        flagged = seen | again
        if flagged.any():
            self.suspects.update(keys[flagged].tolist())
