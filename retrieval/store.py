"""The facility store: the filter registry's machine clauses run as numpy masks over one dataset's columns.

Every filter says itself as a clause over the flat metadata of a record (``FacilityFilter.chroma_where``, built
from the registry rows). The store keeps that metadata as one boolean column per key, plus the kind, the
municipality code, the coordinates and the strength count; a query is a few vector ``&`` and, when a point is
given, a bounding box before the exact distance. Records themselves are read only for the rows shown: an imported
dataset keeps byte offsets into its JSONL and parses a line when asked. The columns of an imported file are
saved beside it (``.npz``, no pickle), keyed by the file's size and mtime, so a server opens 100k records in
well under a second once they have been built (at import time).

A free name inside a list (「〇〇苑の協力医療機関」) cannot be a boolean key; its entries are kept as one folded
text column per list row, and the mask is a substring test that mirrors ``ListFieldFilter.test``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from corpus.dataset import ACTIVE_FILE, DatasetError, load_sample
from corpus.facility import KINDS, Facility, facility_from_dict
from retrieval.filters import FacilityFilter, facility_metadata, make_filter
from retrieval.registry import AMOUNT_ROWS, ROWS

COLUMNS_FORMAT = 2
_EARTH_RADIUS_KM = 6371.0088  # the same mean radius as corpus.geo.haversine_km
_BASE_KEYS = ("id", "kind", "municipality_code")
# List rows that take a free name: their entries are kept as text (see the module docstring).
TEXT_ROWS: tuple[tuple[str, str], ...] = tuple(
    (row.name, row.field) for row in ROWS if row.clause == "list" and not row.values
)
_STRENGTH_FILTERS = tuple(make_filter(row.name) for row in ROWS if row.strength)


@dataclass(frozen=True)
class StoreRow:
    """One facility of a page, with its distance from the query point (km, None without a point)."""

    facility: Facility
    distance_km: float | None


@dataclass(frozen=True)
class Page:
    """The rows of one page and how many facilities matched in all."""

    rows: tuple[StoreRow, ...]
    total: int


@dataclass(frozen=True)
class _Unreported:
    """Records that carry no かかりつけ医機能報告 (base data only): an internal condition, not a registry row."""

    name: str = "unreported"
    value: None = None
    label: str = "かかりつけ医機能の報告がない"

    def test(self, facility: Facility) -> bool:
        return not facility.reported

    def evidence(self, facility: Facility) -> tuple[Any, ...]:
        return ()

    def chroma_where(self) -> dict[str, Any] | None:
        return {"reported": {"$eq": False}}

    def to_spec(self) -> dict[str, Any]:
        return {"name": self.name, "value": None, "label": self.label}


UNREPORTED: FacilityFilter = _Unreported()


class FacilityStore(Protocol):
    """What the assistant asks of a facility dataset (docs/facilities.md "Store")."""

    @property
    def version(self) -> str: ...

    def __len__(self) -> int: ...

    def get(self, facility_id: str) -> Facility | None: ...

    def query(self, filters: Sequence[FacilityFilter], *, codes: Sequence[str] = (),
              point: tuple[float, float] | None = None, radius_km: float | None = None,
              limit: int = 10, offset: int = 0, by_amounts: Sequence[str] = ()) -> Page: ...

    def count_within(self, filters: Sequence[FacilityFilter], *, codes: Sequence[str] = (),
                     point: tuple[float, float] | None = None, radii: Sequence[float] = ()) -> tuple[int, ...]: ...

    def count_by_municipality(self, filters: Sequence[FacilityFilter]) -> dict[str, int]: ...

    def sum_by_municipality(self, amount: str, filters: Sequence[FacilityFilter] = ()) -> dict[str, int]: ...

    def nearest_outside(self, filters: Sequence[FacilityFilter], point: tuple[float, float],
                        codes: Sequence[str]) -> StoreRow | None: ...

    def municipality_codes(self) -> frozenset[str]: ...

    def records(self) -> Iterator[Facility]: ...


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _amount(facility: Facility, path: str) -> int:
    block_name, _, attr = path.rpartition(".")
    block = getattr(facility, block_name)
    return 0 if block is None else int(getattr(block, attr))


def _entries(facility: Facility, path: str) -> tuple[str, ...]:
    block_name, _, attr = path.rpartition(".")
    block = getattr(facility, block_name) if block_name else facility
    return () if block is None else tuple(getattr(block, attr))


@dataclass
class Columns:
    """The column form of a dataset (row i is the i-th record of its source)."""

    ids: np.ndarray  # str
    kinds: np.ndarray  # int8, index into KINDS
    codes: np.ndarray  # int32 municipality code
    lat: np.ndarray  # float64, NaN when unknown
    lng: np.ndarray
    reported: np.ndarray  # bool
    strengths: np.ndarray  # int16
    keys: tuple[str, ...]  # metadata keys, one per flags column
    flags: np.ndarray  # bool (n, len(keys))
    texts: dict[str, np.ndarray]  # list-row name → folded entries joined by \x1f
    offsets: np.ndarray  # int64 byte offset of each record's line (empty for an in-memory source)
    amounts: np.ndarray  # int64 (n, len(AMOUNT_ROWS)): the 算定回数 of each amount row (0 when not reported)

    def __post_init__(self) -> None:
        self.key_index = {k: i for i, k in enumerate(self.keys)}
        self.rank = np.argsort(np.argsort(self.ids, kind="stable"), kind="stable")  # id order, for ties
        self.by_id = {str(v): i for i, v in enumerate(self.ids.tolist())}

    @classmethod
    def build(cls, records: Iterable[tuple[Facility, int]]) -> Columns:
        """Columns of records given with their line offsets (-1 for an in-memory source)."""
        ids: list[str] = []
        kinds: list[int] = []
        codes: list[int] = []
        lat: list[float] = []
        lng: list[float] = []
        reported: list[bool] = []
        strengths: list[int] = []
        offsets: list[int] = []
        rows: list[set[str]] = []
        texts: dict[str, list[str]] = {name: [] for name, _ in TEXT_ROWS}
        amounts: list[list[int]] = []
        for facility, offset in records:
            ids.append(facility.id)
            kinds.append(KINDS.index(facility.kind))
            codes.append(int(facility.municipality_code))
            lat.append(math.nan if facility.lat is None else float(facility.lat))
            lng.append(math.nan if facility.lng is None else float(facility.lng))
            reported.append(facility.reported)
            strengths.append(sum(f.test(facility) for f in _STRENGTH_FILTERS))
            offsets.append(offset)
            meta = facility_metadata(facility)
            rows.append({k for k, v in meta.items() if k not in _BASE_KEYS and v is True})
            for name, path in TEXT_ROWS:
                texts[name].append("\x1f".join(_fold(e) for e in _entries(facility, path)))
            amounts.append([_amount(facility, row.field) for row in AMOUNT_ROWS])
        keys = tuple(sorted(set().union(*rows))) if rows else ()
        index = {k: i for i, k in enumerate(keys)}
        flags = np.zeros((len(ids), len(keys)), dtype=bool)
        for i, present in enumerate(rows):
            flags[i, [index[k] for k in present]] = True
        return cls(
            np.array(ids, dtype=str), np.array(kinds, dtype=np.int8), np.array(codes, dtype=np.int32),
            np.array(lat, dtype=np.float64), np.array(lng, dtype=np.float64), np.array(reported, dtype=bool),
            np.array(strengths, dtype=np.int16), keys, flags,
            {k: np.array(v, dtype=str) for k, v in texts.items()},
            np.array(offsets if offsets and offsets[0] >= 0 else [], dtype=np.int64),
            np.array(amounts, dtype=np.int64).reshape(len(ids), len(AMOUNT_ROWS)),
        )

    def save(self, path: Path, version: str) -> None:
        """Write the columns atomically (temp file in the same folder, then ``os.replace``)."""
        header = {"format": COLUMNS_FORMAT, "version": version, "keys": list(self.keys),
                  "texts": [name for name, _ in TEXT_ROWS], "amounts": [row.name for row in AMOUNT_ROWS]}
        arrays = {"ids": self.ids, "kinds": self.kinds, "codes": self.codes, "lat": self.lat, "lng": self.lng,
                  "reported": self.reported, "strengths": self.strengths, "flags": self.flags,
                  "offsets": self.offsets, "amounts": self.amounts, "header": np.array(json.dumps(header, ensure_ascii=False))}
        arrays.update({f"text_{i}": self.texts[name] for i, (name, _) in enumerate(TEXT_ROWS)})
        fd, tmp = tempfile.mkstemp(prefix=".columns-", suffix=".npz", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, allow_pickle=False, **arrays)  # type: ignore[arg-type]
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path: Path, version: str) -> Columns | None:
        """The saved columns when they were built from this version of the dataset (else None)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                header = json.loads(str(data["header"]))
                if header.get("format") != COLUMNS_FORMAT or header.get("version") != version:
                    return None
                if header.get("texts") != [name for name, _ in TEXT_ROWS] or \
                        header.get("amounts") != [row.name for row in AMOUNT_ROWS]:
                    return None
                texts = {name: data[f"text_{i}"] for i, (name, _) in enumerate(TEXT_ROWS)}
                return cls(data["ids"], data["kinds"], data["codes"], data["lat"], data["lng"], data["reported"],
                           data["strengths"], tuple(header["keys"]), data["flags"], texts, data["offsets"],
                           data["amounts"])
        except (OSError, ValueError, KeyError):
            return None


