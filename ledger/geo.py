"""Country shapes and the Equal Earth projection, for maps.

The shapes are Natural Earth's present-day borders (ledger/borders.json, made by
scripts/make_borders.py), keyed by actor id. A former state has no shape of its own: it is drawn
on the present territory of its successors (`SUCCESSORS`).

Equal Earth (Šavrič, Patterson and Jenny, 2018) is an equal-area projection, so the shaded area
of a coalition is in proportion to the land it covers.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

# ISO 3166-3 former states -> the present states on whose territory they are drawn.
SUCCESSORS = {
    "sun": ("arm", "aze", "blr", "est", "geo", "kaz", "kgz", "ltu", "lva", "mda", "rus", "tjk",
            "tkm", "ukr", "uzb"),
    "yug": ("bih", "hrv", "mkd", "mne", "srb", "svn", "xkx"),
    "scg": ("mne", "srb", "xkx"),
    "csk": ("cze", "svk"),
    "ddr": ("deu",),
    "ant": ("cuw", "sxm"),
}

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
WIDTH_RATIO = 2.0531         # x extent / y extent of the Equal Earth world


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Projected (x, y) of a point in degrees, on a world of x in about ±2.71 and y in ±1.32
    (y grows north)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


X_MAX = equal_earth(180, 0)[0]
Y_MAX = equal_earth(0, 90)[1]


@dataclass(frozen=True)
class Borders:
    source: str
    shapes: dict[str, tuple[tuple[tuple[float, float], ...], ...]]   # id -> rings of (lon, lat)
    points: dict[str, tuple[float, float]]                            # small states: (lon, lat)
    other: dict[str, tuple[tuple[tuple[float, float], ...], ...]]    # land no actor holds


def _rings(encoded: list[list[int]], scale: int) -> tuple:
    out = []
    for flat in encoded:
        x = y = 0
        ring = []
        for i in range(0, len(flat), 2):
            x, y = x + flat[i], y + flat[i + 1]
            ring.append((x / scale, y / scale))
        out.append(tuple(ring))
    return tuple(out)


@lru_cache(maxsize=1)
def borders() -> Borders:
    data = json.loads(files("ledger").joinpath("borders.json").read_text(encoding="utf-8"))
    s = data["scale"]
    return Borders(data["source"], {k: _rings(v, s) for k, v in data["shapes"].items()},
                   {k: tuple(v) for k, v in data["points"].items()},
                   {k: _rings(v, s) for k, v in data["other"].items()})


def territory(actor: str) -> tuple[str, ...]:
    """The countries of the borders file (shapes or points) that stand for `actor`: itself, or a
    former state's successors; none for an actor without territory (NATO, an NGO) or one the
    file lacks."""
    b = borders()
    return tuple(c for c in SUCCESSORS.get(actor, (actor,)) if c in b.shapes or c in b.points)


class Frame:
    """Projected coordinates scaled into a box of `width` pixels (height follows the world's
    shape), with y growing down as in SVG."""

    def __init__(self, width: float, x0: float = 0, y0: float = 0):
        self.scale = width / (2 * X_MAX)
        self.width, self.height = width, 2 * Y_MAX * self.scale
        self.x0, self.y0 = x0, y0

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = equal_earth(lon, lat)
        return self.x0 + (x + X_MAX) * self.scale, self.y0 + (Y_MAX - y) * self.scale

    def path(self, rings) -> str:
        """An SVG path (d attribute) of the rings, to one decimal."""
        parts = []
        for ring in rings:
            pts = [self.point(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        return "".join(parts)

    def outline(self, steps: int = 90) -> str:
        """The edge of the world (the ±180° meridians), as a closed path."""
        east = [(180, -90 + 180 * i / steps) for i in range(steps + 1)]
        west = [(-180, 90 - 180 * i / steps) for i in range(steps + 1)]
        return self.path([east + west])

    def centre(self, rings) -> tuple[float, float]:
        """Where to put a symbol on a country: the area centroid of its largest projected ring."""
        best_area, best_c = -1.0, (0.0, 0.0)
        for ring in rings:
            pts = [self.point(lon, lat) for lon, lat in ring]
            a = cx = cy = 0.0
            for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]):
                cross = x0 * y1 - x1 * y0
                a += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
            if abs(a) > best_area and a:
                best_area, best_c = abs(a), (cx / (3 * a), cy / (3 * a))
        return best_c
