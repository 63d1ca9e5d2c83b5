"""Hostile event files, generated from a seed: the classes of issue 15 (nesting, aliases, huge
numbers, calendar edges, control characters, NUL, long strings, binary, truncation) in every
format. Used by tests/test_fuzz.py (a few hundred cases) and bench/fuzz.py (the long run).

`case(seed)` gives (class, extension, bytes); the same seed always gives the same file. The files
refer to the small world of tests/data/world.yaml.
"""
from __future__ import annotations

import csv
import io
import json
import random

import yaml

CSV_COLUMNS = ("type", "coalition", "actor", "date", "effective", "troops", "troops_max", "approx",
               "mode", "role", "label", "count", "ref", "source", "locator", "quote", "note", "id")
TYPES = ["join", "withdraw", "commit_troops", "ratify", "sign_treaty", "withdraw_treaty",
         "count_claim", "milestone", "correct", "retract", "entry_into_force"]
COALITIONS = ["test", "pact", "statute-2000", "Test coalition"]
ACTORS = ["usa", "esp", "pol", "UK", "Kingdom of Spain", "aaa", "bbb"]
DATES = ["2003-03-20", "2004", "2004-05", "2001-01-01", "2000-02-29"]
EDGE_DATES = ["9999-12-31", "9999", "9000-12-31", "9001", "9000", "8999-12", "0001-01-01", "0001",
              "0000", "10000", "2003-02-29", "2004-02-29", "1999-12-31", "9999-12", "0001-02-28"]
CONTROL = ["\x1b[31m", "\x1b]0;title\x07", "\x00", "\u202e", "\r", "\x7f", "\x9b", "\ud800",
           "\ufeff", "\t", "\n", "\x08", "\u2066", "\x0c"]
CLASSES = ("nesting", "aliases", "numbers", "calendar", "control", "long", "binary", "truncation",
           "plain")
EXTENSIONS = ("yaml", "jsonl", "csv")


def event(rnd: random.Random) -> dict:
    kind = rnd.choice(TYPES)
    out = {"type": kind, "coalition": rnd.choice(COALITIONS), "date": rnd.choice(DATES),
           "source": rnd.choice(["s1", "s2", "s3"])}
    if kind not in ("count_claim", "milestone", "correct", "retract", "entry_into_force"):
        out["actor"] = rnd.choice(ACTORS)
    if kind in ("join", "commit_troops"):
        out["troops"] = rnd.randrange(0, 200_000)
    if kind == "ratify":
        out["mode"] = rnd.choice(["ratification", "accession", "succession"])
    if kind == "count_claim":
        out["count"] = rnd.randrange(1, 60)
    if kind in ("correct", "retract"):
        out["ref"] = rnd.choice(["x1", "x2", "nosuch"])
        if kind == "correct":
            out["set"] = {"troops": rnd.randrange(1, 9999)}
    if rnd.random() < 0.3:
        out["id"] = rnd.choice(["x1", "x2", f"k{rnd.randrange(10**6)}"])
    return out


def declaration(rnd: random.Random) -> tuple[str, dict]:
    kind = rnd.choice(["source", "actor", "coalition", "rating"])
    n = rnd.randrange(10**6)
    if kind == "source":
        return kind, {"id": f"src-{n}", "title": f"Title {n}", "url": f"https://example.org/{n}",
                      "published": rnd.choice(DATES), "tier": rnd.choice(["press", "official"])}
    if kind == "actor":
        return kind, {"id": f"act-{n}", "name": f"Actor {n}", "aliases": [f"A{n}"]}
    if kind == "rating":
        return kind, {"source": rnd.choice(["s1", "s2", "s3"]), "tier": rnd.choice(["press", "weak"])}
    rules = {"entry_into_force": {"threshold": rnd.randrange(1, 5), "days": rnd.randrange(0, 90),
                                  "months": rnd.randrange(0, 13), "first_of_month": True}}
    return kind, {"id": f"coal-{n}", "name": f"Coalition {n}", "kind": "treaty", "treaty": rules}


def records(rnd: random.Random, n: int | None = None) -> list[tuple[str, dict]]:
    n = rnd.randrange(0, 7) if n is None else n
    return [declaration(rnd) if rnd.random() < 0.2 else ("event", event(rnd)) for _ in range(n)]


