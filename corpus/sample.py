"""Deterministic generator of the fictional sample dataset (東京都・高知県, every municipality).

No real per-facility かかりつけ医機能報告 data is published in a usable form, so the product ships
invented records: names end in 「（サンプル）」, addresses are in an invented 架空町, ``sample`` is
true. Counts follow approximate populations (a rough stand-in for facility density); the function
mix follows the shape of the guideline's items, not any real facility. Same seed → same file.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from pathlib import Path
from typing import Any

from corpus.facility import COMMUNITY_ACTIVITIES, FUTURE_FUNCTIONS, OFF_HOURS_ADDITIONS, Facility, facility_from_dict
from corpus.municipalities import Municipality, in_prefecture
from corpus.sample_profiles import (
    CARE_HOMES,
    DAYTIME_FACTOR,
    NAME_WORDS,
    PLACE_WORDS,
    POPULATION_K,
    PROFILES,
    Profile,
    diseases_for,
    hospital_profile,
)
from corpus.vocab import Vocab, load_vocab

SEED = 20260101
AS_OF = "2026-01-01"
PERIOD = "2025-01-01/2025-12-31"
SOURCE = "sample:v1"
# Facilities per 1,000 residents drawn for each prefecture, and the share of hospitals.
RATE = {"東京都": 0.18, "高知県": 0.35}
HOSPITAL_SHARE = {"東京都": 0.06, "高知県": 0.18}
RURAL_K = 30  # below this population (thousands) 24h home care is rarer


def facility_count(m: Municipality) -> int:
    """How many sample facilities a municipality gets (at least one)."""
    pop = POPULATION_K.get(m.prefecture, {}).get(m.name, 5.0)
    return max(1, round(pop * RATE.get(m.prefecture, 0.2) * DAYTIME_FACTOR.get(m.name, 1.0)))


def _jitter(rng: random.Random, m: Municipality) -> tuple[float, float]:
    """A point near the municipality's office, closer for small or island places."""
    pop = POPULATION_K.get(m.prefecture, {}).get(m.name, 5.0)
    radius = 0.6 if m.code[:2] == "13" and m.code >= "13360" else 1.3 if m.name.endswith("区") else (
        3.0 if pop >= 100 else 2.0 if pop >= 20 else 1.4)
    dist, angle = radius * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    lat = m.lat + dist * math.sin(angle) / 111.0
    lng = m.lng + dist * math.cos(angle) / (111.0 * math.cos(math.radians(m.lat)))
    return round(lat, 6), round(lng, 6)


class NameBook:
    """Hands out fictional names that are unique in the dataset (partners are referred to by name).

    The word of a name is drawn from the generator's main stream exactly as ``sample:v1`` did (up to
    eight tries for a free plain name), so that fixing the names left every other value in place.
    v1 then fell back to numbered names (「高知つばさ第2内科クリニック」, which reads as a branch of
    「高知つばさ内科クリニック」); instead, a place word (「駅前」「本町」…) is drawn from a stream of its own.
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}:names")
        self._taken: set[str] = set()
        self._v1_drawn: set[str] = set()  # v1's names, only to repeat its draws from the main stream

    def name(self, rng: random.Random, m: Municipality, profile: Profile) -> str:
        """A free name 〈市区町村〉〈語〉〈種別〉（サンプル）, or with a place word when that is taken."""
        stem = m.name.removesuffix("区").removesuffix("市").removesuffix("町").removesuffix("村")
        plain = self._draw_like_v1(rng, f"{stem}{{}}{profile.suffix}（サンプル）")
        if plain and plain not in self._taken:
            self._taken.add(plain)
            return plain
        variants = [(place, word) for place in PLACE_WORDS for word in NAME_WORDS]
        self._rng.shuffle(variants)
        for place, word in variants:
            name = f"{stem}{place}{word}{profile.suffix}（サンプル）"
            if name not in self._taken:
                self._taken.add(name)
                return name
        for place, word in variants:  # very large places (national sample): a second place word
            for second in PLACE_WORDS:
                name = f"{stem}{place}{second}{word}{profile.suffix}（サンプル）"
                if second != place and name not in self._taken:
                    self._taken.add(name)
                    return name
        raise RuntimeError(f"sample name space exhausted in {m.name}")

    def _draw_like_v1(self, rng: random.Random, pattern: str) -> str | None:
        """v1's loop: a plain name if one of eight draws is free, else None (v1 numbered it)."""
        for attempt in range(40):
            extra = "" if attempt < 8 else f"第{attempt // 8 + 1}"
            name = pattern.format(rng.choice(NAME_WORDS) + extra)
            if name not in self._v1_drawn:
                self._v1_drawn.add(name)
                return None if extra else name
        return None  # v1 gave up here; the place words still have room