def _haversine(lat: np.ndarray, lng: np.ndarray, point: tuple[float, float]) -> np.ndarray:
    p1, p2 = math.radians(point[0]), np.radians(lat)
    dp, dl = p2 - p1, np.radians(lng - point[1])
    h = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


class ColumnStore:
    """The embedded :class:`FacilityStore`: numpy masks over :class:`Columns`, records read on demand."""

    def __init__(self, columns: Columns, version: str, *, records: Sequence[Facility] | None = None,
                 path: Path | None = None) -> None:
        self.columns = columns
        self._version = version
        self._records = records
        self._path = path
        self._read = lru_cache(maxsize=4096)(self._read_uncached)

    @classmethod
    def from_records(cls, records: Iterable[Facility], version: str = "memory") -> ColumnStore:
        """A store over records held in memory (the shipped sample, tests)."""
        held = tuple(records)
        return cls(Columns.build((f, -1) for f in held), version, records=held)

    @classmethod
    def open(cls, path: Path, *, rebuild: bool = False) -> ColumnStore:
        """A store over an imported ``active.jsonl``: saved columns when current, else built and saved."""
        stat = path.stat()
        version = f"{stat.st_size}:{stat.st_mtime_ns}"
        cache = column_file(path)
        columns = None if rebuild else Columns.load(cache, version)
        if columns is None:
            columns = Columns.build(_read_lines(path))
            with contextlib.suppress(OSError):  # a read-only folder still serves, only slower to open
                columns.save(cache, version)
        return cls(columns, version, path=path)

    # ---- records ------------------------------------------------------------------------

    @property
    def version(self) -> str:
        return self._version

    def __len__(self) -> int:
        return len(self.columns.ids)

    def _read_uncached(self, i: int) -> Facility:
        if self._records is not None:
            return self._records[i]
        assert self._path is not None
        with self._path.open("rb") as fh:
            fh.seek(int(self.columns.offsets[i]))
            return facility_from_dict(json.loads(fh.readline()))

    def record(self, i: int) -> Facility:
        """The i-th record."""
        return self._read(int(i))

    def get(self, facility_id: str) -> Facility | None:
        """The record with this ID, or None (a dict lookup, then one line read)."""
        i = self.columns.by_id.get(facility_id)
        return None if i is None else self.record(i)

    def records(self) -> Iterator[Facility]:
        """Every record, in source order (reads the whole file for an imported dataset)."""
        if self._records is not None:
            yield from self._records
        else:
            for facility, _ in _read_lines(self._path):  # type: ignore[arg-type]
                yield facility

    def municipality_codes(self) -> frozenset[str]:
        """The municipality codes that hold at least one record."""
        return frozenset(f"{c:05d}" for c in np.unique(self.columns.codes).tolist())

    # ---- masks --------------------------------------------------------------------------

    def _clause(self, clause: dict[str, Any]) -> np.ndarray:
        if "$and" in clause:
            out = np.ones(len(self), dtype=bool)
            for part in clause["$and"]:
                out &= self._clause(part)
            return out
        ((key, test),) = clause.items()
        c = self.columns
        if key == "kind":
            return c.kinds == KINDS.index(test["$eq"]) if test["$eq"] in KINDS else np.zeros(len(self), bool)
        if key == "municipality_code":
            return np.isin(c.codes, [int(v) for v in test["$in"]])
        if key == "reported":
            return c.reported if test["$eq"] is True else ~c.reported
        j = c.key_index.get(key)
        column = c.flags[:, j] if j is not None else np.zeros(len(self), dtype=bool)  # no record has the key
        return column if test["$eq"] is True else ~column

    def _filter_mask(self, flt: FacilityFilter) -> np.ndarray:
        clause = flt.chroma_where()
        if clause is not None:
            return self._clause(clause)
        texts = self.columns.texts.get(flt.name)
        if texts is not None and isinstance(flt.value, str):
            return np.char.find(texts, _fold(flt.value)) >= 0
        return np.fromiter((flt.test(self.record(i)) for i in range(len(self))), bool, len(self))

    def mask(self, filters: Sequence[FacilityFilter], codes: Sequence[str] = ()) -> np.ndarray:
        """True for the records that meet every filter (and lie in one of ``codes`` when given)."""
        out = np.ones(len(self), dtype=bool)
        for flt in filters:
            out &= self._filter_mask(flt)
        if codes:
            out &= np.isin(self.columns.codes, [int(c) for c in codes])
        return out

    def _near(self, mask: np.ndarray, point: tuple[float, float], radius_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Indices within the radius (bounding box first, then the exact distance), nearest first, and distances."""
        c = self.columns
        lat, lng = point
        dlat = radius_km / 111.0
        dlng = radius_km / max(1e-6, 111.0 * math.cos(math.radians(min(89.0, abs(lat)))))
        box = mask & (np.abs(c.lat - lat) <= dlat) & (np.abs(c.lng - lng) <= dlng)
        idx = np.flatnonzero(box)
        d = _haversine(c.lat[idx], c.lng[idx], point)
        keep = d <= radius_km
        idx, d = idx[keep], d[keep]
        order = np.lexsort((c.rank[idx], d))
        return idx[order], d[order]

    # ---- queries ------------------------------------------------------------------------

    def query(self, filters: Sequence[FacilityFilter], *, codes: Sequence[str] = (),
              point: tuple[float, float] | None = None, radius_km: float | None = None,
              limit: int = 10, offset: int = 0, by_amounts: Sequence[str] = ()) -> Page:
        """Matches nearest first (with a point and radius), else most strengths first, then id.

        ``by_amounts`` (amount row names) puts first the matches that report more of those 算定回数, each amount
        scaled to the largest among the matches so that one large count does not outweigh the others; the
        distance or the strengths order what ties."""
        mask = self.mask(filters, codes)
        if point is not None:
            idx, d = self._near(mask, point, math.inf if radius_km is None else radius_km)
            if by_amounts:
                order = np.argsort(-self._volume(idx, by_amounts), kind="stable")
                idx, d = idx[order], d[order]
            page = range(offset, min(len(idx), offset + limit))
            return Page(tuple(StoreRow(self.record(idx[i]), float(d[i])) for i in page), len(idx))
        idx = np.flatnonzero(mask)
        keys = (self.columns.rank[idx], -self.columns.strengths[idx])
        order = np.lexsort((*keys, -self._volume(idx, by_amounts)) if by_amounts else keys)
        chosen = idx[order[offset:offset + limit]]
        return Page(tuple(StoreRow(self.record(i), None) for i in chosen), len(idx))

    def _volume(self, idx: np.ndarray, by_amounts: Sequence[str]) -> np.ndarray:
        """Per row of ``idx``: the sum of the named amounts, each divided by its largest value among ``idx``."""
        if not len(idx):
            return np.zeros(0)
        names = [row.name for row in AMOUNT_ROWS]
        picked = np.array([names.index(a) for a in by_amounts], dtype=np.intp)
        columns = self.columns.amounts[np.ix_(idx, picked)].astype(np.float64)
        return (columns / np.maximum(columns.max(axis=0), 1.0)).sum(axis=1)

    def count_within(self, filters: Sequence[FacilityFilter], *, codes: Sequence[str] = (),
                     point: tuple[float, float] | None = None, radii: Sequence[float] = ()) -> tuple[int, ...]:
        """How many match within each radius of the point (one count of all matches without a point)."""
        mask = self.mask(filters, codes)
        if point is None or not radii:
            return (int(mask.sum()),)
        _, d = self._near(mask, point, max(radii))
        return tuple(int(np.searchsorted(d, r, side="right")) for r in radii)

    def count_by_municipality(self, filters: Sequence[FacilityFilter]) -> dict[str, int]:
        """Matches per municipality code (codes with none are left out)."""
        codes, counts = np.unique(self.columns.codes[self.mask(filters)], return_counts=True)
        return {f"{c:05d}": int(n) for c, n in zip(codes.tolist(), counts.tolist(), strict=True)}

    def sum_by_municipality(self, amount: str, filters: Sequence[FacilityFilter] = ()) -> dict[str, int]:
        """The total of one amount row (a 算定回数) over the matches, per municipality code."""
        j = next(i for i, row in enumerate(AMOUNT_ROWS) if row.name == amount)
        mask = self.mask(filters)
        codes = self.columns.codes[mask]
        values = self.columns.amounts[mask, j]
        unique, inverse = np.unique(codes, return_inverse=True)
        sums = np.bincount(inverse, weights=values, minlength=len(unique))
        return {f"{c:05d}": int(v) for c, v in zip(unique.tolist(), sums.tolist(), strict=True)}

    def nearest_outside(self, filters: Sequence[FacilityFilter], point: tuple[float, float],
                        codes: Sequence[str]) -> StoreRow | None:
        """The nearest match outside the given municipalities."""
        mask = self.mask(filters) & ~np.isin(self.columns.codes, [int(c) for c in codes])
        idx, d = self._near(mask, point, math.inf)
        return StoreRow(self.record(idx[0]), float(d[0])) if len(idx) else None


def column_file(path: Path) -> Path:
    """Where the columns of a dataset file are saved (beside it)."""
    return path.with_name(path.name + ".columns.npz")


def _read_lines(path: Path) -> Iterator[tuple[Facility, int]]:
    """The records of an ``active.jsonl`` with their byte offsets (the header line is skipped)."""
    with path.open("rb") as fh:
        offset = 0
        for number, line in enumerate(fh, start=1):
            here, offset = offset, offset + len(line)
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if number == 1 and "kakari_dataset" in data:
                    continue
                facility = facility_from_dict(data)
            except (ValueError, TypeError, KeyError) as exc:
                raise DatasetError(f"{path} の {number} 行目を読み取れません: {exc}") from exc
            yield facility, here


def as_store(facilities: FacilityStore | Iterable[Facility]) -> FacilityStore:
    """A store for what was given (records are wrapped in an in-memory store)."""
    if isinstance(facilities, ColumnStore):
        return facilities
    return ColumnStore.from_records(facilities)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DatasetInfo:
    """Where the store's records come from: shown with every answer."""

    sample: bool
    as_of: str
    source: str


def active_path(facilities_dir: Path) -> Path:
    """The imported dataset file of a folder (it may not exist)."""
    return Path(facilities_dir) / ACTIVE_FILE


def dataset_version(facilities_dir: Path) -> str:
    """A cheap fingerprint of the active dataset (one ``stat``): changes when an import swaps the file."""
    try:
        stat = active_path(facilities_dir).stat()
    except FileNotFoundError:
        return "sample"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@lru_cache(maxsize=1)
def _sample_store() -> tuple[ColumnStore, DatasetInfo]:
    data = load_sample()
    return ColumnStore.from_records(data.records, "sample"), DatasetInfo(True, data.as_of, data.source)


def _header(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
    with contextlib.suppress(ValueError):
        data = json.loads(first)
        if isinstance(data, dict) and "kakari_dataset" in data:
            return data
    return {}


def open_store(facilities_dir: Path) -> tuple[ColumnStore, DatasetInfo]:
    """The store of the active dataset (the imported one, else the shipped fictional sample) and its info."""
    path = active_path(facilities_dir)
    try:
        store = ColumnStore.open(path)
    except FileNotFoundError:
        return _sample_store()
    header = _header(path)
    info = DatasetInfo(bool(header.get("sample", False)), str(header.get("as_of", "")),
                       str(header.get("source", "取込データ")))
    return store, info
