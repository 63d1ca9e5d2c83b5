"""pandas DataFrames of query results, with flat columns, built from each result's `to_dict()` (the
documented JSON shape), so a frame says exactly what `--format json` says.

Flat means: a list of sources becomes `sources` (their ids joined with ";") and `url` (the first
source's address); a nested mapping becomes prefixed columns (`counts_signed`, `before_status`);
any other list is joined with ";". pandas is an optional extra: `pip install
'coalition-ledger[pandas]'`.
"""
from __future__ import annotations

from typing import Any, Iterable


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install 'coalition-ledger[pandas]'") from None
    return pandas


def flat(d: dict, prefix: str = "") -> dict:
    out: dict[str, Any] = {}
    for key, value in d.items():
        name = prefix + key
        if key == "sources" and isinstance(value, list):
            ids = [v["id"] if isinstance(v, dict) and "id" in v else
                   v.get("source") if isinstance(v, dict) else str(v) for v in value]
            out[name] = ";".join(i for i in ids if i)
            if any(isinstance(v, dict) for v in value):
                out[prefix + "url"] = next((v["url"] for v in value
                                            if isinstance(v, dict) and v.get("url")), None)
        elif isinstance(value, dict):
            out.update(flat(value, name + "_"))
        elif isinstance(value, (list, tuple)):
            out[name] = ";".join(str(v if not isinstance(v, dict) else
                                     v.get("value", v.get("id", v))) for v in value)
        else:
            out[name] = value
    return out


def frame(records: Iterable[dict], columns: list[str] | None = None):
    """A DataFrame of flattened records (columns in first-seen order)."""
    rows = [flat(r) for r in records]
    if columns is None:
        columns = list(dict.fromkeys(k for r in rows for k in r))
    df = _pandas().DataFrame(rows, columns=columns)
    for name in NUMBERED:      # state numbers stay integers beside blanks (for merging on them)
        if name in df.columns:
            df[name] = df[name].astype("Int64")
    return df


NUMBERED = ("ccode", "gwcode")


def asof_frame(d: dict):
    """One row per member, with the coalition and the day."""
    return frame({"coalition": d["coalition"], "date": d["date"], **m} for m in d["members"])


def diff_frame(d: dict):
    """One row per change: `change` is joined, left or changed."""
    empty = {"before": {"status": None, "troops": None}, "after": {"status": None, "troops": None},
             "event": {"seq": None, "type": None, "date": None}}
    return frame({"coalition": d["coalition"], "from": d["from"], "to": d["to"], "change": label,
                  **{k: (v if v is not None else empty.get(k)) for k, v in c.items()}}
                 for label in ("joined", "left", "changed") for c in d[label])


class Results(list):
    """A list of results (replay, growth, history, log, panel) that also gives `.to_pandas()`."""

    def to_pandas(self):
        return frame(r.to_dict() for r in self)