def _base(rng: random.Random, m: Municipality, serial: int, hospital: bool, profile: Profile,
          names: NameBook) -> dict[str, Any]:
    lat, lng = _jitter(rng, m)
    name = names.name(rng, m, profile)
    beds = rng.choice((20, 48, 60, 99, 120, 150, 199, 240, 320, 450)) if hospital else (
        19 if rng.random() < 0.05 else 0)
    return {
        "id": f"S{m.code}{serial:04d}", "name": name, "kind": "hospital" if hospital else "clinic",
        "prefecture": m.prefecture, "municipality": m.name, "municipality_code": m.code,
        "address": f"{m.prefecture}{m.name}架空町{rng.randint(1, 5)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}",
        "lat": lat, "lng": lng, "sample": True, "as_of": AS_OF, "source": SOURCE, "period": PERIOD,
        "phone": "", "website": "", "beds": beds, "notes": ["架空のサンプルデータです（実在の医療機関ではありません）"],
    }


def _function1(rng: random.Random, profile: Profile, vocab: Vocab) -> dict[str, Any]:
    domains = [d for d in vocab.domains if d in profile.domains or rng.random() < profile.extra_domain_p]
    diseases = diseases_for(domains, vocab, rng)
    return {
        "has": True, "posted_in_clinic": rng.random() < 0.8, "domains": domains, "diseases": diseases,
        "consultation": rng.random() < 0.9, "trained_doctors": rng.choice((0, 0, 1, 1, 1, 2, 3)),
        "general_medicine_specialists": rng.choice((0,) * 8 + (1, 1, 2)),
        "doctors": rng.randint(1, 4), "outpatient_nurses": rng.randint(0, 6), "platform": rng.random() < 0.6,
    }


def _no_function1(rng: random.Random) -> dict[str, Any]:
    return {"has": False, "posted_in_clinic": False, "domains": [], "diseases": [], "consultation": rng.random() < 0.3,
            "trained_doctors": 0, "general_medicine_specialists": 0, "doctors": rng.randint(1, 3),
            "outpatient_nurses": rng.randint(0, 3), "platform": rng.random() < 0.3}


def _off_hours(rng: random.Random, profile: Profile) -> dict[str, Any]:
    modes = [m for m, p in (("rota", 0.4), ("self_anytime", 0.15 * profile.home_care_bias),
                            ("self_plus_partners", 0.12 * profile.home_care_bias)) if rng.random() < p]
    active = bool(modes)
    return {
        "modes": modes, "partners": [],
        "addition": rng.choice(OFF_HOURS_ADDITIONS[1:]) if active and rng.random() < 0.6 else "",
        "after_hours_count": rng.randint(5, 400) if active else rng.choice((0, 0, 3)),
        "late_night_count": rng.randint(0, 60) if active else 0,
        "holiday_count": rng.randint(0, 120) if active else 0,
    }


def _admission(rng: random.Random, hospital: bool, beds: int) -> dict[str, Any]:
    weights = (0.15, 0.7, 0.15) if hospital else ((0.5, 0.35, 0.15) if beds else (0.75, 0.0, 0.25))
    backup = rng.choices(("none", "self", "partnered"), weights=weights)[0]
    sharing = rng.random() < (0.8 if hospital else 0.35)
    return {
        "backup_beds": backup, "partners": [], "discharge_rules": rng.random() < (0.6 if hospital else 0.25),
        "admission_info_sharing": rng.randint(1, 200) if sharing else 0,
        "discharge_info_sharing": rng.randint(1, 150) if sharing else 0,
        "referred_patients": rng.randint(10, 3000) if hospital else rng.choice((0, 0, 0, 5, 20)),
    }


