#!/usr/bin/env python3
"""Independent reference implementation of `saima uncertainty`, `saima whatif` and `saima peers`.

Written from the analysis commands' file contract (docs/analysis.md, "The contract") and the
documented random stream of the replicates (docs/analysis.md, "Draws"), never from the C#
engine. Every scoring is done by saima_ref.py's `saima score`, so the perturbed schemes and the
probes go through an independent scorer too. Plain Python 3 standard library.

    python3 tests/reference/analysis_ref.py uncertainty --scheme S --data D [--units U]
        [--adjustments A] [--period P] --replicates N [--seed K] [--weights W]
        [--alternatives ALT.json] [--out F]
    python3 tests/reference/analysis_ref.py whatif --scheme S --data D [--units U]
        [--adjustments A] [--period P] --unit CODE --rank R [--node CODE] [--track]
        [--indicators A,B,...] [--out F]
    python3 tests/reference/analysis_ref.py peers --data D [--units U] [--period P] --unit CODE
        --indicators A,B,... [--k K] [--out F]

Readings of spots where the contract is silent are marked "READING:".
"""
import argparse
import copy
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import saima_ref as ref  # noqa: E402
from saima_ref import InputError, fail, fmt  # noqa: E402

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


# ---------------------------------------------------------------- random stream (docs/analysis.md, "Draws")
def mix(z):
    """SplitMix64's finaliser."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def replicate_seed(seed, r):
    return mix(seed ^ mix((r + GOLDEN) & MASK))


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + GOLDEN) & MASK
        return mix(self.state)

    def uniform(self):
        """u in [0, 1) with 53 random bits."""
        return (self.next() >> 11) * (1.0 / (1 << 53))

    def index(self, count):
        return int(self.uniform() * count)


# ---------------------------------------------------------------- scoring through saima_ref
class Inputs:
    """The files of one command, read once; score() runs saima_ref's `saima score` on them."""

    def __init__(self, a):
        self.scheme_path = a.scheme
        self.data, self.units, self.adjustments = a.data, a.units, a.adjustments
        with open(a.scheme, encoding='utf-8-sig') as f:
            try:
                self.scheme_obj = json.load(f)
            except json.JSONDecodeError as e:
                fail(f'{a.scheme}: cannot read JSON: {e}')
        self.scheme = ref.load_scheme(self.scheme_obj)
        # the unperturbed run: checks every file as `saima score` does and names the period
        self.base = self.score(self.scheme_obj)
        self.period = pick_period(self.base.periods, a.period, a.data)

    def score(self, scheme_obj, patch=None):
        ns = argparse.Namespace(scheme=scheme_obj, data=self.data, units=self.units,
                                adjustments=self.adjustments, out=None, warnings=None, explain=None,
                                patch=patch, info={})
        out = ref.run_score(ns)
        return Scored(out[0][1], out[0][2], ns.info)


class Scored:
    def __init__(self, head, rows, info):
        self.info = info
        col = {h: i for i, h in enumerate(head)}
        self.cells = {}
        self.periods = []
        self.units = {}
        for r in rows:
            pt = r[col['period']] if 'period' in col else None
            if pt not in self.units:
                self.periods.append(pt)
                self.units[pt] = []
            u = r[col['unit']]
            if not self.units[pt] or self.units[pt][-1] != u:
                self.units[pt].append(u)
            self.cells[(pt, u, r[col['node']])] = {h: r[i] for h, i in col.items()}

    def rank(self, pt, u, node, column='rank'):
        v = self.cells[(pt, u, node)].get(column, '')
        return int(v) if v != '' else None


def pick_period(periods, wanted, data_path):
    """With periods: --period P, or the latest. Without: None (and --period refused)."""
    if not periods or periods == [None]:
        if wanted:
            fail(f'--period {wanted}: {data_path} has no period column')
        return None
    if wanted:
        if wanted not in periods:
            fail(f'--period {wanted}: not a period of {data_path}')
        return wanted
    return max(periods, key=lambda p: ref.parse_period(p, data_path).key)


def raw_figures(data_path, period):
    """unit -> code -> raw value (None when empty) of DATA.csv for the period."""
    header, rows = ref.read_csv(data_path, None, ['unit', 'indicator', 'value'])
    out = {}
    codes = set()
    for ln, r in rows:
        pt = r['period'].strip() if 'period' in header else None
        c = r['indicator'].strip()
        codes.add(c)
        if pt != period:
            continue
        out.setdefault(r['unit'].strip(), {})[c] = ref.parse_number(r['value'], f'{data_path}: line {ln}, column value')
    return out, codes, header


# ---------------------------------------------------------------- uncertainty
def node_codes(s):
    return [i['code'] for i in s.indicators] + [g['code'] for g in s.groups]


