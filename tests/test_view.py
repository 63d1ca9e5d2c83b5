"""The in-memory view behind warm `asof`/`diff`/`growth`: the same answers as the spells table, and
never stale when another process (another Ledger) appends."""
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

import ledger.catalog as catalog
from ledger import DatabaseError, Ledger, projection, store
from ledger.effects import expand
from ledger import spellrows
from conftest import data


def test_view_equals_the_spells_table_on_every_boundary(sqlite_url):
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    view = ledger._view("test-2003")
    with store.reading(ledger.engine) as conn:
        spells = projection.coalition_spells(conn, "test-2003")
        assert len(spells) > 3
        days = set()
        for s in spells:
            for text in (s[1], s[2]):
                if text:
                    d = date.fromisoformat(text)
                    days.update({d - timedelta(days=1), d, d + timedelta(days=1)})
        for day in sorted(days):
            assert view.records_at(day) == projection.records_at(conn, "test-2003", day), day
    assert view.records_at(date(1900, 1, 1)) == {}


def test_another_writer_is_seen_at_once(sqlite_url):
    reader = Ledger.open(sqlite_url, bundled_data=False)
    reader.import_file(data("world.yaml"))
    reader.import_file(data("iraq-sample.yaml"))
    before = reader.asof("2010-01-01", "test")
    writer = Ledger.open(sqlite_url, bundled_data=False)       # another process, as far as caches go
    assert "aaa" not in {m.actor for m in before.members}
    writer.append("join", "test", "2009-06-01", actor="aaa", source="s3")
    after = reader.asof("2010-01-01", "test")
    assert "aaa" in {m.actor for m in after.members}
    assert after.count == before.count + 1
    assert [c.actor for c in reader.diff("2009-01-01", "2010-01-01", "test").joined] == ["aaa"]


def test_views_are_bounded(sqlite_url, monkeypatch):
    monkeypatch.setattr(catalog, "VIEWS", 1)
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.asof("2004-01-01", "test")
    ledger.asof("2004-01-01", "pact-2000")
    assert list(ledger._views) == ["pact-2000"]


def test_a_lost_database_is_a_database_error(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    ledger = Ledger.open(f"sqlite:///{folder / 'ledger.sqlite'}", bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.asof("2004-01-01", "test")
    ledger.close()                      # the pooled connection goes, and so does the file
    shutil.rmtree(folder)
    with pytest.raises(DatabaseError, match="failed: "):
        ledger.asof("2004-01-01", "test")


def test_threads_share_a_ledger(sqlite_url, monkeypatch):
    monkeypatch.setattr(catalog, "VIEWS", 1)        # every other question evicts the other view
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    want = {c: ledger.asof("2004-01-01", c).to_dict() for c in ("test", "pact-2000")}
    asks = ["test", "pact-2000"] * 200
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda c: (c, ledger.asof("2004-01-01", c).to_dict()), asks))
    assert all(answer == want[c] for c, answer in got)


def test_spells_store_records_as_columns_and_read_them_back_whole(tmp_path):
    """Every record of the bundled data's projection survives its row form (term ids for texts,
    day numbers for days), and the row holds no JSON but lists of sources and disputes."""
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.sqlite'}")

    class Terms(dict):
        ids = property(lambda self: self)

        def id(self, text):
            return None if text is None else self.setdefault(text, len(self) + 1)
    terms, n = Terms(), 0
    with store.reading(ledger.engine) as conn:
        published = ledger._evidence(conn)
        for cid in [c.id for c in ledger.coalitions()]:
            rows = projection.build(expand(ledger._coalition(conn, cid), ledger._events(conn, cid), published))
            for r in rows:
                flat = spellrows.flat(cid, r["actor_id"], r["valid_from"], r["valid_to"], r["record"])
                for text in spellrows.term_texts([flat]):
                    terms.id(text)
                row = spellrows.stored(flat, terms)
                assert all(v is None or type(v) is int for v in row)
                text = {i: t for t, i in terms.items()}
                assert spellrows.record(row, text) == (r["actor_id"], r["valid_from"],
                                                       r["valid_to"], r["record"])
                n += 1
    assert n > 3000
    assert not any(t.startswith("{") for t in terms)
