"""Weak copies replaced by their originals: the events of the `*.originals.yaml` files restate facts
that a forum, blog or mirror alone supported, with the same values and dates, so the two pool and
the fact's best source is the original (README, Temporal rules 6-7; issue 14, item 2)."""
import json
from importlib.resources import files

import yaml

from ledger.coverage import best_tiers, coverage
from ledger.effects import apply_corrections
from ledger.model import tier_rank

ORIGINALS = ["iraq-2003.originals.yaml"]


def restated(path):
    doc = yaml.safe_load((files("ledger.events") / path).read_text(encoding="utf-8"))
    tiers = {s["id"]: s["tier"] for s in doc["sources"]}
    return doc["events"], tiers


def fact(ev):
    """What makes two events state the same fact (the pooling key of ledger.coverage)."""
    payload = {k: v for k, v in ev.items() if k in ("troops", "approx", "troops_max", "role",
                                                     "mode", "label", "count")}
    return (ev["type"], ev.get("actor"), ev["date"], ev.get("effective"),
            json.dumps(payload, sort_keys=True))


def logged_fact(ev):
    return (ev.type, ev.actor, ev.date.text, ev.effective.text if ev.effective else None,
            json.dumps(dict(ev.payload), sort_keys=True))


def test_every_original_is_rated_press_or_better(world):
    rated = {s.id: s.tier for s in world.sources()}
    for path in ORIGINALS:
        _, tiers = restated(path)
        for source, tier in tiers.items():
            assert tier_rank(tier) >= tier_rank("press"), source
            assert rated[source] == tier


def test_each_restated_fact_was_supported_only_by_a_weak_copy_and_now_pools(world):
    rated = {s.id: s.tier for s in world.sources()}
    for path in ORIGINALS:
        events, tiers = restated(path)
        for ev in events:
            logged = [e for e in world.log(ev["coalition"]) if logged_fact(e) == fact(ev)]
            old = [e for e in logged if not set(e.source_ids) & set(tiers)]
            # it restates an event of the released file, which cites only reference or weak copies
            assert old, fact(ev)
            assert all(tier_rank(rated[s]) < tier_rank("press") for e in old for s in e.source_ids)
            # and the fact's best source is now the original
            standing = apply_corrections(world.log(ev["coalition"]))
            best = dict(zip(map(logged_fact, standing), best_tiers(world.log(ev["coalition"]),
                                                                    rated)))
            assert tier_rank(best[fact(ev)]) >= tier_rank("press"), fact(ev)


def test_a_restated_withdrawal_keeps_its_day_and_cites_the_original(world):
    assert "hun" in {m.actor for m in world.asof("2004-12-19", "iraq").members}
    hungary = {f.actor: f for f in world.asof("2004-12-20", "iraq").former}["hun"]
    assert (hungary.status, hungary.since) == ("left", "2004-12-20")
    assert [(s["id"], s["tier"]) for s in hungary.sources] == [
        ("chinadaily-2004-12-21-hungary-leave", "weak"), ("derstandard-2004-12-22-hungary-out", "press")]
    pooled = [e["standing"] for e in world.blame("2004-12-20", "iraq", "hun").events
              if e["type"] == "withdraw"]
    assert "agrees with another claim (sources pooled)" in pooled


def test_share_of_facts_resting_on_weak_copies(world):
    # Before the originals: iraq-2003 144 of 405 events (35.6 %), all coalitions 13.3 %; after,
    # 130 of 419 (31.0 %) and 12.3 %.
    rows = {r["coalition"]: r for r in coverage(world)}
    iraq = rows["iraq-2003"]
    assert iraq["reference_or_weak"] / iraq["standing"] <= 0.311
    weak = sum(r["reference_or_weak"] for r in rows.values())
    assert weak / sum(r["standing"] for r in rows.values()) <= 0.124