def perturbed(obj, s, rng, w, alts):
    """The scheme JSON of one replicate: the draws in the documented order."""
    o = copy.deepcopy(obj)
    nodes = node_codes(s)
    # 1. one factor per node: indicators, then groups, in scheme order (the root's too)
    own = {c: 1 + w * (2 * rng.uniform() - 1) for c in nodes}
    for ind in o.get('indicators') or []:
        ind['weight'] = s.ind_by[ind['code']]['weight'] * own[ind['code']]
    for g in o.get('groups') or []:
        g['weight'] = s.grp_by[g['code']]['weight'] * own[g['code']]
    # 2. one factor per track override weight: tracks in name order, nodes in scheme order
    # READING: every override names a track of UNITS.csv (saima score refuses others), so "the
    # tracks in name order" are the override's tracks sorted by name (ordinal).
    ov = ((o.get('tracks') or {}).get('overrides')) or {}
    for t in sorted(ov):
        ws = ov[t].get('weights') or {}
        for c in nodes:
            if c in ws:
                ws[c] = s.overrides[t]['weights'][c] * (1 + w * (2 * rng.uniform() - 1))
    # 3. one index per alternative list, in the order impute, normalise, aggregate
    picked = {}
    for step in ('impute', 'normalise', 'aggregate'):
        if step in alts:
            k = rng.index(len(alts[step]))
            picked[step] = k
            o.setdefault('steps', {})[step] = alts[step][k]
    return o, picked


