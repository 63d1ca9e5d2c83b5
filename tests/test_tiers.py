"""Source tiers as data: declared with a source or rated later, append-only, latest rating wins."""
import pytest

from ledger.errors import InputError
from ledger.files import Record


def _tier(ledger, sid):
    return {s.id: s.tier for s in ledger.sources()}[sid]


def _records(*items):
    return [Record(kind, data, "<t>", n) for n, (kind, data) in enumerate(items, start=1)]


def test_a_source_without_a_tier_is_unrated_and_a_rating_gives_it_one(ledger):
    assert _tier(ledger, "s1") == "unrated"
    ledger.import_records(_records(("rating", {"source": "s1", "tier": "press"})))
    assert _tier(ledger, "s1") == "press"
    ledger.import_records(_records(("rating", {"source": "s1", "tier": "weak",
                                               "original": "a BBC table", "note": "forum copy"})))
    source = next(s for s in ledger.sources() if s.id == "s1")
    assert (source.tier, source.original) == ("weak", "a BBC table")


def test_a_tier_declared_with_the_source(ledger):
    ledger.import_records(_records(("source", {"id": "dep1", "title": "UNTC", "tier": "depositary"})))
    assert _tier(ledger, "dep1") == "depositary"
    # the same declaration again changes nothing; another tier appends a rating
    summary = ledger.import_records(_records(("source", {"id": "dep1", "title": "UNTC",
                                                         "tier": "depositary"})))
    assert summary.declared == 0
    ledger.import_records(_records(("source", {"id": "dep1", "title": "UNTC", "tier": "official"})))
    assert _tier(ledger, "dep1") == "official"


def test_a_tier_that_is_not_one_is_refused_naming_file_line_and_field(ledger, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("format: 1\nsources:\n  - {id: x1, title: X}\nratings:\n"
                    "  - {source: x1, tier: excellent}\n")
    with pytest.raises(InputError) as info:
        ledger.import_file(str(path))
    assert f"{path}:5: field 'tier'" in str(info.value)
    assert "x1" not in {s.id for s in ledger.sources()}     # nothing of the file is kept


def test_a_rating_of_an_unknown_source_is_refused(ledger):
    with pytest.raises(InputError, match="unknown source 'nope'"):
        ledger.import_records(_records(("rating", {"source": "nope", "tier": "press"})))


def test_a_file_read_again_re_rates_nothing(ledger, tmp_path):
    """Two files rate one source in turn; reading both again (a new bundle) appends no rating and
    leaves the later one in force."""
    first, second = tmp_path / "a.yaml", tmp_path / "a.more.yaml"
    first.write_text("format: 1\nsources:\n  - {id: x1, title: X, tier: scholarly}\n")
    second.write_text("format: 1\nratings:\n  - {source: x1, tier: press, note: a copy}\n")
    for _ in range(2):
        ledger.import_file(str(first))
        ledger.import_file(str(second))
    assert _tier(ledger, "x1") == "press"
    import sqlalchemy as sa
    with ledger.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM source_ratings WHERE source_id = 'x1'")).scalar() == 2
