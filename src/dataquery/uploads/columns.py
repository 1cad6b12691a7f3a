"""Which row is the header, which column holds the IINs, and safe names for the stored columns."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from dataquery import iin
from dataquery.core.errors import InvalidInput
from dataquery.uploads.iins import Category, classify
from dataquery.uploads.limits import clip
from dataquery.uploads.parse import Column

# Header names of an IIN column, compared without case, spaces or punctuation.
IIN_HEADERS = frozenset(
    {
        "iin",
        "иин",
        "жсн",
        "iinbin",
        "иинбин",
        "clientiin",
        "customeriin",
        "iinclient",
        "iinклиента",
        "иинклиента",
        "клиентиин",
        "иинфл",
        "iinfl",
    }
)
_IIN_TOKENS = ("iin", "иин", "жсн")
_PUNCTUATION = re.compile(r"[\s_\-./\\:;,№#()\[\]\"'«»]+")
_NUMBER = re.compile(r"[-+]?[0-9]+(?:[.,][0-9]+)?(?:[eE][-+]?[0-9]+)?")
_SAMPLE_ROWS = 2000
_CONTENT_THRESHOLD = 0.5
_CLEAR_LEAD = 0.3

_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
        "һ": "h", "і": "i",
    }
)  # fmt: skip
# PostgreSQL's system columns cannot be user columns; DuckDB's rowid would be shadowed.
_RESERVED_COLUMNS = frozenset({"oid", "tableoid", "xmin", "xmax", "cmin", "cmax", "ctid", "rowid"})
_MAX_IDENTIFIER = 50


def squash(name: str) -> str:
    return _PUNCTUATION.sub("", name.casefold())


def is_iin_header(name: str) -> bool:
    key = squash(name)
    return key in IIN_HEADERS or any(key.startswith(t) or key.endswith(t) for t in _IIN_TOKENS)


def looks_like_header(cells: list[str | None], numeric: list[bool]) -> bool:
    """A first row is a header when it names an IIN column, or when it holds only words:
    no number, nothing that normalises to an IIN."""
    texts = [c.strip() for c in cells if c is not None and c.strip()]
    if not texts:
        return False
    if any(is_iin_header(t) for t in texts):
        return True
    if any(numeric):
        return False
    for text in texts:
        if _NUMBER.fullmatch(text) or iin.normalize(text)[0] is not None:
            return False
    return any(char.isalpha() for text in texts for char in text)


def header_names(cells: list[str | None]) -> list[str]:
    """The header's names, with blanks named by position and repeats made unique."""
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        name = clip((cell or "").strip()) or f"column_{position}"
        unique, n = name, 2
        while unique.casefold() in seen:
            unique, n = f"{name} ({n})", n + 1
        seen.add(unique.casefold())
        names.append(unique)
    return names


def positional_names(width: int) -> list[str]:
    return [f"column_{i}" for i in range(1, width + 1)]


@dataclass(frozen=True)
class ColumnChoice:
    index: int
    how: str  # requested, header, content, only


def choose_iin_column(
    names: list[str],
    columns: list[Column],
    float_cells: list[np.ndarray | None],
    requested: str | None,
) -> ColumnChoice:
    """The column the user named, else the one whose header names an IIN, else the one whose
    values most often are IINs. Ambiguous or missing → 422 naming the candidates."""
    if requested is not None and requested.strip():
        return ColumnChoice(_requested_column(names, requested.strip()), "requested")
    if len(names) == 1:
        return ColumnChoice(0, "only")

    by_header = [i for i, name in enumerate(names) if is_iin_header(name)]
    exact = [i for i in by_header if squash(names[i]) in IIN_HEADERS]
    for group in (exact, by_header):
        if len(group) == 1:
            return ColumnChoice(group[0], "header")
        if len(group) > 1:
            return ColumnChoice(_by_content(names, columns, float_cells, group), "header")

    return ColumnChoice(
        _by_content(names, columns, float_cells, list(range(len(names)))), "content"
    )


def _requested_column(names: list[str], requested: str) -> int:
    for match in (
        lambda name: name == requested,
        lambda name: name.casefold() == requested.casefold(),
        lambda name: squash(name) == squash(requested),
    ):
        found = [i for i, name in enumerate(names) if match(name)]
        if len(found) == 1:
            return found[0]
    if requested.isdigit() and 1 <= int(requested) <= len(names):
        return int(requested) - 1
    raise InvalidInput(
        f"the file has no column {requested!r}; its columns: {_listed(names)}",
        extra={"columns": names},
        code="upload.no_such_column",
        params={"column": requested, "columns": _listed(names)},
    )


def _by_content(
    names: list[str],
    columns: list[Column],
    float_cells: list[np.ndarray | None],
    candidates: list[int],
) -> int:
    scores = {i: _iin_share(columns[i], float_cells[i]) for i in candidates}
    ranked = sorted(candidates, key=lambda i: scores[i], reverse=True)
    best = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    if scores[best] >= _CONTENT_THRESHOLD and scores[best] - runner_up >= _CLEAR_LEAD:
        return best
    likely = [names[i] for i in ranked if scores[i] >= _CONTENT_THRESHOLD]
    if len(likely) > 1:
        raise InvalidInput(
            f"more than one column holds IINs ({_listed(likely)}): say which one with iin_column",
            extra={"candidates": likely, "columns": names},
            code="upload.several_iin_columns",
            params={"columns": _listed(likely)},
        )
    raise InvalidInput(
        f"no column looks like IINs; say which one with iin_column: {_listed(names)}",
        extra={"candidates": [names[i] for i in candidates], "columns": names},
        code="upload.no_iin_column",
        params={"columns": _listed(names)},
    )


def _iin_share(column: Column, floats: np.ndarray | None) -> float:
    """Among the first non-empty values, the share that are IINs (of persons or BINs)."""
    sample = column.slice(0, _SAMPLE_ROWS)
    result = classify(sample, None if floats is None else floats[:_SAMPLE_ROWS])
    filled = result.category != Category.EMPTY
    if not filled.any():
        return 0.0
    hits = (result.category == Category.VALID) | (result.category == Category.BIN)
    return float(hits[filled].mean())


def _listed(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def safe_identifiers(names: list[str], iin_index: int) -> list[str]:
    """A stored column name for each column: `iin` for the IIN column, the others transliterated
    to lower-case ASCII identifiers, unique."""
    taken = {"iin"}
    out: list[str] = []
    for position, name in enumerate(names):
        if position == iin_index:
            out.append("iin")
            continue
        base = _identifier(name) or f"column_{position + 1}"
        if base in _RESERVED_COLUMNS:
            base = f"{base}_"
        candidate, n = base, 2
        while candidate in taken:
            suffix = f"_{n}"
            candidate, n = base[: _MAX_IDENTIFIER - len(suffix)] + suffix, n + 1
        taken.add(candidate)
        out.append(candidate)
    return out


def _identifier(name: str) -> str:
    text = name.casefold().translate(_TRANSLIT)
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if text and text[0].isdigit():
        text = f"c_{text}"
    return text[:_MAX_IDENTIFIER].rstrip("_")
