#!/usr/bin/env python3
"""Builds the ASEM test fixtures (COINr's example data, /work/shared/datasets/asem or
$ASEM_DIR) in the saima file formats: one data.csv/units.csv and a scheme per configuration."""
import csv
import json
import os
import sys

src = os.environ.get('ASEM_DIR', '/work/shared/datasets/asem')
out = sys.argv[1]
os.makedirs(out, exist_ok=True)

with open(os.path.join(src, 'ASEM_iMeta.csv'), encoding='utf-8') as f:
    meta = list(csv.DictReader(f))
with open(os.path.join(src, 'ASEM_iData.csv'), encoding='utf-8') as f:
    rows = list(csv.DictReader(f))

inds = [m for m in meta if m['Type'] == 'Indicator']
aggs = [m for m in meta if m['Type'] == 'Aggregate']
denoms = [m['iCode'] for m in meta if m['Type'] == 'Denominator']
groups_cols = [m['iCode'] for m in meta if m['Type'] == 'Group']


def num(s):
    return int(float(s)) if float(s) == int(float(s)) else float(s)


def scheme(name, steps, aggregate=None, impute=None):
    s = {'name': name, 'steps': steps, 'indicators': [], 'groups': []}
    for m in inds:
        i = {'code': m['iCode'], 'name': m['iName'], 'parent': m['Parent'],
             'weight': num(m['Weight']), 'direction': int(m['Direction'])}
        if m['Denominator']:
            i['denominator'] = m['Denominator']
        s['indicators'].append(i)
    # root first, then sub-indices, then pillars (scheme order is free; the hierarchy decides)
    for m in sorted(aggs, key=lambda m: -int(m['Level'])):
        g = {'code': m['iCode'], 'name': m['iName'], 'weight': num(m['Weight'])}
        if m['Parent']:
            g['parent'] = m['Parent']
        s['groups'].append(g)
    return s


configs = {
    # min-max [1, 100] after winsorising, geometric means at every level
    'geo': scheme('ASEM: min-max [1,100], winsorise, geometric', {
        'treat': {'method': 'winsorise'},
        'normalise': {'method': 'minmax', 'range': [1, 100]},
        'aggregate': {'method': 'geometric'}}),
    # z-scores, arithmetic means
    'zscore': scheme('ASEM: z-score, arithmetic', {
        'normalise': {'method': 'zscore', 'mean': 10, 'sd': 2},
        'aggregate': {'method': 'arithmetic'}}),
    # group-mean imputation by GDP group, winsorising with at most 2 points (so some log
    # fallbacks), then min-max [0, 100], arithmetic; a pillar share rule
    'impute': scheme('ASEM: groupMean by GDP_group, min-max', {
        'screen': {'minDataShare': 0.8},
        'impute': {'method': 'groupMean', 'group': 'GDP_group'},
        'treat': {'method': 'winsorise', 'maxPoints': 2},
        'normalise': {'method': 'minmax', 'range': [0, 100]},
        'aggregate': {'method': 'arithmetic'}}),
}
for g in configs['impute']['groups']:
    if g['code'] in ('Physical', 'P2P', 'Social'):
        g['minDataShare'] = 0.5

for k, s in configs.items():
    with open(os.path.join(out, f'scheme-{k}.json'), 'w', encoding='utf-8', newline='\n') as f:
        json.dump(s, f, ensure_ascii=False, indent=2)
        f.write('\n')

with open(os.path.join(out, 'data.csv'), 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['unit', 'indicator', 'value'])
    for r in rows:
        for c in denoms + [m['iCode'] for m in inds]:
            w.writerow([r['uCode'], c, r[c]])

with open(os.path.join(out, 'units.csv'), 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['unit', 'name'] + groups_cols)
    for r in rows:
        w.writerow([r['uCode'], r['uName']] + [r[g] for g in groups_cols])