def _home_care(rng: random.Random, profile: Profile, rural: bool) -> dict[str, Any]:
    p24 = profile.home_care_bias * (0.4 if rural else 1.0)
    weights = (0.55 / profile.home_care_bias, 0.2, 0.08 * p24, 0.12 * p24)
    mode = rng.choices(("none", "daytime", "24h_self", "24h_with_partners"), weights=weights)[0]
    active = mode != "none"
    scale = 3 if mode.startswith("24h") else 1
    return {
        "mode": mode, "partners": [],
        "home_visits": rng.randint(1, 300) * scale if active and rng.random() < 0.9 else 0,
        "urgent_visits": rng.randint(1, 60) * scale if active and rng.random() < 0.75 else 0,
        "nursing_visits": rng.randint(1, 200) if active and rng.random() < 0.3 else 0,
        "home_deaths": rng.randint(1, 25) * scale if active and rng.random() < (0.7 if scale > 1 else 0.25) else 0,
        "nursing_instructions": rng.randint(1, 120) if active and rng.random() < 0.6 else 0,
    }


def _care(rng: random.Random, home_care: dict[str, Any]) -> dict[str, Any]:
    engaged = home_care["mode"] != "none" or rng.random() < 0.35
    flags = {k: engaged and rng.random() < p for k, p in (
        ("opinion_letters", 0.85), ("care_meetings", 0.55), ("care_manager_consults", 0.5),
        ("info_sharing_system", 0.35), ("acp", 0.4))}
    homes = [f"{rng.choice(CARE_HOMES)}（サンプル）"] if engaged and rng.random() < 0.3 else []
    return {"has": any(flags.values()) or bool(homes), **flags,
            "care_manager_info_count": rng.randint(1, 80) if flags["care_manager_consults"] else 0,
            "cooperating_facilities": homes}


def _other(rng: random.Random, has_function1: bool) -> dict[str, Any]:
    activities = [a for a in COMMUNITY_ACTIVITIES if rng.random() < (0.25 if a != "その他" else 0.1)]
    return {"checkups": rng.random() < 0.65, "vaccinations": rng.random() < 0.75,
            "community_activities": activities, "education": rng.random() < 0.15,
            "future_intent": (not has_function1) and rng.random() < 0.4}


# Whether a record block holds its function today (a function not held may be stated as 今後担う意向).
_HOLDS: dict[str, Any] = {
    "function1": lambda b: b["has"], "off_hours": lambda b: bool(b["modes"]),
    "admission_support": lambda b: b["backup_beds"] != "none" or b["discharge_rules"],
    "home_care": lambda b: b["mode"] != "none", "care_collaboration": lambda b: b["has"],
}
FUTURE_SHARE = 0.12  # of the functions a reporting facility does not hold, the share it states it intends to take on


def _future(record: dict[str, Any]) -> None:
    """今後担う意向 per function not held (its own random stream, keyed by the id, so the other draws stay as they
    were); a facility without 1号 that states an intent intends 1号 at least."""
    rng = random.Random(f"future:{record['id']}")
    other = record["other"]
    lacking = [name for block, name in FUTURE_FUNCTIONS
               if record.get(block) is None or not _HOLDS[block](record[block])]
    named = [name for name in lacking if rng.random() < FUTURE_SHARE]
    if other["future_intent"] and "1号機能" in lacking and "1号機能" not in named:
        named.insert(0, "1号機能")
    other["future_functions"] = [n for _, n in FUTURE_FUNCTIONS if n in named]
    other["future_intent"] = bool(named)


def _report(rng: random.Random, record: dict[str, Any], profile: Profile, vocab: Vocab, rural: bool) -> None:
    """Fill the function blocks: 2号 only for facilities with 1号 (ガイドライン 第2章第3節)."""
    _fill(rng, record, profile, vocab, rural)
    if record.get("other") is not None:
        _future(record)


