"""Value parsers, vectorised over a column: text tidied, numbers and dates as ministries
write them, vocabulary values to their canonical form, INE codes normalised. Each returns
the parsed values (and, where a value can fail, the mask of those that did)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from etl.names import value_key


def by_unique(s: pd.Series, fn) -> pd.Series:
    """`fn` applied to each distinct value once: categories, dates and codes repeat a lot."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series([None] * len(s), index=s.index, dtype=object)
    if len(uniques) * 4 > len(s):
        return fn(s)
    mapped = np.asarray(fn(pd.Series(np.asarray(uniques, dtype=object), dtype=object)), dtype=object)
    out = np.where(codes >= 0, mapped[np.maximum(codes, 0)], None)
    return pd.Series(out, index=s.index, dtype=object)


# Whitespace anywhere, or a blank value, in values joined by NUL.
_SPACE_OR_BLANK = re.compile(r"\s|\x00\x00|^\x00|\x00$")


def _tidy(values: np.ndarray) -> bool:
    """True when no value has whitespace or is blank: codes, dates, numbers and categories
    usually, proven by one scan of the joined column instead of a strip per value."""
    try:
        joined = "\x00".join(values)
    except TypeError:  # a value that is not text
        return False
    return bool(joined) and not _SPACE_OR_BLANK.search(joined)


def clean_text(s: pd.Series) -> pd.Series:
    """Values stripped of surrounding whitespace; blank ones become None.

    A plain loop over the values: five times faster than pandas' string methods and than
    factorizing first, which only pays for a costly function of few distinct values.
    """
    values = s.to_numpy(dtype=object, copy=True)
    present = ~pd.isna(values)
    if present.any():
        if _tidy(values[present]):
            return pd.Series(values, index=s.index, dtype=object)
        try:
            stripped = [v.strip() for v in values[present]]
        except AttributeError:  # a value that is not text
            stripped = [str(v).strip() for v in values[present]]
        tidy = np.array(stripped, dtype=object)
        tidy[tidy == ""] = None
        values[present] = tidy
    return pd.Series(values, index=s.index, dtype=object)


def parse_number(s: pd.Series, integer: bool = False) -> tuple[pd.Series, pd.Series]:
    """Numbers as ministries write them: `1.234.567,89`, `1,5`, `1234.5`, `Bs. 300`; → (float, bad mask).

    For a whole-number field `1.234` is a thousand two hundred and thirty-four.
    """
    fast = pd.to_numeric(s, errors="coerce").astype(float)
    slow = s.notna().to_numpy() & np.isnan(fast.to_numpy())
    if integer:
        slow |= s.astype("string").str.fullmatch(r"-?\d{1,3}(\.\d{3})+").fillna(False).to_numpy()
    if not slow.any():
        return fast, pd.Series(np.zeros(len(s), dtype=bool), index=s.index)
    slow_num, slow_bad = _parse_number_text(s[slow], integer)
    fast[slow] = slow_num.to_numpy()
    bad = np.zeros(len(s), dtype=bool)
    bad[slow] = slow_bad.to_numpy()
    return fast, pd.Series(bad, index=s.index)


def _parse_number_text(s: pd.Series, integer: bool) -> tuple[pd.Series, pd.Series]:
    t = s.astype("string").str.replace(r"[\s\u00a0]|^(?:Bs\.?S?\.?|VES|\$|USD)", "", regex=True, case=False)
    last_comma, last_dot = t.str.rfind(","), t.str.rfind(".")
    both = (last_comma >= 0) & (last_dot >= 0)
    comma_decimal = (both & (last_comma > last_dot)) | ((last_dot < 0) & (t.str.count(",") == 1))
    dot_thousands = (both & (last_comma > last_dot)) | ((last_comma < 0) & (t.str.count(r"\.") > 1))
    if integer:
        dot_thousands = dot_thousands | t.str.fullmatch(r"-?\d{1,3}(\.\d{3})+")
    t = t.where(~dot_thousands.fillna(False), t.str.replace(".", "", regex=False))
    t = t.where(~comma_decimal.fillna(False), t.str.replace(",", ".", regex=False))
    t = t.str.replace(",", "", regex=False)
    num = pd.to_numeric(t, errors="coerce").astype(float)
    bad = s.notna().to_numpy() & np.isnan(num.to_numpy())
    return num, pd.Series(bad, index=s.index)


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%y")


def parse_date(s: pd.Series, excel: bool = False) -> tuple[pd.Series, pd.Series]:
    """ISO 8601, dd/mm/yyyy, dd-mm-yyyy (Venezuelan order), Excel serials; → (datetime64, bad mask)."""
    out = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    if not (out.isna() & s.notna()).any():
        out = out.where(out.dt.year >= 1900)
        return out, pd.Series((s.notna() & out.isna()).to_numpy(), index=s.index)
    t = s.astype("string").str.strip()
    iso = pd.to_datetime(t.str.slice(0, 10).where(t.str.match(r"^\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
    out = out.where(out.notna(), iso)
    for fmt in DATE_FORMATS:
        missing = out.isna() & t.notna()
        if not missing.any():
            break
        out[missing] = pd.to_datetime(t[missing].str.split(" ").str[0], format=fmt, errors="coerce")
    missing = out.isna() & t.notna()
    if excel and missing.any():
        serial = pd.to_numeric(t[missing], errors="coerce")
        serial = serial.where((serial > 1) & (serial < 100_000))
        out[missing] = pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce")
    out = out.where(out.dt.year >= 1900)
    bad = (s.notna() & out.isna()).to_numpy()
    return out.dt.normalize(), pd.Series(bad, index=s.index)


def parse_enum(s: pd.Series, vocab: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    uniques = s.dropna().unique()
    table = {u: vocab.get(value_key(u)) for u in uniques}
    out = s.map(table)
    bad = (s.notna() & out.isna()).to_numpy()
    return out, pd.Series(bad, index=s.index)


def normalise_codes(s: pd.Series) -> pd.Series:
    """INE codes as pasted: OCHA's `VE` prefix dropped, a lost leading zero restored (`101` → `0101`)."""
    return by_unique(s, _normalise_codes)


def _normalise_codes(s: pd.Series) -> pd.Series:
    canonical = _canonical_codes(s)
    if canonical is not None:
        return canonical
    t = s.astype("string").str.strip().str.replace(r"^[Vv][Ee](\d{2,})$", r"\1", regex=True)
    odd = t.str.fullmatch(r"\d|\d{3}|\d{5}").fillna(False)
    t = t.where(~odd, "0" + t)
    return t.astype(object).where(t.notna() & (t != ""), None)


def _canonical_codes(s: pd.Series) -> pd.Series | None:
    """`s` as it is when every code in it is already canonical (digits only, not 1, 3 or 5 of
    them: a boundary file's own codes, one per row), found without a regex per value; else None."""
    values = s.to_numpy(dtype=object)
    present = values[~pd.isna(values)]
    if not len(present) or not all(type(v) is str for v in present):
        return None
    text = present.astype(str)
    lengths = np.char.str_len(text)
    if not (np.char.isdecimal(text).all() and not np.isin(lengths, (1, 3, 5)).any()):
        return None
    out = values.copy()
    out[pd.isna(values)] = None
    return pd.Series(out, index=s.index, dtype=object)
