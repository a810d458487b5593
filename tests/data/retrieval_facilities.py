"""Hand-made fictional facility records (架空のデータ) for retrieval tests."""

from __future__ import annotations

import dataclasses

from corpus.facility import (
    AdmissionSupport,
    CareCollaboration,
    Facility,
    Function1,
    HomeCare,
    OffHours,
    OtherItems,
)

BASE = Facility(
    id="test:base", name="架空テスト診療所", kind="clinic", prefecture="東京都", municipality="千代田区",
    municipality_code="13101", address="東京都千代田区（架空）", lat=35.694, lng=139.753, sample=True,
    as_of="2026-01-01", source="test:fictional",
)

# Reported, but every function is off.
EMPTY = dataclasses.replace(
    BASE, id="test:empty", function1=Function1(has=False), off_hours=OffHours(),
    admission_support=AdmissionSupport(), home_care=HomeCare(), care_collaboration=CareCollaboration(),
    other=OtherItems(),
)

# Reported, every function on.
FULL = dataclasses.replace(
    BASE, id="test:full", kind="hospital", municipality_code="39201", prefecture="高知県", municipality="高知市",
    function1=Function1(has=True, domains=("内科", "皮膚"), diseases=("高血圧", "糖尿病"), consultation=True,
                        general_medicine_specialists=2, trained_doctors=1, platform=True),
    off_hours=OffHours(modes=("rota", "self_plus_partners"), partners=("架空連携病院",)),
    admission_support=AdmissionSupport(backup_beds="self", discharge_rules=True, admission_info_sharing=3,
                                       discharge_info_sharing=2),
    home_care=HomeCare(mode="24h_self", home_visits=120, urgent_visits=15, home_deaths=4, nursing_visits=30,
                       nursing_instructions=12),
    care_collaboration=CareCollaboration(
        has=True, opinion_letters=True, care_meetings=True, care_manager_consults=True,
        cooperating_facilities=("架空特別養護老人ホーム",), info_sharing_system=True, acp=True,
        care_manager_info_count=5),
    other=OtherItems(checkups=True, vaccinations=True, community_activities=("学校医",), education=True),
    confirmed_2go=True,
)

# 1号 not reported as 有り but lists filled in (lists must not count without has).
F1_OFF_WITH_LISTS = dataclasses.replace(
    BASE, id="test:f1off", function1=Function1(has=False, domains=("内科",), diseases=("高血圧",)),
)

PARTNERED = dataclasses.replace(
    BASE, id="test:partnered",
    off_hours=OffHours(modes=("self_anytime",)),
    admission_support=AdmissionSupport(backup_beds="partnered", partners=("架空後方支援病院",)),
    home_care=HomeCare(mode="24h_with_partners", partners=("架空在宅支援診療所",), home_visits=10),
)

DAYTIME = dataclasses.replace(BASE, id="test:daytime", home_care=HomeCare(mode="daytime"),
                              other=OtherItems(future_intent=True, future_functions=("時間外の診療",)))

RECORDS = {r.id.split(":")[1]: r for r in (BASE, EMPTY, FULL, F1_OFF_WITH_LISTS, PARTNERED, DAYTIME)}
