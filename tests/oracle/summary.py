#!/usr/bin/python3
"""Independent oracle: counts computed directly from a ballotkit/1 definition.

Usage:
    summary.py FILE              one JSON line of counts (sorted keys)
    summary.py --ballots FILE    one JSON line per ballot, in file order

Standard library only; it does not validate the file, it only counts what is
there. Missing optional arrays count as 0, a station without "kits" counts 1,
a ballot without "against_all" has the against-all line.
"""
import json
import sys

NAME_FIELDS = ("surname", "given_name", "patronymic")


def items(doc, key):
    value = doc.get(key)
    return value if isinstance(value, list) else []


def against_all(ballot):
    return ballot.get("against_all", True) is not False


def positions(ballot):
    return len(ballot.get("options") or []) + (1 if against_all(ballot) else 0)


def summary(doc):
    election = doc.get("election") or {}
    languages = election.get("languages") or []
    ballots = items(doc, "ballots")
    candidates = items(doc, "candidates")
    derived = 0
    if "ru" in languages:
        for c in candidates:
            for field in NAME_FIELDS:
                name = c.get(field)
                if isinstance(name, dict) and "ru" not in name:
                    derived += 1
    return {
        "election": election.get("id"),
        "date": election.get("date"),
        "languages": languages,
        "areas": len(items(doc, "areas")),
        "districts": len(items(doc, "districts")),
        "polling_stations": len(items(doc, "polling_stations")),
        "kits": sum(s.get("kits", 1) for s in items(doc, "polling_stations")),
        "parties": len(items(doc, "parties")),
        "candidates": len(candidates),
        "candidates_withdrawn": sum(1 for c in candidates if c.get("status") == "withdrawn"),
        "ballots": len(ballots),
        "ballots_party_list": sum(1 for b in ballots if b.get("kind") == "party-list"),
        "ballots_single_mandate": sum(1 for b in ballots if b.get("kind") == "single-mandate"),
        "positions": sum(positions(b) for b in ballots),
        "derived_spellings": derived,
    }


def dumps(obj):
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


def main(argv):
    args = argv[1:]
    per_ballot = "--ballots" in args
    paths = [a for a in args if a != "--ballots"]
    if len(paths) != 1:
        sys.stderr.write("usage: summary.py [--ballots] FILE\n")
        return 2
    try:
        with open(paths[0], encoding="utf-8-sig") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("summary.py: %s: %s\n" % (paths[0], e))
        return 1
    if not isinstance(doc, dict):
        sys.stderr.write("summary.py: %s: not a JSON object\n" % paths[0])
        return 1
    if per_ballot:
        for b in items(doc, "ballots"):
            print(dumps({
                "id": b.get("id"),
                "positions": positions(b),
                "against_all": against_all(b),
                "options": list(b.get("options") or []),
            }))
    else:
        print(dumps(summary(doc)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