# -- rendering ------------------------------------------------------------------------------------

def render(ext: str, recs: list[tuple[str, dict]]) -> str:
    if ext == "jsonl":
        return "".join(json.dumps(d if k == "event" else {"record": k, **d}, default=str) + "\n"
                       for k, d in recs)
    if ext == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for kind, d in recs:
            if kind == "event":
                writer.writerow(["" if d.get(c) is None else
                                 (d[c] if isinstance(d[c], str) else json.dumps(d[c], default=str))
                                 for c in CSV_COLUMNS])
        return out.getvalue()
    doc: dict = {}
    for kind, d in recs:
        doc.setdefault(kind + "s", []).append(d)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False) if doc else ""


def _set_field(rnd: random.Random, recs: list, values: list, fields: list[str]) -> list:
    recs = recs or [("event", event(rnd))]
    kind, d = rnd.choice(recs)
    d[rnd.choice(fields)] = rnd.choice(values)
    return recs


# -- the classes ----------------------------------------------------------------------------------

def nesting(rnd: random.Random, ext: str) -> str:
    depth = rnd.choice([5, 9, 10, 11, 12, 50, 500, 999, 1000, 1001, 5000, 100_000])
    if ext == "csv":
        return "type,coalition,date,source,note\njoin,test,2003,s1," + "[" * depth + "\n"
    if ext == "jsonl":
        if rnd.random() < 0.3:
            return "[" * depth + "\n"
        inner = rnd.choice([("[" * depth, "]" * depth), ('{"a": ' * depth, "}" * depth)])
        field = rnd.choice(["note", "troops", "set", "sources", "actor", "bogus"])
        return json.dumps(event(rnd))[:-1] + f', "{field}": {inner[0]}1{inner[1]}}}\n'
    if rnd.random() < 0.5:       # flow style
        value = "[" * depth + "]" * depth
    else:                        # block style
        value = "\n" + "".join("  " * (i + 2) + "- \n" for i in range(min(depth, 300)))
    return (f"events:\n  - {{type: join, coalition: test, actor: usa, date: '2003', source: s1}}\n"
            f"  - type: milestone\n    coalition: test\n    date: '2004'\n    source: s1\n"
            f"    label: {value}\n")


def aliases(rnd: random.Random, ext: str) -> str:
    if ext != "yaml":
        recs = records(rnd, 3)
        return render(ext, recs) * rnd.choice([1, 2, 50])      # repeated records: duplicates
    how = rnd.choice(["laughs", "laughs", "repeat", "cycle", "section", "merge"])
    width, levels = rnd.randrange(2, 12), rnd.randrange(1, 10)
    if how == "laughs":
        field = rnd.choice(["label", "note", "troops", "sources", "set", "bogus"])
        out = ["events:\n", f"  - {{type: milestone, coalition: test, date: '2003', source: s1, "
                            f"{field}: &b0 [" + ", ".join(["lol"] * width) + "]}\n"]
        for i in range(1, levels + 1):
            out.append(f"  - {{type: milestone, coalition: test, date: '2003', source: s1, "
                       f"{field}: &b{i} [" + ", ".join([f"*b{i - 1}"] * width) + "]}\n")
        return "".join(out)
    if how == "repeat":
        return ("events:\n  - &e {type: join, coalition: test, actor: usa, date: '2003-03-20', "
                "source: s1}\n" + "  - *e\n" * rnd.randrange(1, 30))
    if how == "cycle":
        return rnd.choice(["events:\n  - &e [*e]\n", "events: &e\n  - *e\n",
                           "events:\n  - &m {type: join, coalition: test, note: *m}\n"])
    if how == "merge":
        return ("x: &base {coalition: test, actor: usa, source: s1}\nevents:\n"
                "  - {<<: *base, type: join, date: '2003'}\n")
    return "x: &a [lol]\n" + "".join(f"y{i}: &a{i} [*a, *a, *a]\n" for i in range(levels))


