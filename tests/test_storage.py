"""Storage and output faults (issue 15): a data directory or ledger that cannot be written, output
into a missing directory or onto a full disk, and credentials in a database URL. Each is a clear
`Error: ...` naming what failed and what to do, never a traceback, and nothing is left half-done."""
import contextlib
import errno
import os
import shutil
import subprocess

import pytest

from ledger import Ledger
from ledger.store import redact


@contextlib.contextmanager
def unwritable(*paths):
    """Make files and directories unwritable: by their mode, or (as root, whom modes do not stop)
    with the immutable attribute; skip where neither is possible."""
    if os.geteuid() != 0:
        modes = {p: os.stat(p).st_mode for p in paths}
        for p in paths:
            os.chmod(p, modes[p] & ~0o222)
        try:
            yield
        finally:
            for p in reversed(paths):
                os.chmod(p, modes[p])
        return
    if not shutil.which("chattr"):
        pytest.skip("running as root without chattr: cannot make a file unwritable")
    done = []
    try:
        for p in paths:
            if subprocess.run(["chattr", "+i", str(p)], capture_output=True).returncode:
                pytest.skip("running as root and chattr +i is not permitted here")
            done.append(p)
        yield
    finally:
        for p in reversed(done):
            subprocess.run(["chattr", "-i", str(p)], check=True)


@pytest.fixture
def filled(tmp_path):
    """A small SQLite ledger in a directory of its own, closed."""
    folder = tmp_path / "ledgers"
    folder.mkdir()
    path = folder / "ledger.sqlite"
    ledger = Ledger.open(f"sqlite:///{path}", bundled_data=False)
    ledger.import_file(os.path.join(os.path.dirname(__file__), "data", "world.yaml"))
    ledger.append("join", "test", "2003-03-20", actor="usa", source="s1", troops=100)
    ledger.close()
    return path


READS = [["head"], ["verify"], ["asof", "2004-01-01", "-c", "test"], ["log"], ["sources"],
         ["diff", "2003-01-01", "2004-01-01", "-c", "test"], ["export"], ["check"]]
WRITES = [["add-source", "s9", "--title", "T"], ["rebuild"],
          ["append", "join", "-c", "test", "-a", "esp", "-d", "2003-04", "-s", "s1"]]


@pytest.mark.parametrize("frozen", ["file", "directory", "file and directory"])
def test_a_ledger_that_cannot_be_written_still_answers(filled, run_cli, frozen):
    url = f"sqlite:///{filled}"
    expected = {tuple(a): run_cli("--database", url, "--no-bundled", *a)[:2] for a in READS}
    paths = {"file": [filled], "directory": [filled.parent]}.get(frozen, [filled, filled.parent])
    with unwritable(*paths):
        for args in READS:
            code, out, err = run_cli("--database", url, "--no-bundled", *args)
            assert (code, out) == expected[tuple(args)], (args, err)
            assert "Error" not in err
        for args in WRITES:
            code, out, err = run_cli("--database", url, "--no-bundled", *args)
            assert code == 1 and "Traceback" not in err, (args, err)
            assert err.startswith(f"Error: the ledger {filled} cannot be written: ")
            assert (f"the file {filled} is read-only" if frozen != "directory" else
                    f"its directory {filled.parent} cannot be written") in err
            assert "commands that only read still work" in err
    assert run_cli("--database", url, "--no-bundled", "head")[:2] == expected[("head",)]


