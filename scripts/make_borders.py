"""Write ledger/borders.json: country shapes for `ledger map` and `ledger explore`.

Input: the npm package world-atlas (Natural Earth 4.1.0 admin-0 countries as TopoJSON, keyed by
ISO 3166-1 numeric code; ISC licence, Natural Earth itself public domain). Get it with
`npm pack world-atlas` and unpack it; the tarball is not kept in the repository.

Output, keyed by the ledger's actor ids (ISO alpha-3, lower case, from pycountry):
- "shapes": the 1:110m polygons, each ring a flat list of integers (tenths of a degree,
  longitude then latitude), the first point absolute and the rest as differences;
- "points": states too small for the 1:110m file (Singapore, Tonga, Malta, ...), one point each,
  the middle of their largest polygon in the 1:50m file;
- "other": shapes with no ISO code (N. Cyprus, Somaliland), drawn as land that no actor holds.
Antarctica is left out. Kosovo, without a code in the file, is `xkx` as in events/actors.yaml.

Run: python scripts/make_borders.py path/to/world-atlas/package > ledger/borders.json
"""
import json
import sys

import pycountry

SCALE = 10                     # tenths of a degree: a third of a pixel on a 960-pixel world
LEFT_OUT = {"010"}             # Antarctica
NO_CODE = {"Kosovo": "xkx"}


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(points[1:] if out else points)
    return out


def polygons(geometry: dict, arcs: list) -> list[list[list[tuple[float, float]]]]:
    parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [[ring(arcs, r) for r in polygon] for polygon in parts]


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous (no step over 180°), so a ring crossing the antimeridian
    (Russia's, Fiji's) runs past ±180 instead of jumping across the world."""
    out = [points[0]]
    for lon, lat in points[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while prev - lon > 180:
            lon += 360
        out.append((lon, lat))
    return out


def clip(points: list[tuple[float, float]], limit: float, keep_below: bool) -> list:
    """Sutherland-Hodgman: the part of the ring with lon <= limit (or >= limit)."""
    inside = (lambda p: p[0] <= limit) if keep_below else (lambda p: p[0] >= limit)
    out = []
    for a, b in zip(points, points[1:] + points[:1]):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            t = (limit - a[0]) / (b[0] - a[0])
            out.append((limit, a[1] + t * (b[1] - a[1])))
    return out


def split(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The ring cut at the antimeridian into rings within [-180, 180]."""
    ring = unwrap(points)
    lons = [p[0] for p in ring]
    if -180 <= min(lons) and max(lons) <= 180:
        return [ring]
    shift = 360 if max(lons) > 180 else -360
    limit = 180 if shift > 0 else -180
    near = clip(ring, limit, keep_below=shift > 0)
    far = [(lon - shift, lat) for lon, lat in clip(ring, limit, keep_below=shift < 0)]
    return [r for r in (near, far) if len(r) >= 3]


def encode(points: list[tuple[float, float]]) -> list[int]:
    """Quantise, drop repeated points, and store differences."""
    flat: list[int] = []
    last = None
    for lon, lat in points:
        q = (round(lon * SCALE), round(lat * SCALE))
        if q == last:
            continue
        flat.extend(q if last is None else (q[0] - last[0], q[1] - last[1]))
        last = q
    return flat


def key(geometry: dict) -> str | None:
    code = geometry.get("id")
    if code is None:
        return NO_CODE.get(geometry["properties"]["name"])
    return pycountry.countries.get(numeric=code).alpha_3.lower()


def area(points) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))) / 2


def middle(points) -> list[float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1)]


def main(folder: str) -> None:
    small = json.load(open(f"{folder}/countries-110m.json"))
    medium = json.load(open(f"{folder}/countries-50m.json"))
    arcs = decode_arcs(small)
    shapes, other = {}, {}
    for g in small["objects"]["countries"]["geometries"]:
        if g.get("id") in LEFT_OUT:
            continue
        rings = [encode(part) for polygon in polygons(g, arcs) for r in polygon for part in split(r)]
        rings = [r for r in rings if len(r) >= 6]
        k = key(g)
        if k:
            shapes[k] = rings
        else:
            other[g["properties"]["name"]] = rings
    arcs50 = decode_arcs(medium)
    points = {}
    for g in medium["objects"]["countries"]["geometries"]:
        k = key(g)
        if k and k not in shapes and g.get("id") not in LEFT_OUT:
            outer = max((p[0] for p in polygons(g, arcs50)), key=area)
            points[k] = middle(outer)
    out = {"source": "Natural Earth 4.1.0 admin-0 countries, 1:110m (points: 1:50m), "
                     "via the npm package world-atlas 2.0.2",
           "scale": SCALE, "shapes": dict(sorted(shapes.items())),
           "points": dict(sorted(points.items())), "other": other}
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