def numbers(rnd: random.Random, ext: str) -> str:
    digits = rnd.choice([9, 10, 11, 99, 100, 101, 4300, 4301, 5000, 100_000])
    values = [int("9" * min(digits, 4000)), "9" * digits, -1, 2**63, 2**64, 1e308, float("inf"),
              float("nan"), "1e400", "0x1F", "1_000", "١٢٣", 12.5, True, "+5", " 7 ", "-0"]
    recs = _set_field(rnd, records(rnd, 3), values, ["troops", "troops_max", "count", "date",
                                                     "note", "id", "actor"])
    text = render(ext, recs)
    if ext in ("jsonl", "yaml") and rnd.random() < 0.5:   # a literal number too long to convert
        text = text.replace("0", "9" * digits, 1)
    if rnd.random() < 0.2:       # a treaty rule beyond its bound
        rule = {"days": "1" * rnd.choice([5, 13, 400]), "months": 10**rnd.randrange(2, 20)}
        return render(ext, [("coalition", {"id": "big", "name": "Big", "kind": "treaty",
                                          "treaty": {"withdrawal": {rnd.choice(list(rule)):
                                                                    int(rule["months"])}}})])
    return text


def calendar(rnd: random.Random, ext: str) -> str:
    recs = records(rnd, 2)
    kind = rnd.choice(["ratify", "withdraw_treaty", "join", "withdraw", "correct"])
    e = {"type": kind, "coalition": "pact" if kind in ("ratify", "withdraw_treaty") else "test",
         "actor": "usa", "date": rnd.choice(EDGE_DATES), "source": "s1"}
    if kind == "ratify":
        e["mode"] = "ratification"
    if rnd.random() < 0.4:
        e["effective"] = rnd.choice(EDGE_DATES)
    if kind == "correct":
        e.pop("actor")
        e.update(ref="x1", set={"date": rnd.choice(EDGE_DATES)})
    recs.append(("event", e))
    return render(ext, recs)


def control(rnd: random.Random, ext: str) -> str:
    chars = "".join(rnd.choice(CONTROL) for _ in range(rnd.randrange(1, 4)))
    recs = records(rnd, 3)
    recs = _set_field(rnd, recs, [f"x{chars}y", chars, f"{chars}2003-03-20"],
                      ["note", "label", "actor", "id", "date", "source", "coalition", "role"])
    if rnd.random() < 0.3:
        kind, d = declaration(rnd)
        d[rnd.choice(list(d))] = f"bad{chars}"
        recs.append((kind, d))
    text = render(ext, recs)
    return text if rnd.random() < 0.8 else text.replace(":", chars, 1)


def long(rnd: random.Random, ext: str) -> str:
    n = rnd.choice([99, 100, 101, 199, 200, 201, 999, 1000, 1001, 4999, 5000, 5001, 100_000])
    value = rnd.choice(["a", "é", "\U0001f600", "-"]) * n
    recs = records(rnd, 2)
    recs = _set_field(rnd, recs, [value], ["note", "id", "actor", "locator", "quote", "label",
                                           "role", "ref"])
    if rnd.random() < 0.4:
        recs.append(("actor", {"id": rnd.choice(["a" * min(n, 120), "zz"]), "name": value,
                               "aliases": [value[:rnd.choice([199, 200, 201, 300])]]}))
    return render(ext, recs)


def plain(rnd: random.Random, ext: str) -> str:
    return render(ext, records(rnd))


def case(seed: int) -> tuple[str, str, bytes]:
    rnd = random.Random(seed)
    cls, ext = rnd.choice(CLASSES), rnd.choice(EXTENSIONS)
    if cls == "binary":
        how = rnd.choice(["random", "utf16", "latin1", "bad-utf8"])
        text = plain(rnd, ext)
        if how == "random":
            return cls, ext, rnd.randbytes(rnd.randrange(0, 400))
        if how == "utf16":
            return cls, ext, text.encode("utf-16")
        if how == "latin1":
            return cls, ext, (text + "é").encode("latin-1", errors="replace")
        raw = text.encode()
        at = rnd.randrange(len(raw) + 1)
        return cls, ext, raw[:at] + rnd.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80"]) + raw[at:]
    if cls == "truncation":
        raw = plain(rnd, ext).encode()
        return cls, ext, raw[:rnd.randrange(len(raw) + 1)]
    maker = {"nesting": nesting, "aliases": aliases, "numbers": numbers, "calendar": calendar,
             "control": control, "long": long, "plain": plain}[cls]
    return cls, ext, maker(rnd, ext).encode("utf-8", errors="surrogatepass")
