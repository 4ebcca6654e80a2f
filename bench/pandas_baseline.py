#!/usr/bin/python3
"""The scoring job of `saima generate`'s workload, written the way an analyst would in pandas.

A baseline for bench/e2e.sh, not a second implementation of Saima: it covers what the generated
scheme uses (min-max normalisation honouring direction, given weights, weighted arithmetic means
of the present children from the leaves up to the root, competition ranks) and refuses the rest.

    /usr/bin/python3 bench/pandas_baseline.py --scheme S.json --data DATA.csv --out RESULTS.csv
    /usr/bin/python3 bench/pandas_baseline.py --compare SAIMA.csv PANDAS.csv

Run it with Debian's /usr/bin/python3 (python3-pandas); the python3 first on PATH may lack pandas.
"""
import argparse
import json
import sys

import numpy as np
import pandas as pd


def refuse(what):
    sys.exit(f"pandas_baseline: the scheme uses {what}; this baseline covers only minmax + arithmetic means")


def check_scheme(scheme):
    steps = scheme.get("steps", {})
    norm = steps.get("normalise", {"method": "minmax", "range": [0, 100]})
    if norm.get("method") != "minmax":
        refuse(f"normalise {norm.get('method')}")
    if steps.get("aggregate", {"method": "arithmetic"}).get("method") != "arithmetic":
        refuse("a non-arithmetic aggregate")
    for step in ("screen", "impute", "treat"):
        s = steps.get(step)
        if s is not None and s.get("method", "none") != "none" and step != "screen":
            refuse(f"{step} {s.get('method')}")
        if step == "screen" and s is not None:
            refuse("screening")
    for ind in scheme["indicators"]:
        for key in ("denominator", "normalise", "impute", "treat"):
            if ind.get(key) is not None:
                refuse(f"indicators[].{key}")
        if ind.get("transform", "none") != "none":
            refuse("a transform")
    for grp in scheme["groups"]:
        if grp.get("aggregate") is not None or grp.get("weights", "given") != "given" or grp.get("minDataShare", 0):
            refuse("a group override")
    if scheme.get("tracks"):
        refuse("tracks")
    lo, hi = norm.get("range", [0, 100])
    return float(lo), float(hi)


def score_period(wide, scheme, lo, hi):
    """wide: units x indicator codes (scheme order), NaN = missing. Returns (values, scores)."""
    inds = scheme["indicators"]
    direction = np.array([ind.get("direction", 1) for ind in inds], dtype=float)
    y = wide.to_numpy(dtype=float) * direction
    mn = np.nanmin(y, axis=0)
    mx = np.nanmax(y, axis=0)
    spread = mx - mn
    with np.errstate(invalid="ignore", divide="ignore"):
        ind_scores = (y - mn) / np.where(spread > 0, spread, np.nan) * (hi - lo) + lo

    scores = {ind["code"]: ind_scores[:, i] for i, ind in enumerate(inds)}
    children = {}
    for node in inds + scheme["groups"]:
        if node.get("parent") is not None:
            children.setdefault(node["parent"], []).append((node["code"], float(node.get("weight", 1))))

    def aggregate(code):
        if code in scores:
            return scores[code]
        kids = children[code]
        s = np.column_stack([aggregate(c) for c, _ in kids])
        w = np.array([w for _, w in kids])
        present = ~np.isnan(s)
        num = np.where(present, s, 0.0) @ w
        den = present.astype(float) @ w
        with np.errstate(invalid="ignore", divide="ignore"):
            scores[code] = np.where(den > 0, num / den, np.nan)
        return scores[code]

    for grp in scheme["groups"]:
        aggregate(grp["code"])
    nodes = [n["code"] for n in inds + scheme["groups"]]
    frame = pd.DataFrame({c: scores[c] for c in nodes}, index=wide.index)
    return frame


def run(args):
    with open(args.scheme, encoding="utf-8") as f:
        scheme = json.load(f)
    lo, hi = check_scheme(scheme)
    codes = [ind["code"] for ind in scheme["indicators"]]
    groups = [g["code"] for g in scheme["groups"]]

    data = pd.read_csv(args.data, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    data.columns = [c.lower() for c in data.columns]
    data["value"] = pd.to_numeric(data["value"].replace("", np.nan))
    has_periods = "period" in data.columns
    if not has_periods:
        data["period"] = ""
    data = data[data["indicator"].isin(codes)]

    out = []
    for period, rows in data.groupby("period", sort=True):
        wide = rows.pivot(index="unit", columns="indicator", values="value").reindex(columns=codes)
        wide = wide.sort_index()  # ordinal order of unit codes
        scores = score_period(wide, scheme, lo, hi)
        ranks = scores.rank(method="min", ascending=False).astype("Int64")
        nodes = codes + groups
        n_units, n_nodes = len(wide.index), len(nodes)
        values = np.full((n_units, n_nodes), np.nan)
        values[:, : len(codes)] = wide.to_numpy(dtype=float)
        long = pd.DataFrame({
            "unit": np.repeat(wide.index.to_numpy(), n_nodes),
            "node": np.tile(nodes, n_units),
            "value": values.ravel(),
            "score": scores.to_numpy(dtype=float).ravel(),
            "rank": pd.array(ranks.to_numpy().ravel(), dtype="Int64"),
        })
        if has_periods:
            long.insert(0, "period", period)
        out.append(long)
    pd.concat(out).to_csv(args.out, index=False, float_format=None, lineterminator="\n")


def compare(saima_csv, pandas_csv):
    """Prints how far apart the two results are; exits 1 if they disagree beyond rounding."""
    a = pd.read_csv(saima_csv, dtype={"unit": str, "node": str, "period": str}, keep_default_na=True)
    b = pd.read_csv(pandas_csv, dtype={"unit": str, "node": str, "period": str}, keep_default_na=True)
    keys = [k for k in ("period", "unit", "node") if k in a.columns and k in b.columns]
    m = a.merge(b, on=keys, how="outer", suffixes=("_saima", "_pandas"), indicator=True)
    only = (m["_merge"] != "both").sum()
    both = m[m["_merge"] == "both"]
    sa, sb = both["score_saima"].to_numpy(float), both["score_pandas"].to_numpy(float)
    nan_mismatch = int((np.isnan(sa) != np.isnan(sb)).sum())
    diff = np.nanmax(np.abs(sa - sb)) if len(sa) else 0.0
    rank_mismatch = int((both["rank_saima"].fillna(-1) != both["rank_pandas"].fillna(-1)).sum())
    print(f"rows: saima {len(a)}, pandas {len(b)}, in one only {only}; "
          f"max |score difference| {diff:.3g}; missing in one only {nan_mismatch}; ranks differing {rank_mismatch}")
    ok = only == 0 and nan_mismatch == 0 and diff < 1e-9
    print("same job: yes" if ok else "same job: NO (see above)")
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scheme")
    p.add_argument("--data")
    p.add_argument("--out")
    p.add_argument("--compare", nargs=2, metavar=("SAIMA_CSV", "PANDAS_CSV"))
    args = p.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    if not (args.scheme and args.data and args.out):
        p.error("--scheme, --data and --out are required")
    run(args)


if __name__ == "__main__":
    main()
