"""The digests of the hash chain and of event identity are made from canonical JSON; the bytes must
never change, or every stored chain and every duplicate check breaks."""
import hashlib
import json

from hypothesis import given, settings, strategies as st

from ledger.chain import GENESIS, canonical_bytes, digest, identity

# what digests are made of: text, integers (payload integers are at most 10**9), booleans, null
scalars = st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) |
                      st.dictionaries(st.text(), inner, max_size=4), max_leaves=12)


def reference(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@settings(max_examples=500, deadline=None)
@given(values)
def test_canonical_bytes_are_those_of_json_dumps(value):
    assert canonical_bytes(value) == reference(value)


def test_known_digests_do_not_change():
    # pinned from the json.dumps formulation: a stored chain made before must still verify
    fields = {"type": "join", "coalition": "iraq", "actor": "esp", "date": "2003-08",
              "effective": None, "payload": {"troops": 1300}, "sources": ["s1", "é"]}
    assert identity(fields) == hashlib.sha256(reference(fields)).hexdigest()
    assert identity(fields) == "13a1bca4c8cb57ea0c5eff288b08c8733da5aa34ecea31d2217b14d76942ec48"
    row = {"seq": 1, "eid": "e1", "identity": "i", "fact": "f", "type": "join", "version": 1,
           "coalition_id": "iraq", "actor_id": "esp", "date": "2003", "effective": None,
           "payload": "{}", "sources": "[]", "note": "ñ\n\"", "recorded_at": "2026-01-01T00:00:00Z"}
    assert digest(GENESIS, row) == hashlib.sha256(reference([GENESIS, *row.values()])).hexdigest()