def percentile(sorted_ranks, pct):
    """The smallest r such that at least pct/100·N ranks are ≤ r: the k-th smallest, k = ⌈pct·N/100⌉."""
    n = len(sorted_ranks)
    k = max(1, -(-pct * n // 100))
    return sorted_ranks[k - 1]


def summary(ranks):
    s = sorted(ranks)
    n = len(s)
    return [fmt(sum(s) / n), str(percentile(s, 50)), str(percentile(s, 5)), str(percentile(s, 95)),
            str(s[0]), str(s[-1])]


def read_alternatives(path, scheme_path):
    try:
        with open(path, encoding='utf-8-sig') as f:
            alts = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        fail(f'{path}: cannot read JSON: {e}')
    if not isinstance(alts, dict):
        fail(f'{path}: $: expected an object')
    for k, v in alts.items():
        if k not in ('impute', 'normalise', 'aggregate'):
            fail(f'{path}: $.{k}: unknown key; expected impute, normalise or aggregate')
        if not isinstance(v, list) or not v:
            fail(f'{path}: $.{k}: expected a non-empty list of step objects')
        for i, step in enumerate(v):
            try:
                ref.parse_step(k, step, f'$.{k}[{i}]')
            except InputError as e:
                fail(f'{path}: {e}')
    return alts


def run_uncertainty(a):
    if a.replicates < 1:
        fail('--replicates: expected a whole number ≥ 1')
    if not (0 <= a.weights < 1):
        fail('--weights: expected 0 ≤ W < 1')
    inp = Inputs(a)
    s, pt, base = inp.scheme, inp.period, inp.base
    alts = read_alternatives(a.alternatives, a.scheme) if a.alternatives else {}
    root = s.root
    units = base.units[pt]
    tracks = 'track_rank' in base.cells[(pt, units[0], root)]
    ranks = {u: [] for u in units}
    tranks = {u: [] for u in units}
    for r in range(a.replicates):
        rng = SplitMix64(replicate_seed(a.seed, r))
        obj, picked = perturbed(inp.scheme_obj, s, rng, a.weights, alts)
        try:
            res = inp.score(obj)
        except InputError as e:
            fail(f'replicate {r} ({picked}): {e}')
        for u in units:
            ranks[u].append(res.rank(pt, u, root))
            if tracks:
                tranks[u].append(res.rank(pt, u, root, 'track_rank'))
    screened = base.info[pt]['screened']
    ranked, rest = [], []
    for u in units:
        rk = base.rank(pt, u, root)
        row = [u, '' if rk is None else str(rk)]
        # READING: a unit ranked in every replicate is summarised even when its own rank is empty.
        full = u not in screened and all(x is not None for x in ranks[u])
        row += summary(ranks[u]) if full else [''] * 6
        if tracks:
            tr = base.rank(pt, u, root, 'track_rank')
            row.append('' if tr is None else str(tr))
            row += summary(tranks[u]) if full and all(x is not None for x in tranks[u]) else [''] * 6
        (ranked if full and rk is not None else rest).append((rk, u, row))
    ranked.sort(key=lambda x: (x[0], x[1]))
    rest.sort(key=lambda x: x[1])
    six = ['mean', 'median', 'p05', 'p95', 'min', 'max']
    head = ['unit', 'rank'] + ['rank_' + k for k in six]
    if tracks:
        head += ['track_rank'] + ['track_rank_' + k for k in six]
    return head, [x[2] for x in ranked + rest]


# ---------------------------------------------------------------- whatif
def ancestors(s, code):
    out = []
    p = s.parent[code]
    while p:
        out.append(p)
        p = s.parent[p]
    return out


def non_monotone(s, code, tracks):
    """Winsorised in any track, or a group above it weighs by entropy or aggregates by TOPSIS in
    any track (each track's rule: its override, else the node's own, else the scheme's step)."""
    ind = s.ind_by[code]
    for t in tracks:
        o = s.overrides.get(t) if t is not None else None
        treat = None
        if o and code in o['indicators'] and 'treat' in o['indicators'][code]:
            treat = o['indicators'][code]['treat']
        treat = treat or ind['treat'] or s.steps['treat']
        if treat['method'] == 'winsorise':
            return True
        for g in ancestors(s, code):
            grp = s.grp_by[g]
            og = o['groups'].get(g, {}) if o else {}
            weights = og.get('weights', grp['weights'])
            aggregate = og.get('aggregate') or grp['aggregate'] or s.steps['aggregate']
            if weights == 'entropy' or aggregate['method'] == 'topsis':
                return True
    return False


def unit_tracks(units_path):
    """The tracks of UNITS.csv (every unit's), or [None] without a track column."""
    if not units_path:
        return [None]
    header, rows = ref.read_csv(units_path, None, ['unit'])
    if 'track' not in header:
        return [None]
    return sorted({r.get('track', '') for _, r in rows})


def run_whatif(a):
    inp = Inputs(a)
    s, pt, base = inp.scheme, inp.period, inp.base
    if a.rank < 1:
        fail('--rank: expected a whole number ≥ 1')
    node = a.node or s.root
    if node not in s.ind_by and node not in s.grp_by:
        fail(f'--node {node}: not a node of {a.scheme}')
    units = base.units[pt]
    if a.unit not in units:
        fail(f'--unit {a.unit}: no figures in {a.data}' + (f' for {pt}' if pt else ''))
    column = 'rank'
    if a.track:
        if 'track_rank' not in base.cells[(pt, a.unit, node)]:
            fail(f'--track: {a.scheme} has no tracks (UNITS.csv has no track column)')
        column = 'track_rank'
    if a.indicators:
        codes = [c.strip() for c in a.indicators.split(',')]
        for c in codes:
            if c not in s.ind_by:
                fail(f'--indicators: {c} is not an indicator of {a.scheme}')
        if len(set(codes)) != len(codes):
            fail('--indicators: a code listed twice')
    else:
        codes = [i['code'] for i in s.indicators]
    raw, _, _ = raw_figures(a.data, pt)
    info = base.info[pt]
    screened = info['screened']
    compared = [u for u in units if u not in screened]
    if info['compare'] == 'track':
        compared = [u for u in compared if info['track_of'][u] == info['track_of'][a.unit]]
    R = a.rank
    tracks = unit_tracks(a.units)
    rows = []
    for code in codes:
        d = s.ind_by[code]['direction']
        value = raw.get(a.unit, {}).get(code)
        vals = [raw.get(u, {}).get(code) for u in compared]
        vals = [v for v in vals if v is not None]

        def reaches(x):
            try:
                res = inp.score(inp.scheme_obj, patch=[(pt, a.unit, code, x)])
            except InputError:
                return False
            rk = res.rank(pt, a.unit, node, column)
            return rk is not None and rk <= R

        needed = None
        if vals:
            best = max(vals) if d == 1 else min(vals)
            worst = min(vals) if d == 1 else max(vals)
            rng_ = max(vals) - min(vals)
            if rng_ == 0:
                rng_ = 1.0
            start = value if value is not None else worst
            end = best + d * 10 * rng_
            if reaches(value) or (value is None and reaches(start)):
                needed = start
            elif (end - start) * d <= 0:
                pass    # the start lies at or beyond the end: an empty interval, nothing reaches
            else:
                bracket = None
                if not non_monotone(s, code, tracks) and reaches(end):
                    bracket = (start, end)
                else:
                    # 64 evenly spaced points, both ends included; the first reaching one is
                    # bisected against the point before it
                    prev = start
                    for k in range(1, 64):
                        x = end if k == 63 else start + (end - start) * k / 63
                        if reaches(x):
                            bracket = (prev, x)
                            break
                        prev = x
                if bracket is not None:
                    lo, hi = bracket
                    while abs(hi - lo) > 0.5e-6 * max(1.0, abs(hi)):
                        m = (lo + hi) / 2
                        if m == lo or m == hi:
                            break
                        if reaches(m):
                            hi = m
                        else:
                            lo = m
                    needed = hi
        else:
            # READING: no compared unit has a value, so there is no interval: only "already there".
            if reaches(value):
                needed = value
        change = needed - value if needed is not None and value is not None else None
        pct = change / abs(value) * 100 if change is not None and value != 0 else None
        rows.append([code, fmt(value), fmt(needed), fmt(change), fmt(pct),
                     'true' if needed is not None else 'false'])
    return ['indicator', 'value', 'needed', 'change', 'change_pct', 'reachable'], rows


# ---------------------------------------------------------------- peers
def run_peers(a):
    if a.k < 1:
        fail('--k: expected a whole number ≥ 1')
    # the same reading and checks as saima score (a scheme naming every code of DATA.csv)
    _, codes_all, header = raw_figures(a.data, None)
    scheme = {'indicators': [{'code': c, 'parent': 'ROOT'} for c in sorted(codes_all)],
              'groups': [{'code': 'ROOT' if 'ROOT' not in codes_all else 'ROOT_'}]}
    if 'ROOT' in codes_all:
        for i in scheme['indicators']:
            i['parent'] = 'ROOT_'
    periods = None
    if 'period' in header:
        periods = sorted({p for p in _periods(a.data)}, key=lambda p: ref.parse_period(p, a.data).key)
    ns = argparse.Namespace(scheme=scheme, data=a.data, units=a.units, adjustments=None, out=None,
                            warnings=None, explain=None, info={})
    if codes_all:
        ref.run_score(ns)
    pt = pick_period(periods, a.period, a.data)
    raw, _, _ = raw_figures(a.data, pt)
    listed = [c.strip() for c in a.indicators.split(',')]
    if len(set(listed)) != len(listed):
        fail('--indicators: a code listed twice')
    for c in listed:
        if c not in codes_all:
            fail(f'--indicators: {c} is not in {a.data}')
    if a.unit not in raw or any(raw[a.unit].get(c) is None for c in listed):
        fail(f'--unit {a.unit}: lacks a value of a listed indicator in {a.data}')
    full = [u for u in sorted(raw) if all(raw[u].get(c) is not None for c in listed)]
    z = {u: [] for u in full}
    for c in listed:
        xs = [raw[u][c] for u in full]
        n = len(xs)
        m = ref.ssum(xs) / n
        sd = math.sqrt(ref.ssum([(x - m) ** 2 for x in xs]) / n)
        if sd == 0:
            continue
        for u in full:
            z[u].append((raw[u][c] - m) / sd)
    me = z[a.unit]
    dist = []
    for u in full:
        if u == a.unit:
            continue
        dist.append((math.sqrt(ref.ssum([(p - q) ** 2 for p, q in zip(z[u], me)])), u))
    dist.sort()
    return ['unit', 'distance'], [[u, fmt(dd)] for dd, u in dist[:a.k]]


def _periods(data_path):
    _, rows = ref.read_csv(data_path, None, ['unit', 'indicator', 'value'])
    for ln, r in rows:
        yield ref.parse_period(r['period'], f'{data_path}: line {ln}, column period').text


# ---------------------------------------------------------------- command line
def main(argv=None):
    ap = argparse.ArgumentParser(prog='analysis_ref')
    sub = ap.add_subparsers(dest='cmd', required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--data', required=True)
    common.add_argument('--units')
    common.add_argument('--period')
    common.add_argument('--out')
    scored = argparse.ArgumentParser(add_help=False)
    scored.add_argument('--scheme', required=True)
    scored.add_argument('--adjustments')
    u = sub.add_parser('uncertainty', parents=[common, scored])
    u.add_argument('--replicates', type=int, required=True)
    u.add_argument('--seed', type=int, default=0)
    u.add_argument('--weights', type=float, default=0.25)
    u.add_argument('--alternatives')
    w = sub.add_parser('whatif', parents=[common, scored])
    w.add_argument('--unit', required=True)
    w.add_argument('--rank', type=int, required=True)
    w.add_argument('--node')
    w.add_argument('--track', action='store_true')
    w.add_argument('--indicators')
    p = sub.add_parser('peers', parents=[common])
    p.add_argument('--unit', required=True)
    p.add_argument('--indicators', required=True)
    p.add_argument('--k', type=int, default=5)
    a = ap.parse_args(argv)
    try:
        if a.cmd == 'uncertainty':
            if not 0 <= a.seed <= MASK:
                fail('--seed: expected a whole number in [0, 2^64)')
            head, rows = run_uncertainty(a)
        elif a.cmd == 'whatif':
            head, rows = run_whatif(a)
        else:
            head, rows = run_peers(a)
    except InputError as e:
        print(f'analysis_ref: {e}', file=sys.stderr)
        return 2
    text = ref.to_csv_text(head, rows)
    if a.out is None:
        sys.stdout.write(text)
        return 0
    tmp = a.out + '.tmp'
    with open(tmp, 'w', encoding='utf-8', newline='') as f:
        f.write(text)
    os.replace(tmp, a.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
