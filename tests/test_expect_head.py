"""--expect-head: an append against a stale head is refused, and appends nothing."""
import pytest

from conftest import data
from ledger.errors import ConflictError


def _count(ledger):
    return ledger.head()[0]


def test_stale_head_is_a_conflict_and_appends_nothing(ledger):
    _, seen = ledger.head()
    ledger.append("join", "test", "2003-03-20", actor="usa", source="s1")      # someone else
    seq, now = ledger.head()
    with pytest.raises(ConflictError, match="someone appended since you looked") as info:
        ledger.append("join", "test", "2003-04-01", actor="pol", source="s1", expect_head=seen)
    assert seen[:16] in str(info.value) and now[:16] in str(info.value)
    with pytest.raises(ConflictError):
        ledger.import_file(data("iraq-sample.yaml"), expect_head=seen)
    with pytest.raises(ConflictError):
        ledger.import_file(data("iraq-sample.yaml"), expect_head="not-a-digest")
    assert ledger.head() == (seq, now)
    assert ledger.verify().ok
    # the current head is accepted
    ledger.import_file(data("iraq-sample.yaml"), expect_head=now)
    assert _count(ledger) > seq


def test_cli_stale_head_exits_1_with_a_clear_message(ledger, db_url, run_cli):
    base = ["--database", db_url, "--no-bundled"]
    code, out, _ = run_cli(*base, "head")
    assert code == 0
    seen = out.split()[0]
    assert run_cli(*base, "append", "join", "-c", "test", "-a", "usa", "-d", "2003-03-20",
                   "-s", "s1")[0] == 0
    seq, now = ledger.head()

    code, out, err = run_cli(*base, "import", data("iraq-sample.yaml"), "--expect-head", seen)
    assert code == 1
    assert err.startswith("Error: ") and "someone appended since you looked" in err
    assert "Traceback" not in err and out == ""

    code, _, err = run_cli(*base, "append", "join", "-c", "test", "-a", "pol", "-d", "2003-04-01",
                           "-s", "s1", "--expect-head", seen)
    assert code == 1 and err.startswith("Error: ") and "someone appended" in err
    assert ledger.head() == (seq, now)

    code, out, _ = run_cli(*base, "import", data("iraq-sample.yaml"), "--expect-head", now)
    assert code == 0 and "appended 7 event(s)" in out
