"""Print the `events:` of a bundled file from a stored UN Treaty Collection status page, read with
the project's own importer (`ledger.importers.untc_records`): one `sign_treaty` and one `ratify`
per row, each citing SOURCE with the importer's locator (file, line, participant).

    python scripts/untc_events.py PAGE.html COALITION SOURCE [--skip FILE.yaml ...]

The coalition and source must be declared in the (scratch) ledger the script opens
(LEDGER_DATABASE_URL). Events already stated in a --skip file (same type, actor, date and mode)
are left out, so a new file adds only what the released ones lack."""
import argparse
import sys

import yaml

from ledger import Ledger
from ledger.importers import untc_records


def _key(e: dict) -> tuple:
    return (e["type"], e["actor"], str(e["date"]), e.get("mode"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("page", "coalition", "source"):
        ap.add_argument(name)
    ap.add_argument("--skip", nargs="*", default=[])
    args = ap.parse_args(argv)
    ledger = Ledger.open(bundled_data=False)
    known = set()
    for path in args.skip:
        with open(path, encoding="utf-8") as fh:
            known |= {_key(e) for e in yaml.safe_load(fh).get("events") or []
                      if e["type"] in ("sign_treaty", "ratify")}
    out = []
    for rec in untc_records(args.page, ledger, coalition=args.coalition, source=args.source):
        e = {k: v for k, v in rec.data.items() if k != "sources"}
        if _key(e) in known:
            continue
        e["source"] = rec.data["sources"][0]["source"]
        e["locator"] = rec.data["sources"][0]["locator"]
        out.append(e)
    yaml.safe_dump(out, sys.stdout, sort_keys=False, allow_unicode=True, width=110)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
