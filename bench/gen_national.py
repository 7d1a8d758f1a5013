#!/usr/bin/python3
"""Generate a national-size ballotkit election definition for benchmarks.

The shape follows Kazakhstan's elections of 19 March 2023 (see
docs and shared/reference/elections-kz.md): one nationwide Mazhilis party
list, 29 Mazhilis single-mandate districts, a maslikhat party list per region
and city of republican significance, and about 3,080 maslikhat single-mandate
districts; about 3,100 ballots, 16,000 candidates and 10,230 polling stations.
Candidate names are invented.

The output is deterministic: the same arguments give the same bytes.

Usage: /usr/bin/python3 bench/gen_national.py [--seed N] [--scale F] -o OUT.json
                                             [--tables DIR] [--xlsx BOOK.xlsx]

--tables and --xlsx also write the election as the tables `ballotkit import`
reads (scripts/tables_from_definition.py): CSV files in DIR, and a workbook
(with python3-openpyxl), for the import bench.

--scale multiplies the number of maslikhat single-mandate districts (and so
the number of their candidates); polling stations grow only as far as needed
for every district to have one.

Python 3 standard library only.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time

# ---------------------------------------------------------------- constants

ELECTION_DATE = "2023-03-19"

# Public numbers of 2023, the targets at scale 1.0.
MASLIKHAT_SM_SEATS = 3081       # maslikhat single-mandate districts
MAZHILIS_SM_CANDIDATES = 370    # candidates in the 29 Mazhilis districts
TOTAL_CANDIDATES = 16000        # target for all single-mandate candidates
DOMESTIC_STATIONS = 10153       # polling stations in the country
ABROAD_STATIONS = 77            # polling stations abroad

KK_ALPHABET = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
_RANK = {c: i + 2 for i, c in enumerate(KK_ALPHABET)}
_RANK["-"] = 1
_RANK[" "] = 1

KK_TO_RU = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
    "һ": "х", "і": "и",
    "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У",
    "Һ": "Х", "І": "И",
})

VOWELS = set("аәеёиоөуұүыіэюя")

# Seventeen regions and three cities of republican significance:
# (kk name, ru name, kind, Mazhilis single-mandate districts, base regional
# maslikhat single-mandate seats or None for random, share of stations or None)
REGIONS = [
    ("Абай облысы", "область Абай", "region", 1),
    ("Ақмола облысы", "Акмолинская область", "region", 1),
    ("Ақтөбе облысы", "Актюбинская область", "region", 1),
    ("Алматы облысы", "Алматинская область", "region", 2),
    ("Атырау облысы", "Атырауская область", "region", 1),
    ("Батыс Қазақстан облысы", "Западно-Казахстанская область", "region", 1),
    ("Жамбыл облысы", "Жамбылская область", "region", 1),
    ("Жетісу облысы", "область Жетысу", "region", 1),
    ("Қарағанды облысы", "Карагандинская область", "region", 2),
    ("Қостанай облысы", "Костанайская область", "region", 1),
    ("Қызылорда облысы", "Кызылординская область", "region", 1),
    ("Маңғыстау облысы", "Мангистауская область", "region", 1),
    ("Павлодар облысы", "Павлодарская область", "region", 1),
    ("Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "region", 1),
    ("Түркістан облысы", "Туркестанская область", "region", 3),
    ("Ұлытау облысы", "область Улытау", "region", 1),
    ("Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "region", 2),
    ("Астана қаласы", "город Астана", "city", 2),
    ("Алматы қаласы", "город Алматы", "city", 3),
    ("Шымкент қаласы", "город Шымкент", "city", 2),
]
assert sum(r[3] for r in REGIONS) == 29

# Districts of the cities of republican significance (kk stem, ru stem).
CITY_DISTRICTS = {
    "Астана қаласы": [("Алматы", "Алматы"), ("Байқоңыр", "Байконур"),
                      ("Есіл", "Есиль"), ("Сарыарқа", "Сарыарка"),
                      ("Нұра", "Нура")],
    "Алматы қаласы": [("Алатау", "Алатау"), ("Алмалы", "Алмалы"),
                      ("Әуезов", "Ауэзов"), ("Бостандық", "Бостандык"),
                      ("Жетісу", "Жетысу"), ("Медеу", "Медеу"),
                      ("Наурызбай", "Наурызбай"), ("Түрксіб", "Турксиб")],
    "Шымкент қаласы": [("Абай", "Абай"), ("Әл-Фараби", "Аль-Фараби"),
                       ("Еңбекші", "Енбекши"), ("Қаратау", "Каратау"),
                       ("Тұран", "Туран")],
}
CITY_STATIONS = {"Астана қаласы": 380, "Алматы қаласы": 560,
                 "Шымкент қаласы": 290}

# Invented place names for districts and towns of the regions.
PLACE_A = ["Ақ", "Қара", "Сары", "Көк", "Жаңа", "Ескі", "Бес", "Үш", "Алты",
           "Тас", "Қызыл", "Ұзын", "Құм", "Кен", "Шұбар", "Жалаң", "Таң",
           "Ай", "Бай", "Қос", "Ала", "Жел"]
PLACE_B = ["су", "бұлақ", "көл", "терек", "тау", "тас", "өзек", "жар",
           "арқа", "қайың", "ағаш", "сай", "бел", "шоқы", "төбе", "құдық",
           "дала", "тоған", "кент", "қамыс"]

PARTIES = [
    # id, kk name, ru name, kk short, ru short, pronunciation kk, ru
    ("amanat", "«AMANAT» партиясы", "Партия «AMANAT»", "AMANAT", "AMANAT",
     "«Аманат» партиясы", "Партия «Аманат»"),
    ("auyl", "«Ауыл» халықтық-демократиялық патриоттық партиясы",
     "Народно-демократическая патриотическая партия «Ауыл»",
     "«Ауыл»", "«Ауыл»", None, None),
    ("respublica", "«Respublica» партиясы", "Партия «Respublica»",
     "Respublica", "Respublica",
     "«Республика» партиясы", "Партия «Республика»"),
    ("qhp", "Қазақстан халық партиясы", "Народная партия Казахстана",
     "ҚХП", "НПК", None, None),
    ("baytaq", "«Байтақ» Жасылдар партиясы",
     "Казахстанская партия зеленых «Байтак»", "«Байтақ»", "«Байтак»",
     None, None),
    ("ak-zhol", "Қазақстанның «Ақ жол» демократиялық партиясы",
     "Демократическая партия Казахстана «Ак жол»", "«Ақ жол»", "«Ак жол»",
     None, None),
    ("zhsdp", "Жалпыұлттық социал-демократиялық партия",
     "Общенациональная социал-демократическая партия", "ЖСДП", "ОСДП",
     None, None),
]
PARTY_IDS = [p[0] for p in PARTIES]

MALE_NAMES = [
    "Айбек", "Айдар", "Айдос", "Алмас", "Асқар", "Асылбек", "Ақжол",
    "Бауыржан", "Бақытжан", "Бекзат", "Болат", "Ғалым", "Дәурен", "Дархан",
    "Дамир", "Дәулет", "Ержан", "Ерлан", "Ерболат", "Ерік", "Жандос",
    "Жасұлан", "Жеңіс", "Жұмабек", "Ильяс", "Қайрат", "Қанат", "Қуаныш",
    "Мағжан", "Марат", "Мейрам", "Мұрат", "Нұрлан", "Нұрсұлтан", "Олжас",
    "Руслан", "Сайын", "Серік", "Талғат", "Тимур", "Төлеген", "Ұлан",
    "Шыңғыс", "Ырысбек", "Әділ", "Әлихан", "Өмірзақ", "Өркен", "Нұрбол",
    "Еркебұлан", "Бердібек", "Санжар", "Самат", "Азамат", "Арман", "Батыр",
    "Ерсұлтан", "Мақсат", "Темірлан", "Әсет", "Ілияс", "Жомарт", "Һәкім",
    "Бағлан", "Есен", "Қасым", "Мұхтар", "Рахат", "Тұрсын", "Үсен",
]
FEMALE_NAMES = [
    "Айгүл", "Айгерім", "Айжан", "Ақбота", "Ақмарал", "Аружан", "Әсел",
    "Ботагөз", "Гүлнар", "Гүлмира", "Дана", "Динара", "Жанар", "Жанна",
    "Жұлдыз", "Зарина", "Зәуре", "Индира", "Қарлығаш", "Қымбат", "Ләззат",
    "Мадина", "Мөлдір", "Нұргүл", "Перизат", "Раушан", "Сәуле", "Салтанат",
    "Сандуғаш", "Толқын", "Ұлжан", "Үміт", "Шынар", "Шолпан", "Эльмира",
    "Іңкәр", "Ақерке", "Әйгерім", "Балжан", "Гаухар", "Назым", "Нұрсұлу",
    "Самал", "Томирис", "Әсемгүл", "Бибігүл", "Гүлжан", "Жібек", "Күләш",
    "Маржан",
]
# Fathers' names for patronymics (all end in a consonant).
FATHER_NAMES = [n for n in MALE_NAMES if n[-1].lower() not in VOWELS]

SURNAME_A = ["Жұма", "Нұр", "Ер", "Сейіт", "Қасым", "Төле", "Ораз", "Ақ",
             "Қара", "Темір", "Тілеу", "Есен", "Дос", "Ай", "Әбді", "Бақ",
             "Құл", "Сағын", "Жақып", "Омар", "Рахым", "Ысқақ", "Мұса",
             "Бек", "Сәт", "Өтеп", "Үмбет", "Іргебай", "Шәкір", "Ғаби"]
SURNAME_B = ["", "", "", "бек", "бай", "хан", "жан", "тай", "ғали", "жол",
             "болат", "ұлан", "қали", "ахмет", "тас", "мұрат", "берді",
             "ғазы", "бол", "әлі", "сейіт", "құл", "ет"]

COUNTRIES = [
    ("Ресей", "Россия"), ("Түркия", "Турция"), ("Германия", "Германия"),
    ("АҚШ", "США"), ("Қытай", "Китай"), ("Өзбекстан", "Узбекистан"),
    ("Қырғызстан", "Кыргызстан"), ("Біріккен Араб Әмірліктері",
                                   "Объединенные Арабские Эмираты"),
    ("Ұлыбритания", "Великобритания"), ("Франция", "Франция"),
    ("Италия", "Италия"), ("Испания", "Испания"), ("Польша", "Польша"),
    ("Чехия", "Чехия"), ("Австрия", "Австрия"), ("Бельгия", "Бельгия"),
    ("Нидерланды", "Нидерланды"), ("Швейцария", "Швейцария"),
    ("Швеция", "Швеция"), ("Финляндия", "Финляндия"),
    ("Венгрия", "Венгрия"), ("Румыния", "Румыния"), ("Грекия", "Греция"),
    ("Беларусь", "Беларусь"), ("Украина", "Украина"),
    ("Әзербайжан", "Азербайджан"), ("Грузия", "Грузия"),
    ("Армения", "Армения"), ("Тәжікстан", "Таджикистан"),
    ("Түрікменстан", "Туркменистан"), ("Моңғолия", "Монголия"),
    ("Жапония", "Япония"), ("Корея Республикасы", "Республика Корея"),
    ("Үндістан", "Индия"), ("Малайзия", "Малайзия"),
    ("Сингапур", "Сингапур"), ("Израиль", "Израиль"), ("Египет", "Египет"),
    ("Сауд Арабиясы", "Саудовская Аравия"), ("Катар", "Катар"),
    ("Кувейт", "Кувейт"), ("Иран", "Иран"), ("Канада", "Канада"),
    ("Бразилия", "Бразилия"), ("Аустралия", "Австралия"),
]


# ---------------------------------------------------------------- helpers

def ru_spelling(kk):
    return kk.translate(KK_TO_RU)


def sort_key_word(word):
    try:
        return [_RANK[c] for c in word.upper()]
    except KeyError as e:
        raise ValueError("not a Kazakh Cyrillic name: %r" % word) from e


def candidate_key(c):
    return (sort_key_word(c["surname"]["kk"]),
            sort_key_word(c["given_name"]["kk"]),
            sort_key_word(c["patronymic"]["kk"]) if "patronymic" in c else [])


def text(kk, ru):
    return {"kk": kk, "ru": ru}


def apportion(total, weights, minimum=0):
    """Split total into integers proportional to weights (largest remainder),
    each at least minimum. Deterministic."""
    n = len(weights)
    if n == 0:
        return []
    wsum = float(sum(weights))
    exact = [total * w / wsum for w in weights]
    alloc = [int(x) for x in exact]
    rest = total - sum(alloc)
    order = sorted(range(n), key=lambda i: (-(exact[i] - alloc[i]), i))
    for i in order[:rest]:
        alloc[i] += 1
    return [max(minimum, a) for a in alloc]


def nudge_to_total(rng, counts, target, lo, hi, movable=None):
    """Move counts[i] (i in movable) by ±1 within [lo, hi] until they sum to
    target, or as close as the bounds allow."""
    idx = list(range(len(counts))) if movable is None else list(movable)
    diff = target - sum(counts)
    while diff != 0:
        step = 1 if diff > 0 else -1
        room = [i for i in idx if lo <= counts[i] + step <= hi]
        if not room:
            break
        # Spread the change: one move per ballot per pass, in random order.
        rng.shuffle(room)
        for i in room[:abs(diff)]:
            counts[i] += step
        diff = target - sum(counts)
    return counts


# ---------------------------------------------------------------- names

class NameMaker:
    def __init__(self, rng):
        self.rng = rng
        self.roots = [a + b for a in SURNAME_A for b in SURNAME_B
                      if not (a.endswith(b) and b) and len(a + b) >= 3]

    def surname(self, female):
        rng = self.rng
        root = rng.choice(self.roots)
        r = rng.random()
        if r < 0.15:
            return root + ("қызы" if female else "ұлы")
        if r < 0.20:
            return root
        last = root[-1]
        if last == "й":
            base, suf = root[:-1], "ев"
        elif last == "і":
            base, suf = root[:-1], "иев"
        elif last in VOWELS:
            base, suf = root, "ев"
        elif last in "жшщчц":
            base, suf = root, "ев"
        else:
            base, suf = root, "ов"
        return base + suf + ("а" if female else "")

    def given(self, female):
        return self.rng.choice(FEMALE_NAMES if female else MALE_NAMES)

    def patronymic(self, female):
        rng = self.rng
        father = rng.choice(FATHER_NAMES)
        if rng.random() < 0.5:
            return father + ("қызы" if female else "ұлы")
        return father + ("овна" if female else "ович")


def make_candidates(rng, names, count, counter, nominate_party):
    """count candidates for one single-mandate ballot, sorted in Kazakh
    alphabetical order. counter is a one-element list with the last number."""
    cands = []
    keys = set()
    used_parties = []
    while len(cands) < count:
        female = rng.random() < 0.28
        surname = names.surname(female)
        given = names.given(female)
        patr = names.patronymic(female) if rng.random() < 0.97 else None
        c = {"id": None}
        with_ru = rng.random() < 0.9
        c["surname"] = {"kk": surname}
        c["given_name"] = {"kk": given}
        if patr is not None:
            c["patronymic"] = {"kk": patr}
        if with_ru:
            for field in ("surname", "given_name", "patronymic"):
                if field in c:
                    c[field]["ru"] = ru_spelling(c[field]["kk"])
        c["birth_year"] = rng.randint(1950, 2000)
        party = None
        if nominate_party and rng.random() < 0.70:
            free = [p for p in PARTY_IDS if p not in used_parties]
            if free:
                party = rng.choice(free)
                used_parties.append(party)
        if party is not None:
            c["party"] = party
        else:
            c["self_nominated"] = True
        key = candidate_key(c)
        kt = (tuple(key[0]), tuple(key[1]), tuple(key[2]))
        if kt in keys:
            if party is not None:
                used_parties.remove(party)
            continue
        keys.add(kt)
        cands.append(c)
    cands.sort(key=candidate_key)
    for c in cands:
        counter[0] += 1
        c["id"] = "c-%06d" % counter[0]
    return cands


# ---------------------------------------------------------------- generator

def generate(seed, scale):
    rng = random.Random(seed)
    names = NameMaker(rng)

    election = {
        "id": "kz-national-bench",
        "date": ELECTION_DATE,
        "name": text(
            "Қазақстан Республикасы Парламенті Мәжілісінің және "
            "мәслихаттарының депутаттарын сайлау",
            "Выборы депутатов Мажилиса Парламента и маслихатов "
            "Республики Казахстан"),
        "languages": ["kk", "ru"],
    }

    parties = []
    for pid, kk, ru, skk, sru, pkk, pru in PARTIES:
        p = {"id": pid, "name": text(kk, ru), "short_name": text(skk, sru)}
        if pkk:
            p["pronunciation"] = text(pkk, pru)
        parties.append(p)

    # ---- areas
    areas = [{"id": "kz", "kind": "country",
              "name": text("Қазақстан Республикасы", "Республика Казахстан")}]
    places = [(a, b) for a in PLACE_A for b in PLACE_B]
    rng.shuffle(places)
    regions = []   # dicts with area info and sub-areas
    for ri, (rkk, rru, rkind, n_mz) in enumerate(REGIONS, 1):
        rid = "region-%02d" % ri
        areas.append({"id": rid, "kind": rkind, "name": text(rkk, rru),
                      "parent": "kz"})
        subs = []
        if rkind == "city":
            for si, (skk, sru) in enumerate(CITY_DISTRICTS[rkk], 1):
                subs.append({"id": "%s-%02d" % (rid, si), "kind": "district",
                             "name": text(skk + " ауданы", "район " + sru),
                             "level": None})
        else:
            n_sub = rng.randint(9, 15)
            n_town = rng.randint(1, 3)
            for si in range(1, n_sub + 1):
                a, b = places.pop()
                stem = a + b
                if si <= n_town:
                    kind, level = "city", "city"
                    name = text(stem + " қаласы",
                                "город " + ru_spelling(stem))
                else:
                    kind, level = "district", "district"
                    name = text(stem + " ауданы",
                                "район " + ru_spelling(stem))
                subs.append({"id": "%s-%02d" % (rid, si), "kind": kind,
                             "name": name, "level": level})
        for s in subs:
            areas.append({"id": s["id"], "kind": s["kind"], "name": s["name"],
                          "parent": rid})
        regions.append({"id": rid, "num": ri, "kk": rkk, "ru": rru,
                        "kind": rkind, "n_mz": n_mz, "subs": subs})

    # ---- maslikhat single-mandate seats
    target_sm = max(1, round(MASLIKHAT_SM_SEATS * scale))
    for r in regions:
        base = rng.randint(14, 24)
        r["n_regional_sm"] = max(1, round(base * scale))
    local_subs = [s for r in regions for s in r["subs"] if s["level"]]
    local_total = max(0, target_sm - sum(r["n_regional_sm"] for r in regions))
    weights = [rng.uniform(0.6, 1.4) * (1.3 if s["level"] == "city" else 1.0)
               for s in local_subs]
    for s, n in zip(local_subs, apportion(local_total, weights, 1)):
        s["n_local_sm"] = n
    for r in regions:
        for s in r["subs"]:
            s.setdefault("n_local_sm", 0)

    # ---- polling stations per sub-area
    region_rest = [r for r in regions if r["kind"] == "region"]
    rest_total = DOMESTIC_STATIONS - sum(CITY_STATIONS.values())
    rweights = [rng.uniform(0.6, 1.4) * len(r["subs"]) for r in region_rest]
    for r, n in zip(region_rest, apportion(rest_total, rweights)):
        r["stations"] = n
    for r in regions:
        if r["kind"] == "city":
            r["stations"] = CITY_STATIONS[r["kk"]]
        sw = [rng.uniform(0.5, 1.5) * (2.0 if s["level"] == "city" else 1.0)
              for s in r["subs"]]
        alloc = apportion(r["stations"], sw, 1)
        for s, n in zip(r["subs"], alloc):
            s["n_stations"] = max(n, s["n_local_sm"])
        total = sum(s["n_stations"] for s in r["subs"])
        i = 0
        while total < r["n_regional_sm"]:
            r["subs"][i % len(r["subs"])]["n_stations"] += 1
            total += 1
            i += 1

    # ---- districts
    districts = [{"id": "nationwide", "kind": "nationwide",
                  "name": text("Жалпыұлттық сайлау округі",
                               "Общенациональный избирательный округ"),
                  "area": "kz"}]
    mz_number = 0
    for r in regions:
        # Mazhilis districts: contiguous groups of the region's sub-areas.
        groups = apportion(len(r["subs"]), [1.0] * r["n_mz"])
        r["mz"] = []
        pos = 0
        for g in groups:
            mz_number += 1
            did = "mz-%02d" % mz_number
            districts.append({
                "id": did, "kind": "mazhilis", "number": mz_number,
                "name": text("№%d бір мандатты аумақтық сайлау округі"
                             % mz_number,
                             "Одномандатный территориальный избирательный "
                             "округ №%d" % mz_number),
                "area": r["id"]})
            r["mz"].append(did)
            for s in r["subs"][pos:pos + g]:
                s["mz"] = did
            pos += g
    for r in regions:
        r["list_district"] = "ml-%02d" % r["num"]
        districts.append({
            "id": r["list_district"], "kind": "maslikhat", "level": "regional",
            "name": text("%s: мәслихат депутаттарын партиялық тізімдер "
                         "бойынша сайлау округі" % r["kk"],
                         "%s: избирательный округ по выборам депутатов "
                         "маслихата по партийным спискам" % r["ru"]),
            "area": r["id"]})
    for r in regions:
        r["regional_sm"] = []
        for n in range(1, r["n_regional_sm"] + 1):
            did = "ms-%02d-r%03d" % (r["num"], n)
            districts.append({
                "id": did, "kind": "maslikhat", "level": "regional",
                "number": n,
                "name": text("%s: мәслихаттың №%d бір мандатты сайлау "
                             "округі" % (r["kk"], n),
                             "%s: одномандатный избирательный округ №%d "
                             "по выборам в маслихат" % (r["ru"], n)),
                "area": r["id"]})
            r["regional_sm"].append(did)
        for s in r["subs"]:
            s["local_sm"] = []
            for n in range(1, s["n_local_sm"] + 1):
                did = "ms-%s-%03d" % (s["id"][len("region-"):], n)
                districts.append({
                    "id": did, "kind": "maslikhat", "level": s["level"],
                    "number": n,
                    "name": text("%s: мәслихаттың №%d бір мандатты сайлау "
                                 "округі" % (s["name"]["kk"], n),
                                 "%s: одномандатный избирательный округ №%d "
                                 "по выборам в маслихат"
                                 % (s["name"]["ru"], n)),
                    "area": s["id"]})
                s["local_sm"].append(did)

    # ---- polling stations
    stations = []
    number = 0
    for r in regions:
        region_stations = []
        for s in r["subs"]:
            local_blocks = apportion(s["n_stations"],
                                     [1.0] * max(1, s["n_local_sm"]))
            local_of = []
            for bi, b in enumerate(local_blocks):
                local_of.extend([bi] * b)
            for k in range(s["n_stations"]):
                number += 1
                ps = {"id": "ps-%05d" % number, "number": number,
                      "name": text("№%d сайлау учаскесі" % number,
                                   "Избирательный участок №%d" % number),
                      "area": s["id"],
                      "districts": ["nationwide", s["mz"], r["list_district"]],
                      "kits": 2 if rng.random() < 0.2 else 1}
                if s["local_sm"]:
                    ps["_local"] = s["local_sm"][local_of[k]]
                region_stations.append(ps)
        blocks = apportion(len(region_stations),
                           [1.0] * len(r["regional_sm"]))
        pos = 0
        for did, b in zip(r["regional_sm"], blocks):
            for ps in region_stations[pos:pos + b]:
                ps["districts"].append(did)
            pos += b
        for ps in region_stations:
            if "_local" in ps:
                ps["districts"].append(ps.pop("_local"))
            stations.append(ps)
    for k in range(ABROAD_STATIONS):
        number += 1
        ckk, cru = COUNTRIES[k % len(COUNTRIES)]
        stations.append({
            "id": "ps-%05d" % number, "number": number,
            "name": text("№%d сайлау учаскесі (%s)" % (number, ckk),
                         "Избирательный участок №%d (%s)" % (number, cru)),
            "abroad": True, "districts": ["nationwide"], "kits": 1})
    if number > 99999:
        sys.exit("gen_national: too many polling stations (%d) for 5-digit "
                 "numbers; use a smaller --scale" % number)

    # ---- ballots and candidates
    ballots = []
    candidates = []
    counter = [0]

    def sm_template(n):
        positions = n + 1      # with "against all"
        if positions <= 17:
            return "a5-single-mandate"
        if positions <= 31:
            return "a4-single-mandate"
        if positions <= 62:
            return "a4-two-columns"
        return "a4-two-columns-continued"

    ballots.append({
        "id": "mazhilis-list", "body": "mazhilis", "kind": "party-list",
        "district": "nationwide",
        "name": text("Қазақстан Республикасы Парламенті Мәжілісінің "
                     "депутаттарын партиялық тізімдер бойынша сайлауға "
                     "арналған сайлау бюллетені",
                     "Избирательный бюллетень для голосования по выборам "
                     "депутатов Мажилиса Парламента Республики Казахстан "
                     "по партийным спискам"),
        "options": list(PARTY_IDS), "against_all": True,
        "paper": {"template": "a5-party-list"}, "colour": "blue"})

    # Mazhilis single-mandate candidate counts: 2..65, one with 16,
    # several above 16, one above 60, about 370 in all.
    n_mz = mz_number
    counts = [rng.randint(2, 12) for _ in range(n_mz)]
    pinned = {0: 16, 1: rng.randint(61, 65), 2: 2}
    for i in range(3, 7):
        pinned[i] = rng.randint(17, 40)
    for i, v in pinned.items():
        counts[i] = v
    free = [i for i in range(n_mz) if i not in pinned]
    nudge_to_total(rng, counts, MAZHILIS_SM_CANDIDATES, 2, 15, free)
    rng.shuffle(counts)
    for n in range(1, n_mz + 1):
        k = counts[n - 1]
        cands = make_candidates(rng, names, k, counter, True)
        candidates.extend(cands)
        ballots.append({
            "id": "mazhilis-%02d" % n, "body": "mazhilis",
            "kind": "single-mandate", "district": "mz-%02d" % n,
            "name": text("Қазақстан Республикасы Парламенті Мәжілісінің "
                         "депутатын №%d бір мандатты аумақтық сайлау округі "
                         "бойынша сайлауға арналған сайлау бюллетені" % n,
                         "Избирательный бюллетень для голосования по выборам "
                         "депутата Мажилиса Парламента Республики Казахстан "
                         "по одномандатному территориальному избирательному "
                         "округу №%d" % n),
            "options": [c["id"] for c in cands], "against_all": True,
            "paper": {"template": sm_template(k)}, "colour": "green"})

    # Maslikhat single-mandate candidate counts: 2..8, total near target.
    sm_list = []   # (region, district id, level, number, area name)
    for r in regions:
        for n, did in enumerate(r["regional_sm"], 1):
            sm_list.append((r, did, "regional", n, r))
        for s in r["subs"]:
            for n, did in enumerate(s["local_sm"], 1):
                sm_list.append((r, did, s["level"], n, s))
    masl_counts = [rng.choice((2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 8))
                   for _ in sm_list]
    masl_target = round(len(sm_list) * (TOTAL_CANDIDATES -
                                        MAZHILIS_SM_CANDIDATES)
                        / MASLIKHAT_SM_SEATS)
    nudge_to_total(rng, masl_counts, masl_target, 2, 8)

    ci = 0
    for r in regions:
        k = rng.randint(4, 7)
        others = rng.sample(PARTY_IDS[1:], k - 1)
        options = ["amanat"] + others
        rng.shuffle(options)   # the lottery of the region
        b = {"id": "maslikhat-list-%02d" % r["num"], "body": "maslikhat",
             "level": "regional", "kind": "party-list",
             "district": r["list_district"],
             "name": text("%s мәслихатының депутаттарын партиялық тізімдер "
                          "бойынша сайлауға арналған сайлау бюллетені"
                          % r["kk"],
                          "Избирательный бюллетень для голосования по "
                          "выборам депутатов маслихата (%s) по партийным "
                          "спискам" % r["ru"]),
             "options": options, "against_all": True,
             "paper": {"template": "a5-party-list"}}
        if r["kind"] == "city":
            b["colour"] = "purple"
        ballots.append(b)
        while ci < len(sm_list) and sm_list[ci][0] is r:
            _, did, level, n, where = sm_list[ci]
            k = masl_counts[ci]
            ci += 1
            cands = make_candidates(rng, names, k, counter, True)
            candidates.extend(cands)
            wkk = where["kk"] if where is r else where["name"]["kk"]
            wru = where["ru"] if where is r else where["name"]["ru"]
            b = {"id": "maslikhat-" + did[len("ms-"):], "body": "maslikhat",
                 "level": level, "kind": "single-mandate", "district": did,
                 "name": text("%s: мәслихат депутатын №%d бір мандатты "
                              "сайлау округі бойынша сайлауға арналған "
                              "сайлау бюллетені" % (wkk, n),
                              "%s: избирательный бюллетень для голосования "
                              "по выборам депутата маслихата по "
                              "одномандатному избирательному округу №%d"
                              % (wru, n)),
                 "options": [c["id"] for c in cands], "against_all": True,
                 "paper": {"template": sm_template(k)}}
            if r["kind"] == "city":
                b["colour"] = "orange"
            ballots.append(b)
    assert ci == len(sm_list)

    # ~1 % withdrawn, never leaving a ballot with fewer than 2 standing.
    by_id = {c["id"]: c for c in candidates}
    for b in ballots:
        if b["kind"] != "single-mandate" or len(b["options"]) < 3:
            continue
        for cid in b["options"]:
            if rng.random() < 0.0105:
                by_id[cid]["status"] = "withdrawn"
                break

    return {
        "format": "ballotkit/1",
        "election": election,
        "areas": areas,
        "parties": parties,
        "districts": districts,
        "polling_stations": stations,
        "candidates": candidates,
        "ballots": ballots,
    }


# ---------------------------------------------------------------- output

def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def render(doc):
    """Compact JSON with one top-level array item per line."""
    parts = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        value = doc[key]
        sep = "," if i + 1 < len(keys) else ""
        if isinstance(value, list):
            parts.append(dumps(key) + ":[")
            parts.append(",\n".join(dumps(v) for v in value))
            parts.append("]" + sep)
        else:
            parts.append(dumps(key) + ":" + dumps(value) + sep)
    parts.append("}")
    return "\n".join(parts) + "\n"


def write_atomic(path, data):
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gen_national.", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Generate a national-size ballotkit election definition "
                    "shaped like Kazakhstan's 2023 elections.")
    ap.add_argument("--seed", type=int, default=2023,
                    help="random seed (default 2023)")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiplies the number of maslikhat districts "
                         "(default 1.0)")
    ap.add_argument("-o", "--output", required=True, metavar="OUT.json",
                    help="output file")
    ap.add_argument("--tables", metavar="DIR",
                    help="also write the CSV tables of the election into DIR")
    ap.add_argument("--xlsx", metavar="BOOK.xlsx",
                    help="also write the tables as one workbook")
    args = ap.parse_args(argv)
    if not args.scale > 0:
        ap.error("--scale must be positive")

    t0 = time.monotonic()
    doc = generate(args.seed, args.scale)
    data = render(doc).encode("utf-8")
    write_atomic(args.output, data)
    tables = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "scripts", "tables_from_definition.py")
    for target in (args.tables, args.xlsx):
        if target:
            import subprocess
            subprocess.run(["/usr/bin/python3", tables, args.output, target], check=True)
    t1 = time.monotonic()

    cands = doc["candidates"]
    sys.stderr.write(
        "gen_national: %s: %d ballots, %d candidates, %d polling stations "
        "(%d abroad), %d districts, %d areas; %d withdrawn, %d without ru; "
        "%d bytes in %.2f s\n" % (
            args.output, len(doc["ballots"]), len(cands),
            len(doc["polling_stations"]),
            sum(1 for p in doc["polling_stations"] if p.get("abroad")),
            len(doc["districts"]), len(doc["areas"]),
            sum(1 for c in cands if c.get("status") == "withdrawn"),
            sum(1 for c in cands if "ru" not in c["surname"]),
            len(data), t1 - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
