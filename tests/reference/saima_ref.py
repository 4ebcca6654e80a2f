#!/usr/bin/env python3
"""Independent reference implementation of `saima score`.

Written from /work/shared/contracts/score-cli.md only (never from the C# engine), to check the
engine against. Plain Python 3 standard library (no numpy), so it runs anywhere.

    python3 tests/reference/saima_ref.py score --scheme S.json --data D.csv [--units U.csv]
        [--adjustments A.csv] [--out R.csv] [--warnings W.csv] [--explain DIR]

Readings of spots where the contract is silent or ambiguous are marked "READING:".
Summation order: over units sorted by code (ordinal), children in scheme order; every sum is a
plain left-to-right loop (never math.fsum or Python 3.12's compensated sum()).
"""
import argparse
import csv
import io
import json
import math
import os
import re
import sys


class InputError(Exception):
    """Bad input: exit code 2."""


def fail(msg):
    raise InputError(msg)


def ssum(xs):
    """Left-to-right floating sum (Python >= 3.12 sum() is compensated; we want the plain one)."""
    s = 0.0
    for x in xs:
        s += x
    return s


def mean(xs):
    return ssum(xs) / len(xs)


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n % 2 == 1:
        return s[n // 2]
    return (s[n // 2 - 1] + s[n // 2]) / 2


# ---------------------------------------------------------------- number text
NUM_RE = re.compile(r'^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$')


def parse_number(text, where):
    t = text.strip()
    if t == '':
        return None
    if not NUM_RE.match(t):
        fail(f'{where}: malformed number {text!r}; expected a number with "." as decimal point')
    v = float(t)
    if not math.isfinite(v):
        fail(f'{where}: number out of range {text!r}')
    return v


def shortest_parts(x):
    """Shortest round-trip decimal of a finite double: (negative, digit string, exponent) with
    value = int(digits) * 10**exponent (Python's repr is the shortest round-trip form)."""
    s = repr(float(x))
    neg = s.startswith('-')
    s = s.lstrip('-')
    if 'e' in s:
        mant, ex = s.split('e')
        ex = int(ex)
    else:
        mant, ex = s, 0
    if '.' in mant:
        ip, fp = mant.split('.')
    else:
        ip, fp = mant, ''
    digits = (ip + fp).lstrip('0') or '0'
    exp = ex - len(fp)
    # strip trailing zeros
    while len(digits) > 1 and digits.endswith('0'):
        digits = digits[:-1]
        exp += 1
    return neg, digits, exp


def fmt(x):
    """Shortest round-trip text, in the form .NET's double.ToString() (invariant) writes it:
    fixed notation for decimal exponents -4..14, otherwise d.dddE+XX."""
    if x is None:
        return ''
    if x == 0:
        return '-0' if math.copysign(1.0, x) < 0 else '0'
    neg, digits, exp = shortest_parts(x)
    sci = exp + len(digits) - 1          # value = d.ddd * 10**sci
    sign = '-' if neg else ''
    if sci >= 15 or sci < -4:
        m = digits[0] + ('.' + digits[1:] if len(digits) > 1 else '')
        return f'{sign}{m}E{"+" if sci >= 0 else "-"}{abs(sci):02d}'
    if exp >= 0:
        return sign + digits + '0' * exp
    point = len(digits) + exp
    if point > 0:
        return sign + digits[:point] + '.' + digits[point:]
    return sign + '0.' + '0' * (-point) + digits


def round_key(x, decimals):
    """Score rounded to `decimals`, half away from zero (四舍五入) on the decimal form of the
    shortest round-trip text; returned as an exact integer count of 10**-decimals, so ties
    compare exactly."""
    neg, digits, exp = shortest_parts(x)
    n = int(digits)
    k = exp + decimals
    if k >= 0:
        q = n * 10 ** k
    else:
        div = 10 ** (-k)
        q, r = divmod(n, div)
        if 2 * r >= div:
            q += 1
    return -q if neg else q


# ---------------------------------------------------------------- periods
class Period:
    def __init__(self, text, kind, year, sub):
        self.text, self.kind, self.year, self.sub = text, kind, year, sub

    @property
    def key(self):
        return (self.year, self.sub)

    def expected(self):
        # percent of the year elapsed at the period's end (序时进度)
        if self.kind == 'Y':
            return 100.0
        if self.kind == 'Q':
            return 25.0 * self.sub
        # READING: month m gives 100·m/12 evaluated as (100·m)/12 (06 -> 50 exactly).
        return (100.0 * self.sub) / 12.0


def parse_period(text, where):
    t = text.strip()
    m = re.match(r'^(\d{4})$', t)
    if m:
        return Period(t, 'Y', int(m.group(1)), 0)
    m = re.match(r'^(\d{4})-Q([1-4])$', t)
    if m:
        return Period(t, 'Q', int(m.group(1)), int(m.group(2)))
    m = re.match(r'^(\d{4})-(0[1-9]|1[0-2])$', t)
    if m:
        return Period(t, 'M', int(m.group(1)), int(m.group(2)))
    fail(f'{where}: bad period {text!r}; expected 2025, 2025-Q2 or 2025-06')


# ---------------------------------------------------------------- CSV
def read_csv(path, allowed, required):
    try:
        with open(path, encoding='utf-8-sig', newline='') as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        fail(f'{path}: cannot read: {e}')
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        fail(f'{path}: empty file; expected a header row')
    header = [h.strip().lower() for h in rows[0]]
    for i, h in enumerate(header):
        if allowed is not None and h not in allowed:
            fail(f'{path}: line 1, column {i + 1}: unknown column {rows[0][i]!r}')
    if len(set(header)) != len(header):
        fail(f'{path}: line 1: duplicate column')
    for r in required:
        if r not in header:
            fail(f'{path}: line 1: missing column {r!r}')
    out = []
    for ln, row in enumerate(rows[1:], start=2):
        if len(row) == 0 or (len(row) == 1 and row[0] == ''):
            continue
        if len(row) != len(header):
            fail(f'{path}: line {ln}: {len(row)} fields, header has {len(header)}')
        out.append((ln, dict(zip(header, row))))
    return header, out


# ---------------------------------------------------------------- scheme
STEP_PARAMS = {
    'impute': {'none': set(), 'mean': set(), 'median': set(), 'zero': set(), 'previous': set(),
               'groupMean': {'group'}, 'groupMedian': {'group'}},
    'treat': {'none': set(), 'winsorise': {'skew', 'kurtosis', 'maxPoints', 'fallback'}},
    'normalise': {
        'none': set(), 'minmax': {'range'}, 'zscore': {'mean', 'sd'}, 'vector': set(),
        'goalposts': {'min', 'max', 'scale', 'clamp'}, 'rank': set(),
        'target': {'cap', 'scale'},
        'completion': {'full', 'atTarget', 'perPoint', 'cap', 'floor', 'basis'},
        'rankPoints': {'first', 'step', 'floor'}, 'tiers': {'bounds', 'points'},
        'leaderRatio': {'full'}},
    'aggregate': {m: set() for m in ('arithmetic', 'sum', 'geometric', 'harmonic', 'median',
                                     'topsis', 'copeland')},
}
REQUIRED = {
    ('impute', 'groupMean'): {'group'}, ('impute', 'groupMedian'): {'group'},
    ('normalise', 'minmax'): {'range'}, ('normalise', 'goalposts'): {'min', 'max'},
    ('normalise', 'completion'): {'full', 'atTarget', 'perPoint', 'cap'},
    ('normalise', 'rankPoints'): {'first', 'step'},
    ('normalise', 'tiers'): {'bounds', 'points'}, ('normalise', 'leaderRatio'): {'full'},
}


def check_keys(obj, allowed, path):
    if not isinstance(obj, dict):
        fail(f'scheme: {path}: expected an object')
    for k in obj:
        if k not in allowed:
            fail(f'scheme: {path}.{k}: unknown key')


def num(v, path, finite=True):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        fail(f'scheme: {path}: expected a number')
    v = float(v)
    if finite and not math.isfinite(v):
        fail(f'scheme: {path}: expected a finite number')
    return v


def parse_step(kind, obj, path):
    if kind == 'screen':
        if obj is None:
            return None
        check_keys(obj, {'minDataShare'}, path)
        if 'minDataShare' not in obj:
            fail(f'scheme: {path}.minDataShare: required')
        s = num(obj['minDataShare'], path + '.minDataShare')
        if not 0 <= s <= 1:
            fail(f'scheme: {path}.minDataShare: expected 0..1')
        return {'minDataShare': s}
    if not isinstance(obj, dict) or 'method' not in obj:
        fail(f'scheme: {path}: expected an object with "method"')
    m = obj['method']
    if m not in STEP_PARAMS[kind]:
        fail(f'scheme: {path}.method: unknown {kind} method {m!r}')
    check_keys(obj, {'method'} | STEP_PARAMS[kind][m], path)
    for r in REQUIRED.get((kind, m), ()):
        if r not in obj:
            fail(f'scheme: {path}.{r}: required for {m}')
    st = {'method': m}
    p = obj
    if kind == 'impute' and 'group' in p:
        if not isinstance(p['group'], str):
            fail(f'scheme: {path}.group: expected a UNITS column name')
        st['group'] = p['group'].lower()
    if kind == 'treat' and m == 'winsorise':
        st['skew'] = num(p.get('skew', 2), path + '.skew')
        st['kurtosis'] = num(p.get('kurtosis', 3.5), path + '.kurtosis')
        mp = num(p.get('maxPoints', 5), path + '.maxPoints')
        if mp < 0 or mp != int(mp):
            fail(f'scheme: {path}.maxPoints: expected a whole number >= 0')
        st['maxPoints'] = int(mp)
        st['fallback'] = p.get('fallback', 'log')
        if st['fallback'] not in ('log', 'none'):
            fail(f'scheme: {path}.fallback: expected log or none')
    if kind == 'normalise':
        if m == 'minmax':
            r = p['range']
            if not isinstance(r, list) or len(r) != 2:
                fail(f'scheme: {path}.range: expected [l, u]')
            st['range'] = (num(r[0], path + '.range[0]'), num(r[1], path + '.range[1]'))
        elif m == 'zscore':
            st['mean'] = num(p.get('mean', 0), path + '.mean')
            st['sd'] = num(p.get('sd', 1), path + '.sd')
        elif m == 'goalposts':
            st['min'] = num(p['min'], path + '.min')
            st['max'] = num(p['max'], path + '.max')
            if st['min'] == st['max']:
                # READING: equal goalposts divide by zero: an out-of-range parameter (exit 2).
                fail(f'scheme: {path}: min and max must differ')
            st['scale'] = num(p.get('scale', 1), path + '.scale')
            c = p.get('clamp', True)
            if not isinstance(c, bool):
                fail(f'scheme: {path}.clamp: expected true or false')
            st['clamp'] = c
        elif m == 'target':
            st['cap'] = num(p.get('cap', 1), path + '.cap')
            st['scale'] = num(p.get('scale', 100), path + '.scale')
        elif m == 'completion':
            for k in ('full', 'atTarget', 'perPoint', 'cap'):
                st[k] = num(p[k], f'{path}.{k}')
            st['floor'] = num(p.get('floor', 0), path + '.floor')
            st['basis'] = p.get('basis', 'ratio')
            if st['basis'] not in ('ratio', 'difference'):
                fail(f'scheme: {path}.basis: expected ratio or difference')
        elif m == 'rankPoints':
            st['first'] = num(p['first'], path + '.first')
            st['step'] = num(p['step'], path + '.step')
            st['floor'] = num(p.get('floor', 0), path + '.floor')
        elif m == 'tiers':
            b, pts = p['bounds'], p['points']
            if not isinstance(b, list) or not isinstance(pts, list) or len(pts) != len(b) + 1:
                fail(f'scheme: {path}: tiers need bounds and one more points')
            st['bounds'] = [num(v, f'{path}.bounds[{i}]') for i, v in enumerate(b)]
            st['points'] = [num(v, f'{path}.points[{i}]') for i, v in enumerate(pts)]
            for i in range(1, len(b)):
                if not st['bounds'][i - 1] < st['bounds'][i]:
                    fail(f'scheme: {path}.bounds: expected ascending')
        elif m == 'leaderRatio':
            st['full'] = num(p['full'], path + '.full')
    return st


DEFAULT_STEPS = {
    'screen': None,
    'impute': {'method': 'none'},
    'treat': {'method': 'none'},
    'normalise': {'method': 'minmax', 'range': (0.0, 100.0)},
    'aggregate': {'method': 'arithmetic'},
}


class Scheme:
    pass


def load_scheme(path):
    """Reads SCHEME.json; `path` may also be the parsed JSON object itself (analysis_ref.py
    scores perturbed schemes without writing them to files)."""
    if isinstance(path, dict):
        obj = path
    else:
        try:
            with open(path, encoding='utf-8-sig') as f:
                obj = json.load(f)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            fail(f'{path}: cannot read JSON: {e}')
    check_keys(obj, {'name', 'steps', 'indicators', 'groups', 'tracks', 'ranking', 'warnings'}, '$')
    s = Scheme()
    s.name = obj.get('name', '')
    steps = dict(DEFAULT_STEPS)
    st = obj.get('steps') or {}
    check_keys(st, set(DEFAULT_STEPS), '$.steps')
    for k, v in st.items():
        steps[k] = parse_step(k, v, f'$.steps.{k}')
    s.steps = steps
    s.indicators = []
    s.ind_by = {}
    for i, o in enumerate(obj.get('indicators') or []):
        p = f'$.indicators[{i}]'
        check_keys(o, {'code', 'name', 'parent', 'weight', 'direction', 'denominator', 'transform',
                       'cumulative', 'impute', 'treat', 'normalise'}, p)
        if not isinstance(o.get('code'), str) or not o['code']:
            fail(f'scheme: {p}.code: required')
        ind = {'code': o['code'], 'parent': o.get('parent'),
               'weight': num(o.get('weight', 1), p + '.weight'),
               'direction': o.get('direction', 1),
               'denominator': o.get('denominator'),
               'transform': o.get('transform', 'none'),
               'cumulative': o.get('cumulative', False)}
        if ind['weight'] < 0:
            fail(f'scheme: {p}.weight: negative')
        if ind['direction'] not in (1, -1) or isinstance(ind['direction'], bool):
            fail(f'scheme: {p}.direction: expected 1 or -1')
        ind['direction'] = int(ind['direction'])
        if ind['transform'] not in ('none', 'ln', 'log10', 'sqrt'):
            fail(f'scheme: {p}.transform: expected none, ln, log10 or sqrt')
        for k in ('impute', 'treat', 'normalise'):
            ind[k] = parse_step(k, o[k], f'{p}.{k}') if k in o else None
        if ind['code'] in s.ind_by:
            fail(f'scheme: {p}.code: duplicate {ind["code"]}')
        s.ind_by[ind['code']] = ind
        s.indicators.append(ind)
    s.groups = []
    s.grp_by = {}
    for i, o in enumerate(obj.get('groups') or []):
        p = f'$.groups[{i}]'
        check_keys(o, {'code', 'name', 'parent', 'weight', 'aggregate', 'weights', 'minDataShare'}, p)
        g = {'code': o.get('code'), 'parent': o.get('parent'),
             'weight': num(o.get('weight', 1), p + '.weight'),
             'aggregate': parse_step('aggregate', o['aggregate'], p + '.aggregate') if 'aggregate' in o else None,
             'weights': o.get('weights', 'given'),
             'minDataShare': num(o.get('minDataShare', 0), p + '.minDataShare')}
        if g['weight'] < 0:
            fail(f'scheme: {p}.weight: negative')
        if g['weights'] not in ('given', 'equal', 'entropy'):
            fail(f'scheme: {p}.weights: expected given, equal or entropy')
        if g['code'] in s.grp_by or g['code'] in s.ind_by:
            fail(f'scheme: {p}.code: duplicate {g["code"]}')
        s.grp_by[g['code']] = g
        s.groups.append(g)
    roots = [g['code'] for g in s.groups if not g['parent']]
    if len(roots) != 1:
        fail(f'scheme: $.groups: expected exactly one root, found {roots}')
    s.root = roots[0]
    # READING: a group's children are its indicators (in indicator order), then its groups (in
    # group order): "children in scheme order".
    s.children = {g['code']: [] for g in s.groups}
    for i, ind in enumerate(s.indicators):
        if ind['parent'] not in s.grp_by:
            fail(f'scheme: $.indicators[{i}].parent: unknown group {ind["parent"]!r}')
        s.children[ind['parent']].append(ind['code'])
    for i, g in enumerate(s.groups):
        if g['parent']:
            if g['parent'] not in s.grp_by:
                fail(f'scheme: $.groups[{i}].parent: unknown group {g["parent"]!r}')
            s.children[g['parent']].append(g['code'])
    for g in s.groups:
        if not s.children[g['code']]:
            fail(f'scheme: group {g["code"]} has no children')
    # post-order from the root (also detects cycles: unreachable groups)
    order, seen = [], set()

    def visit(c):
        seen.add(c)
        for ch in s.children[c]:
            if ch in s.grp_by:
                visit(ch)
        order.append(c)
    visit(s.root)
    if len(seen) != len(s.groups):
        fail('scheme: $.groups: a cycle (groups not reachable from the root)')
    s.group_order = order
    s.parent = {ind['code']: ind['parent'] for ind in s.indicators}
    s.parent.update({g['code']: g['parent'] for g in s.groups})
    s.denominators = {ind['denominator'] for ind in s.indicators if ind['denominator']}
    # tracks
    tr = obj.get('tracks')
    s.compare = 'all'
    s.overrides = {}
    if tr is not None:
        check_keys(tr, {'compare', 'overrides'}, '$.tracks')
        s.compare = tr.get('compare', 'all')
        if s.compare not in ('all', 'track'):
            fail('scheme: $.tracks.compare: expected all or track')
        for t, ov in (tr.get('overrides') or {}).items():
            p = f'$.tracks.overrides.{t}'
            check_keys(ov, {'weights', 'indicators', 'groups'}, p)
            o = {'weights': {}, 'indicators': {}, 'groups': {}}
            for c, w in (ov.get('weights') or {}).items():
                if c not in s.ind_by and c not in s.grp_by:
                    fail(f'scheme: {p}.weights.{c}: unknown code')
                o['weights'][c] = num(w, f'{p}.weights.{c}')
                if o['weights'][c] < 0:
                    fail(f'scheme: {p}.weights.{c}: negative')
            for c, io_ in (ov.get('indicators') or {}).items():
                if c not in s.ind_by:
                    fail(f'scheme: {p}.indicators.{c}: unknown indicator')
                check_keys(io_, {'normalise', 'impute', 'treat'}, f'{p}.indicators.{c}')
                o['indicators'][c] = {k: parse_step(k, v, f'{p}.indicators.{c}.{k}') for k, v in io_.items()}
            for c, go in (ov.get('groups') or {}).items():
                if c not in s.grp_by:
                    fail(f'scheme: {p}.groups.{c}: unknown group')
                check_keys(go, {'aggregate', 'weights'}, f'{p}.groups.{c}')
                gg = {}
                if 'aggregate' in go:
                    gg['aggregate'] = parse_step('aggregate', go['aggregate'], f'{p}.groups.{c}.aggregate')
                if 'weights' in go:
                    if go['weights'] not in ('given', 'equal', 'entropy'):
                        fail(f'scheme: {p}.groups.{c}.weights: expected given, equal or entropy')
                    gg['weights'] = go['weights']
                o['groups'][c] = gg
            s.overrides[t] = o
    rk = obj.get('ranking') or {}
    check_keys(rk, {'roundTo'}, '$.ranking')
    s.round_to = rk.get('roundTo')
    if s.round_to is not None:
        if isinstance(s.round_to, bool) or not isinstance(s.round_to, int) or s.round_to < 0:
            fail('scheme: $.ranking.roundTo: expected a whole number >= 0 or null')
    w = obj.get('warnings')
    s.rules = None
    if w is not None:
        check_keys(w, {'rules'}, '$.warnings')
        s.rules = []
        for i, r in enumerate(w.get('rules') or []):
            check_keys(r, {'level', 'minGap'}, f'$.warnings.rules[{i}]')
            s.rules.append((str(r.get('level', '')),
                            num(r['minGap'], f'$.warnings.rules[{i}].minGap') if r.get('minGap') is not None else None))
        if not s.rules:
            s.rules = None
    return s


# ---------------------------------------------------------------- transforms
def transform(kind, x, where):
    if x is None or kind == 'none':
        return x
    if kind == 'sqrt':
        if x < 0:
            fail(f'{where}: sqrt of negative value {fmt(x)}')
        return math.sqrt(x)
    if x <= 0:
        fail(f'{where}: {kind} of non-positive value {fmt(x)}')
    return math.log(x) if kind == 'ln' else math.log10(x)


def untransform(kind, x):
    if x is None or kind == 'none':
        return x
    if kind == 'ln':
        return math.exp(x)
    if kind == 'log10':
        return 10.0 ** x
    return x * x


# ---------------------------------------------------------------- statistics
def skew_kurt(xs):
    """Sample skewness and excess kurtosis as spreadsheets define them (SKEW, KURT), formulas in
    the contract's order; None with fewer than 4 values or no spread."""
    n = len(xs)
    if n < 4:
        return None
    m = ssum(xs) / n
    d = [x - m for x in xs]
    s2 = ssum(v * v for v in d)
    if s2 == 0 or max(xs) == min(xs):
        return None
    s3 = ssum(v * v * v for v in d)
    s4 = ssum(v * v * v * v for v in d)
    skew = math.sqrt(n) * s3 / s2 ** 1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    r = n * s4 / (s2 * s2)
    kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return skew, kurt


# ---------------------------------------------------------------- engine
class Ctx:
    pass


def run_score(args):
    s = load_scheme(args.scheme)

    # UNITS.csv
    units_info = None
    has_tracks = False
    if args.units:
        header, rows = read_csv(args.units, None, ['unit'])
        units_info = {}
        for ln, r in rows:
            u = r['unit'].strip()
            if not u:
                fail(f'{args.units}: line {ln}: empty unit')
            if u in units_info:
                fail(f'{args.units}: line {ln}: duplicate unit {u}')
            units_info[u] = r
        has_tracks = 'track' in header
        unit_cols = set(header)
    else:
        unit_cols = set()

    # DATA.csv
    header, rows = read_csv(args.data, {'unit', 'indicator', 'value', 'period', 'target'},
                            ['unit', 'indicator', 'value'])
    has_periods = 'period' in header
    periods = {}
    kinds = set()
    data = {}        # period text -> unit -> code -> value
    targets = {}     # period text -> unit -> code -> target
    known_codes = set(s.ind_by) | s.denominators
    for ln, r in rows:
        u = r['unit'].strip()
        c = r['indicator'].strip()
        if not u:
            fail(f'{args.data}: line {ln}: empty unit')
        if c not in known_codes:
            fail(f'{args.data}: line {ln}, column indicator: unknown code {c!r}')
        if units_info is not None and u not in units_info:
            fail(f'{args.data}: line {ln}, column unit: unit {u!r} not in {args.units}')
        pt = None
        if has_periods:
            p = parse_period(r['period'], f'{args.data}: line {ln}, column period')
            kinds.add(p.kind)
            if len(kinds) > 1:
                fail(f'{args.data}: line {ln}, column period: mixed period kinds')
            periods[p.text] = p
            pt = p.text
        v = parse_number(r['value'], f'{args.data}: line {ln}, column value')
        cell = data.setdefault(pt, {}).setdefault(u, {})
        if c in cell:
            fail(f'{args.data}: line {ln}: duplicate row for ({u}, {c}, {pt})')
        cell[c] = v
        if 'target' in r:
            t = parse_number(r['target'], f'{args.data}: line {ln}, column target')
            if t is not None:
                targets.setdefault(pt, {}).setdefault(u, {})[c] = t
    # analysis_ref.py's probes: (period text or None, unit, code, raw value or None) put in
    # place of the file's figure after reading, as if DATA.csv had said so.
    for pt, u, c, v in getattr(args, 'patch', None) or ():
        cell = data.setdefault(pt, {}).setdefault(u, {})
        if v is None:
            cell.pop(c, None)
        else:
            cell[c] = v
    if has_periods:
        plist = sorted(periods.values(), key=lambda p: p.key)
        ptexts = [p.text for p in plist]
    else:
        plist = [None]
        ptexts = [None] if data else []
        if not data:
            ptexts = []

    def track_of(u):
        if not has_tracks:
            return None
        return units_info[u].get('track', '')

    # group columns used by imputation must exist
    def check_group(step, where):
        if step and step['method'] in ('groupMean', 'groupMedian'):
            if units_info is None or step['group'] not in unit_cols:
                fail(f'scheme: {where}.group: UNITS column {step["group"]!r} not found')
    check_group(s.steps['impute'], '$.steps.impute')
    for ind in s.indicators:
        check_group(ind['impute'], f'$.indicators[{ind["code"]}].impute')
    for t, o in s.overrides.items():
        for c, io_ in o['indicators'].items():
            check_group(io_.get('impute'), f'$.tracks.overrides.{t}.indicators.{c}.impute')

    # ADJ.csv
    adjustments = []
    if args.adjustments:
        _, arows = read_csv(args.adjustments, {'unit', 'points', 'reason', 'period', 'node'},
                            ['unit', 'points'])
        all_units = set(units_info) if units_info is not None else {u for d in data.values() for u in d}
        for ln, r in arows:
            u = r['unit'].strip()
            if u not in all_units:
                fail(f'{args.adjustments}: line {ln}, column unit: unknown unit {u!r}')
            pts = parse_number(r['points'], f'{args.adjustments}: line {ln}, column points')
            if pts is None:
                fail(f'{args.adjustments}: line {ln}, column points: required')
            node = (r.get('node') or '').strip() or s.root
            if node not in s.ind_by and node not in s.grp_by:
                fail(f'{args.adjustments}: line {ln}, column node: unknown node {node!r}')
            pr = (r.get('period') or '').strip()
            if pr:
                # READING: a period named in ADJ.csv must be a period of DATA.csv (so a period
                # given without periods in DATA is unknown: exit 2).
                if not has_periods or pr not in periods:
                    fail(f'{args.adjustments}: line {ln}, column period: unknown period {pr!r}')
            adjustments.append((pr or None, u, node, pts))

    def adj_points(pt, u, node):
        ps = [a[3] for a in adjustments if a[1] == u and a[2] == node and (a[0] is None or a[0] == pt)]
        return ps

    # rule resolution: track override > own > steps
    def ind_rule(t, code, step):
        o = s.overrides.get(t) if t is not None else None
        if o and code in o['indicators'] and step in o['indicators'][code]:
            return o['indicators'][code][step]
        own = s.ind_by[code][step]
        return own if own is not None else s.steps[step]

    def overridden(code, step):
        return any(code in o['indicators'] and step in o['indicators'][code] for o in s.overrides.values())

    def grp_aggregate(t, g):
        o = s.overrides.get(t) if t is not None else None
        if o and g in o['groups'] and 'aggregate' in o['groups'][g]:
            return o['groups'][g]['aggregate']
        own = s.grp_by[g]['aggregate']
        return own if own is not None else s.steps['aggregate']

    def grp_weights(t, g):
        o = s.overrides.get(t) if t is not None else None
        if o and g in o['groups'] and 'weights' in o['groups'][g]:
            return o['groups'][g]['weights']
        return s.grp_by[g]['weights']

    def given_weight(t, code):
        o = s.overrides.get(t) if t is not None else None
        if o and code in o['weights']:
            return o['weights'][code]
        node = s.ind_by.get(code) or s.grp_by[code]
        return node['weight']

    compare = s.compare if has_tracks else 'all'

    # denominate + transform for every period first ("previous" needs earlier periods)
    den_all, tr_all = {}, {}
    for pt in ptexts:
        den_all[pt], tr_all[pt] = {}, {}
        for u in sorted(data[pt]):
            cell = data[pt][u]
            dd, tt = {}, {}
            for ind in s.indicators:
                c = ind['code']
                v = cell.get(c)
                if v is not None and ind['denominator']:
                    dv = cell.get(ind['denominator'])
                    v = None if dv is None or dv == 0 else v / dv
                dd[c] = v
                tt[c] = transform(ind['transform'], v, f'{args.data}: unit {u}, indicator {c}, period {pt or "-"}')
            den_all[pt][u], tr_all[pt][u] = dd, tt

    results = []        # rows
    warn_rows = []
    weight_rows = []
    treat_rows = []
    prev_rank = None
    n_ind = len(s.indicators)
    node_order = [i['code'] for i in s.indicators] + [g['code'] for g in s.groups]

    for pi, pt in enumerate(ptexts):
        per = periods[pt] if pt is not None else None
        expected_pct = per.expected() if per is not None else 100.0
        units = sorted(data[pt])
        den, trv = den_all[pt], tr_all[pt]
        # screen
        screened = set()
        sc = s.steps['screen']
        if sc is not None:
            for u in units:
                share = sum(1 for c in den[u] if den[u][c] is not None) / n_ind
                if share < sc['minDataShare']:
                    screened.add(u)
        active = [u for u in units if u not in screened]
        if getattr(args, 'info', None) is not None:
            args.info[pt] = {'screened': set(screened), 'track_of': {u: track_of(u) for u in units},
                             'compare': compare}
        tracks = sorted({track_of(u) for u in active}) if has_tracks else [None]

        def track_sets():
            """(track, compared units, units whose results are taken)"""
            for t in tracks:
                own = [u for u in active if track_of(u) == t] if has_tracks else active
                comp = active if compare == 'all' else own
                yield t, comp, own

        # impute
        imp = {u: {} for u in active}
        for ind in s.indicators:
            c = ind['code']
            for t, comp, own in track_sets():
                rule = ind_rule(t, c, 'impute')
                m = rule['method']
                vals = [trv[u][c] for u in comp if trv[u][c] is not None]
                for u in own:
                    x = trv[u][c]
                    if x is None and m != 'none':
                        if m == 'mean' and vals:
                            x = mean(vals)
                        elif m == 'median' and vals:
                            x = median(vals)
                        elif m == 'zero':
                            x = 0.0
                        elif m in ('groupMean', 'groupMedian'):
                            # READING: the unit's group is its UNITS cell; an empty cell is a
                            # group of its own like any other value.
                            gv = units_info[u].get(rule['group'], '')
                            gvals = [trv[w][c] for w in comp if trv[w][c] is not None
                                     and units_info[w].get(rule['group'], '') == gv]
                            if gvals:
                                x = mean(gvals) if m == 'groupMean' else median(gvals)
                        elif m == 'previous':
                            # READING: the latest earlier period in which the unit has a value
                            # (denominated, transformed), whether or not it was screened there.
                            for q in reversed(ptexts[:pi]):
                                pv = tr_all[q].get(u, {}).get(c)
                                if pv is not None:
                                    x = pv
                                    break
                    imp[u][c] = x

        # treat
        trt = {u: {} for u in active}
        for ind in s.indicators:
            c = ind['code']
            explain_rows_c = []
            for t, comp, own in track_sets():
                rule = ind_rule(t, c, 'treat')
                vals = {u: imp[u][c] for u in comp if imp[u][c] is not None}
                before = skew_kurt([vals[u] for u in sorted(vals)])
                after = before
                treatment, points = 'none', 0
                out = dict(vals)
                if rule['method'] == 'winsorise':
                    sl, kl = rule['skew'], rule['kurtosis']

                    def fails(sk):
                        return sk is not None and not (abs(sk[0]) < sl or sk[1] < kl)
                    changed = set()
                    cur = before
                    while fails(cur) and len(changed) < rule['maxPoints']:
                        vs = list(out.values())
                        if cur[0] >= 0:
                            top = max(vs)
                            repl = max(v for v in vs if v < top)
                            for u in out:
                                if out[u] == top:
                                    out[u] = repl
                                    changed.add(u)
                        else:
                            bot = min(vs)
                            repl = min(v for v in vs if v > bot)
                            for u in out:
                                if out[u] == bot:
                                    out[u] = repl
                                    changed.add(u)
                        cur = skew_kurt([out[u] for u in sorted(out)])
                    if fails(cur):
                        if rule['fallback'] == 'log':
                            mn, mx = min(vals.values()), max(vals.values())
                            out = {u: math.log(x - mn + 0.01 * (mx - mn)) for u, x in vals.items()}
                            treatment, points = 'log', 0
                            cur = skew_kurt([out[u] for u in sorted(out)])
                        else:
                            treatment, points = 'winsorised', len(changed)
                    elif changed:
                        treatment, points = 'winsorised', len(changed)
                    after = cur
                for u in own:
                    trt[u][c] = out.get(u)
                explain_rows_c.append((t, treatment, points, before, after))
            # READING: one treatment row with empty track when the indicator's own rule applied
            # to all compared units (no tracks, or compare all without a track override of its
            # treat step); otherwise one row per track.
            if not has_tracks or (compare == 'all' and not overridden(c, 'treat')):
                explain_rows_c = [(None,) + explain_rows_c[0][1:]] if explain_rows_c else []
            for t, treatment, points, b, a in explain_rows_c:
                treat_rows.append([pt or '', t or '', c, treatment, str(points),
                                   fmt(b[0]) if b else '', fmt(b[1]) if b else '',
                                   fmt(a[0]) if a else '', fmt(a[1]) if a else ''])

        # normalise
        score = {u: {} for u in active}
        for ind in s.indicators:
            c = ind['code']
            d = ind['direction']
            for t, comp, own in track_sets():
                rule = ind_rule(t, c, 'normalise')
                m = rule['method']
                xs = {u: trt[u][c] for u in comp if trt[u][c] is not None}
                res = {}
                if m == 'none':
                    res = dict(xs)
                elif m == 'minmax':
                    l, up = rule['range']
                    ys = {u: x * d for u, x in xs.items()}
                    if ys:
                        mn, mx = min(ys.values()), max(ys.values())
                        if mx != mn:
                            res = {u: (y - mn) / (mx - mn) * (up - l) + l for u, y in ys.items()}
                elif m == 'zscore':
                    ys = {u: x * d for u, x in xs.items()}
                    if len(ys) >= 2:
                        yl = [ys[u] for u in sorted(ys)]
                        my = ssum(yl) / len(yl)
                        sd = math.sqrt(ssum((y - my) * (y - my) for y in yl) / (len(yl) - 1))
                        if sd != 0:
                            res = {u: (y - my) / sd * rule['sd'] + rule['mean'] for u, y in ys.items()}
                elif m == 'vector':
                    ss = ssum(xs[u] * xs[u] for u in sorted(xs))
                    if ss != 0:
                        root = math.sqrt(ss)
                        res = {u: d * x / root for u, x in xs.items()}
                elif m == 'goalposts':
                    gmin = transform(ind['transform'], rule['min'], f'scheme: {c}.normalise.min')
                    gmax = transform(ind['transform'], rule['max'], f'scheme: {c}.normalise.max')
                    for u, x in xs.items():
                        v = (x - gmin) / (gmax - gmin) if d == 1 else (x - gmax) / (gmin - gmax)
                        if rule['clamp']:
                            v = min(1.0, max(0.0, v))
                        res[u] = v * rule['scale']
                elif m == 'rank':
                    ys = {u: x * d for u, x in xs.items()}
                    n = len(ys)
                    if n >= 2:
                        for u, y in ys.items():
                            r = 1 + sum(1 for v in ys.values() if v < y)
                            res[u] = (r - 1) / (n - 1) * 100
                elif m == 'rankPoints':
                    ys = {u: x * d for u, x in xs.items()}
                    for u, y in ys.items():
                        p = 1 + sum(1 for v in ys.values() if v > y)
                        res[u] = max(rule['floor'], rule['first'] - rule['step'] * (p - 1))
                elif m == 'tiers':
                    bounds = [transform(ind['transform'], b, f'scheme: {c}.normalise.bounds') for b in rule['bounds']]
                    for u, x in xs.items():
                        band = sum(1 for b in bounds if x >= b)
                        res[u] = rule['points'][band]
                elif m == 'leaderRatio':
                    if xs:
                        best = max(xs.values()) if d == 1 else min(xs.values())
                        if best > 0:
                            for u, x in xs.items():
                                if d == 1:
                                    res[u] = rule['full'] * x / best
                                elif x != 0:
                                    res[u] = rule['full'] * best / x
                elif m in ('target', 'completion'):
                    for u, xt in xs.items():
                        x = untransform(ind['transform'], xt)
                        tg = targets.get(pt, {}).get(u, {}).get(c)
                        if tg is None:
                            continue
                        if ind['cumulative']:
                            tg = tg * expected_pct / 100
                        if m == 'target':
                            if tg == 0:
                                continue
                            if d == 1:
                                ratio = x / tg
                            elif x != 0:
                                ratio = tg / x
                            else:
                                # READING: x = 0 with direction -1 divides by zero: IEEE
                                # infinity, so min(cap, inf) = cap (the contract makes only a
                                # zero target missing).
                                ratio = math.inf if tg > 0 else -math.inf
                            res[u] = min(rule['cap'], ratio) * rule['scale']
                        else:
                            if rule['basis'] == 'ratio':
                                if tg == 0:
                                    continue
                                pct = 100 * x / tg if d == 1 else 100 * (2 - x / tg)
                            else:
                                pct = 100 + d * (x - tg)
                            res[u] = min(rule['cap'] * rule['full'],
                                         max(rule['floor'], rule['atTarget'] * rule['full'] + rule['perPoint'] * (pct - 100)))
                for u in own:
                    score[u][c] = res.get(u)
            for u in active:
                if score[u][c] is not None:
                    for p in adj_points(pt, u, c):
                        score[u][c] = score[u][c] + p

        # weights for every track (topsis needs other tracks' weights under compare all)
        weights = {}   # (track, group) -> list of weights in children order
        for g in s.group_order:
            ch = s.children[g]
            for t, comp, own in track_sets():
                mode = grp_weights(t, g)
                if mode == 'given':
                    weights[(t, g)] = [given_weight(t, c) for c in ch]
                elif mode == 'equal':
                    weights[(t, g)] = [1.0 for _ in ch]
                else:
                    es = []
                    for c in ch:
                        xs = [score[u][c] for u in comp if score[u][c] is not None]
                        m = len(xs)
                        where = f'group {g}, period {pt or "-"}' + (f', track {t}' if t is not None else '')
                        if any(x < 0 for x in xs):
                            fail(f'entropy weights: {where}: negative score of {c}')
                        if m < 2:
                            fail(f'entropy weights: {where}: fewer than 2 units with a score of {c}')
                        tot = ssum(xs)
                        if tot == 0:
                            fail(f'entropy weights: {where}: scores of {c} sum to zero')
                        acc = 0.0
                        for x in xs:
                            p = x / tot
                            if p > 0:
                                acc += p * math.log(p)
                        es.append(-acc / math.log(m))
                    if all(e == 1 for e in es):
                        fail(f'entropy weights: group {g}, period {pt or "-"}: every entropy is 1')
                    den_e = ssum(1 - e for e in es)
                    weights[(t, g)] = [(1 - e) / den_e for e in es]
                # groups are computed bottom-up; entropy needs the children's scores, so the
                # aggregation happens in the same loop (below)
            # aggregate g
            for t, comp, own in track_sets():
                rule = grp_aggregate(t, g)
                m = rule['method']
                mds = s.grp_by[g]['minDataShare']

                def present(u):
                    tt = track_of(u)
                    ws = weights[(tt if has_tracks else None, g)]
                    return [(c, w, score[u][c]) for c, w in zip(ch, ws) if score[u][c] is not None]

                if m == 'topsis':
                    vrows = {}
                    for u in comp:
                        pr = present(u)
                        sw = ssum(w for _, w, _ in pr)
                        if pr and sw != 0:
                            vrows[u] = {c: (w / sw) * x for c, w, x in pr}
                    ideal, anti = {}, {}
                    for c in ch:
                        col = [vrows[u][c] for u in sorted(vrows) if c in vrows[u]]
                        if col:
                            ideal[c], anti[c] = max(col), min(col)
                for u in own:
                    pr = present(u)
                    val = None
                    if pr and not (len(pr) / len(ch) < mds):
                        sw = ssum(w for _, w, _ in pr)
                        if sw != 0:
                            if m == 'arithmetic':
                                val = ssum(w * x for _, w, x in pr) / sw
                            elif m == 'sum':
                                val = ssum(w * x for _, w, x in pr)
                            elif m in ('geometric', 'harmonic'):
                                for c, _, x in pr:
                                    if x <= 0:
                                        fail(f'{m} mean: unit {u}, node {c}, period {pt or "-"}: '
                                             f'score {fmt(x)} is not positive (group {g})')
                                if m == 'geometric':
                                    val = math.exp(ssum(w * math.log(x) for _, w, x in pr) / sw)
                                else:
                                    val = sw / ssum(w / x for _, w, x in pr)
                            elif m == 'median':
                                # READING: raw weights; "exceeds half" compares the running sum
                                # with total/2; ties in score keep scheme order.
                                srt = sorted(pr, key=lambda e: e[2])
                                half = sw / 2
                                cum = 0.0
                                for k, (_, w, x) in enumerate(srt):
                                    cum += w
                                    if cum > half:
                                        val = x
                                        break
                                    if cum == half:
                                        val = (x + srt[k + 1][2]) / 2 if k + 1 < len(srt) else x
                                        break
                            elif m == 'topsis':
                                v = vrows[u]
                                dp = math.sqrt(ssum((v[c] - ideal[c]) * (v[c] - ideal[c]) for c, _, _ in pr))
                                dm = math.sqrt(ssum((v[c] - anti[c]) * (v[c] - anti[c]) for c, _, _ in pr))
                                if dp + dm != 0:
                                    val = dm / (dp + dm)
                            elif m == 'copeland':
                                # READING: opponents are the other compared units with at least
                                # one child score; raw weights of the scored unit decide.
                                mine = {c: (w, x) for c, w, x in pr}
                                tot = 0
                                for o in comp:
                                    if o == u:
                                        continue
                                    theirs = {c: score[o][c] for c in ch if score[o][c] is not None}
                                    if not theirs:
                                        continue
                                    a = b = 0.0
                                    for c in ch:
                                        if c in mine and c in theirs:
                                            w, x = mine[c]
                                            if x > theirs[c]:
                                                a += w
                                            elif x < theirs[c]:
                                                b += w
                                            else:
                                                a += w / 2
                                                b += w / 2
                                    tot += 1 if a > b else (-1 if a < b else 0)
                                val = float(tot)
                    score[u][g] = val
            for u in active:
                if score[u][g] is not None:
                    for p in adj_points(pt, u, g):
                        score[u][g] = score[u][g] + p

        # explain weights
        ex_tracks = sorted({track_of(u) for u in units}) if has_tracks else [None]
        for t in ex_tracks:
            if (t, s.root) not in weights:
                continue   # READING: a track whose units were all screened has no weights row
            w_of, eff = {s.root: 1.0}, {s.root: 1.0}
            for g in reversed(s.group_order):     # root first
                ws = weights[(t, g)]
                tot = ssum(ws)
                for c, w in zip(s.children[g], ws):
                    w_of[c] = w
                    eff[c] = eff[g] * (w / tot if tot != 0 else 0.0)
            for c in node_order:
                row = ([pt] if has_periods else []) + [t or '', c, s.parent[c] or '', fmt(w_of[c]), fmt(eff[c])]
                weight_rows.append(row)

        # ranks
        def ranks_of(us, node):
            keyed = {}
            for u in us:
                v = score[u][node]
                if v is not None:
                    keyed[u] = round_key(v, s.round_to) if s.round_to is not None else v
            return {u: 1 + sum(1 for o in keyed.values() if o > k) for u, k in keyed.items()}
        rank, trank = {}, {}
        for node in node_order:
            rk = ranks_of(active, node)
            for u in active:
                rank[(u, node)] = rk.get(u)
            if has_tracks:
                for t in tracks:
                    rk = ranks_of([u for u in active if track_of(u) == t], node)
                    for u in active:
                        if track_of(u) == t:
                            trank[(u, node)] = rk.get(u)
        for u in units:
            for node in node_order:
                row = []
                if has_periods:
                    row.append(pt)
                row.append(u)
                if has_tracks:
                    row.append(track_of(u))
                row.append(node)
                if u in screened:
                    row += ['', '', '']
                    if has_tracks:
                        row.append('')
                    if has_periods:
                        row.append('')
                    results.append(row)
                    continue
                row.append(fmt(trt[u][node]) if node in s.ind_by else '')
                row.append(fmt(score[u][node]))
                r = rank.get((u, node))
                row.append('' if r is None else str(r))
                if has_tracks:
                    tr_ = trank.get((u, node))
                    row.append('' if tr_ is None else str(tr_))
                if has_periods:
                    pr_ = prev_rank.get((u, node)) if prev_rank is not None else None
                    row.append('' if pr_ is None or r is None else str(pr_ - r))
                results.append(row)
        prev_rank = rank

        # warnings
        if s.rules is not None:
            for u in units:
                for ind in s.indicators:
                    c = ind['code']
                    tg = targets.get(pt, {}).get(u, {}).get(c)
                    if tg is None:
                        continue
                    x = den[u][c]
                    expct = expected_pct if ind['cumulative'] else 100.0
                    comp_ = gap = None
                    level = ''
                    if x is not None and tg != 0:
                        comp_ = 100 * x / tg if ind['direction'] == 1 else 100 * (2 - x / tg)
                        gap = comp_ - expct
                        for lv, mg in s.rules:
                            if mg is None or mg <= gap:
                                level = lv
                                break
                    warn_rows.append([pt or '', u, c, fmt(x), fmt(tg), fmt(comp_), fmt(expct), fmt(gap), level])

    if args.warnings and s.rules is None:
        fail(f'scheme: $.warnings.rules: required for --warnings')

    head = (['period'] if has_periods else []) + ['unit'] + (['track'] if has_tracks else []) + \
        ['node', 'value', 'score', 'rank'] + (['track_rank'] if has_tracks else []) + \
        (['rank_change'] if has_periods else [])
    outputs = []
    outputs.append((args.out, head, results))
    if args.warnings:
        outputs.append((args.warnings, ['period', 'unit', 'indicator', 'value', 'target', 'completion',
                                        'expected', 'gap', 'level'], warn_rows))
    if args.explain:
        outputs.append((os.path.join(args.explain, 'weights.csv'),
                        (['period'] if has_periods else []) + ['track', 'node', 'parent', 'weight', 'effective_weight'],
                        weight_rows))
        # READING: treatment.csv always has the period column (empty without periods).
        outputs.append((os.path.join(args.explain, 'treatment.csv'),
                        ['period', 'track', 'indicator', 'treatment', 'points', 'skew_before',
                         'kurtosis_before', 'skew_after', 'kurtosis_after'], treat_rows))
    return outputs


def to_csv_text(head, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(head)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def main(argv=None):
    ap = argparse.ArgumentParser(prog='saima_ref')
    sub = ap.add_subparsers(dest='cmd', required=True)
    sp = sub.add_parser('score')
    sp.add_argument('--scheme', required=True)
    sp.add_argument('--data', required=True)
    sp.add_argument('--units')
    sp.add_argument('--adjustments')
    sp.add_argument('--out')
    sp.add_argument('--warnings')
    sp.add_argument('--explain')
    args = ap.parse_args(argv)
    try:
        outputs = run_score(args)
    except InputError as e:
        print(f'saima_ref: {e}', file=sys.stderr)
        return 2
    # write everything only after the whole computation succeeded
    for path, head, rows in outputs:
        text = to_csv_text(head, rows)
        if path is None:
            sys.stdout.write(text)
            continue
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        tmp = path + '.tmp'
        with open(tmp, 'w', encoding='utf-8', newline='') as f:
            f.write(text)
        os.replace(tmp, path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