def _fill(rng: random.Random, record: dict[str, Any], profile: Profile, vocab: Vocab, rural: bool) -> None:
    roll = rng.random()
    if roll < 0.02:
        return  # 未報告: every block stays null
    if roll > profile.p_function1:
        record.update(function1=_no_function1(rng), other=_other(rng, False))
        return
    hospital = record["kind"] == "hospital"
    record["function1"] = _function1(rng, profile, vocab)
    record["off_hours"] = _off_hours(rng, profile)
    record["admission_support"] = _admission(rng, hospital, record["beds"])
    record["home_care"] = _home_care(rng, profile, rural)
    record["care_collaboration"] = _care(rng, record["home_care"])
    record["other"] = _other(rng, True)
    record["confirmed_2go"] = rng.random() < 0.8


def _municipality_records(rng: random.Random, m: Municipality, vocab: Vocab,
                          names: NameBook) -> list[dict[str, Any]]:
    rural = POPULATION_K.get(m.prefecture, {}).get(m.name, 5.0) < RURAL_K
    out = []
    for serial in range(1, facility_count(m) + 1):
        hospital = serial > 1 and rng.random() < HOSPITAL_SHARE.get(m.prefecture, 0.08)
        profile = hospital_profile() if hospital else rng.choices(PROFILES, weights=[p.weight for p in PROFILES])[0]
        record = _base(rng, m, serial, hospital, profile, names)
        _report(rng, record, profile, vocab, rural)
        out.append(record)
    return out


def _nearest_names(record: dict[str, Any], pool: list[dict[str, Any]], k: int, hospitals: bool = False) -> list[str]:
    lat, lng = record["lat"], record["lng"]
    scale = math.cos(math.radians(lat)) ** 2  # equirectangular: fine for ranking neighbours

    def distance(r: dict[str, Any]) -> float:
        return (r["lat"] - lat) ** 2 + scale * (r["lng"] - lng) ** 2

    candidates = (r for r in pool if r["id"] != record["id"] and (r["kind"] == "hospital" or not hospitals))
    return [r["name"] for r in heapq.nsmallest(k, candidates, key=distance)]


def _assign_partners(rng: random.Random, records: list[dict[str, Any]]) -> None:
    """Partners are other sample facilities nearby (hospitals for backup beds)."""
    for prefecture in sorted({r["prefecture"] for r in records}):
        pool = [r for r in records if r["prefecture"] == prefecture]
        for r in pool:
            if r.get("off_hours") and "self_plus_partners" in r["off_hours"]["modes"]:
                r["off_hours"]["partners"] = _nearest_names(r, pool, rng.randint(1, 2))
            if r.get("admission_support") and r["admission_support"]["backup_beds"] == "partnered":
                r["admission_support"]["partners"] = _nearest_names(r, pool, 1, hospitals=True)
            if r.get("home_care") and r["home_care"]["mode"] == "24h_with_partners":
                r["home_care"]["partners"] = _nearest_names(r, pool, rng.randint(1, 3))


def generate(seed: int = SEED, prefectures: tuple[str, ...] = ("東京都", "高知県")) -> list[Facility]:
    """The fictional dataset for every municipality of the given prefectures."""
    rng, vocab = random.Random(seed), load_vocab()
    records: list[dict[str, Any]] = []
    names = NameBook(seed)
    for prefecture in prefectures:
        for m in in_prefecture(prefecture):
            records.extend(_municipality_records(rng, m, vocab, names))
    _assign_partners(rng, records)
    return [facility_from_dict(r) for r in records]


def write_sample(path: Path, seed: int = SEED) -> int:
    """Write the generated dataset as JSONL (the export form); returns the record count."""
    facilities = generate(seed)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for f in facilities:
            fh.write(json.dumps(f.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(facilities)


if __name__ == "__main__":  # python -m corpus.sample: regenerate corpus/data/sample_facilities.jsonl
    target = Path(__file__).parent / "data" / "sample_facilities.jsonl"
    print(f"wrote {write_sample(target)} facilities to {target}")