def test_default_data_directory_that_cannot_be_created(tmp_path, run_cli, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    monkeypatch.delenv("LEDGER_DATABASE_URL", raising=False)
    for args in (["head"], ["asof", "2004-01-01", "-c", "iraq"], ["import", str(blocker)]):
        code, out, err = run_cli(*args)
        assert code == 1 and "Traceback" not in err, err
        assert err.startswith(f"Error: cannot create the ledger's data directory "
                              f"{blocker / 'data' / 'coalition-ledger'}: ")
        assert "XDG_DATA_HOME" in err and "--database" in err


def test_default_data_directory_read_only_with_a_ledger_in_it(filled, run_cli, monkeypatch):
    data = filled.parent.parent / "xdg"
    (data / "coalition-ledger").mkdir(parents=True)
    target = data / "coalition-ledger" / "ledger.sqlite"
    shutil.copy(filled, target)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("LEDGER_DATABASE_URL", raising=False)
    with unwritable(target, target.parent):
        code, out, err = run_cli("--no-bundled", "head")
        assert code == 0 and out.split()[1] == "1", err
        code, out, err = run_cli("--no-bundled", "asof", "2004-01-01", "-c", "test")
        assert code == 0 and "1 members, 100 troops" in out, err


def test_no_ledger_in_a_directory_that_cannot_be_written(tmp_path, run_cli):
    folder = tmp_path / "empty"
    folder.mkdir()
    with unwritable(folder):
        code, out, err = run_cli("--database", f"sqlite:///{folder / 'ledger.sqlite'}", "head")
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"Error: the ledger {folder / 'ledger.sqlite'} cannot be written: its "
                          f"directory {folder} cannot be written. To create it")


OUTPUTS = [["export"], ["export", "--format", "csv"], ["cite"], ["chart", "-c", "test"],
           ["report", "-c", "test"], ["panel", "-c", "test"]]


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: "-".join(a))
def test_output_into_a_missing_directory(sqlite_ledger, sqlite_url, tmp_path, run_cli, args):
    sqlite_ledger.append("join", "test", "2003-03-20", actor="usa", source="s1")
    target = tmp_path / "no-such-dir" / ("out.md" if args[0] == "report" else "out.txt")
    code, out, err = run_cli("--database", sqlite_url, "--no-bundled", *args, "-o", str(target))
    assert code == 1 and "Traceback" not in err
    assert err == f"Error: cannot write {target.parent / target.stem}" + (
        ".svg" if args[0] == "report" else target.suffix) + \
        f": the directory {target.parent} does not exist\n"


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: "-".join(a))
def test_a_full_disk_leaves_the_old_file_whole(sqlite_ledger, sqlite_url, tmp_path, run_cli,
                                              monkeypatch, args):
    sqlite_ledger.append("join", "test", "2003-03-20", actor="usa", source="s1")
    target = tmp_path / ("out.html" if args[0] == "report" else "out.txt")
    target.write_text("the previous export, whole\n")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", full)       # the data written so far did not fit
    code, out, err = run_cli("--database", sqlite_url, "--no-bundled", *args, "-o", str(target))
    assert code == 1 and "Traceback" not in err
    assert err == f"Error: cannot write {target}: No space left on device; it was left as it was\n"
    assert target.read_text() == "the previous export, whole\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    monkeypatch.undo()
    assert run_cli("--database", sqlite_url, "--no-bundled", *args, "-o", str(target))[0] == 0
    assert target.read_text() != "the previous export, whole\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("url,secret", [
    ("postgresql+psycopg://ledger:hunter2@h/db", "hunter2"),
    ("postgresql+psycopg://ledger:hun@ter2@h/db", "ter2"),
    ("postgresql+psycopg://ledger@h/db?password=hunter2", "hunter2"),
    ("postgresql+psycopg://ledger@h/db?sslmode=require&PASSWORD=hunter2&x=1", "hunter2"),
    ("postgresql+psycopg://ledger@h/db?sslpassword=hunter2", "hunter2"),
    ("host=h dbname=db password=hunter2 user=ledger", "hunter2"),
    ("host=h password='hunter 2' user=ledger", "hunter"),
])
def test_every_credential_a_url_carries_is_masked(url, secret):
    shown = redact(url)
    assert secret not in shown and "***" in shown
    assert shown.startswith(url[:12])


def test_password_in_the_query_never_printed(run_cli):
    url = "postgresql+psycopg://ledger@127.0.0.1:1/nowhere?password=hunter2"
    code, out, err = run_cli("--database", url, "--no-bundled", "asof", "2004-01-01", "-c", "x")
    assert code == 1 and "Traceback" not in err
    assert err.startswith("Error: database postgresql+psycopg://ledger@127.0.0.1:1/nowhere"
                          "?password=*** failed")
    assert "hunter2" not in out + err
