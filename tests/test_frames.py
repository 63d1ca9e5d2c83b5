"""`.to_pandas()` on query results: flat columns, the same facts as `to_dict()`."""
import pytest

from conftest import data

pd = pytest.importorskip("pandas")


@pytest.fixture
def world(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    return sqlite_ledger


def _flat(df):
    for column in df.columns:
        assert not any(isinstance(v, (dict, list, tuple)) for v in df[column]), column


def test_asof_frame_one_row_per_member(world):
    result = world.asof("2004-01-01", "test")
    df = result.to_pandas()
    _flat(df)
    assert list(df["actor"]) == [m.actor for m in result.members]
    assert list(df["troops"]) == [m.troops for m in result.members]
    assert set(df["coalition"]) == {"test-2003"} and set(df["date"]) == {"2004-01-01"}
    assert df.loc[df["actor"] == "pol", "sources"].item() == "s1"
    assert df.loc[df["actor"] == "pol", "url"].item() == "https://example.org/1"


def test_diff_frame_says_which_change(world):
    df = world.diff("2004-01-01", "2005-01-01", "test").to_pandas()
    _flat(df)
    left = df[df["change"] == "left"]
    assert list(left["actor"]) == ["esp"]
    assert left["before_status"].item() == "member" and left["after_status"].item() == "left"


def test_lists_of_results_give_frames(world):
    growth = world.growth("test", "year").to_pandas()
    assert list(growth["date"])[:2] == ["2003-12-31", "2004-12-31"]
    assert list(growth["count"])[:2] == [p.count for p in world.growth("test", "year")][:2]
    replay = world.replay("test").to_pandas()
    assert len(replay) == len(world.replay("test")) and "troops_total" in replay.columns
    history = world.history("esp").to_pandas()
    assert list(history["coalition"]) == ["test-2003"] * len(history)
    log = world.log("test").to_pandas()
    _flat(log)
    assert list(log["seq"]) == [e.seq for e in world.log("test")]
    assert "payload_troops" in log.columns and log["sources"].iloc[0] == "s1"
    panel = world.panel("test").to_pandas()
    _flat(panel)
    assert panel.loc[(panel["actor"] == "pol") & (panel["year"] == 2003), "troops"].item() == 2500


def test_export_and_panel_on_the_ledger(world):
    text = world.export("test", format="csv")
    assert text.splitlines()[0].startswith("seq,id,type,coalition")
    assert world.export("test").count('"record": "event"') == len(world.log("test"))
    with pytest.raises(ValueError):
        world.export("test", format="xml")
