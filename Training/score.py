#!/usr/bin/env python3
"""Scores a beat command on a folder made by make_data.py (the validation split, or a held-out
part of the training data): mir_eval beat F-measure and AMLt, downbeat F, and for the
non-music excerpts whether the command returned no beats.

    python3 Training/score.py DIR --cmd '.build/release/seed beats {wav} --format csv' [--jobs 2] [--name seed]

The command prints one beat a line (`time[,position]` or whitespace-separated); position 1 is a
downbeat. Per-file results go to DIR/../<name>.scores.json.
"""
import argparse
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

NUM = re.compile(r'[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?')


def run(cmd, wav):
    p = subprocess.run(cmd.replace('{wav}', shlex.quote(wav)), shell=True, capture_output=True, text=True)
    times, pos = [], []
    for line in p.stdout.splitlines():
        nums = NUM.findall(line)
        if not nums or line.lstrip().startswith('#') or line.startswith('time'):
            continue
        times.append(float(nums[0]))
        pos.append(float(nums[1]) if len(nums) > 1 else np.nan)
    return p.returncode, np.array(times), np.array(pos)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('data')
    ap.add_argument('--cmd', required=True)
    ap.add_argument('--name', default='seed')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--only', default=None)
    a = ap.parse_args()
    import mir_eval
    warnings.filterwarnings('ignore')
    labels = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(a.data, '*.json')))]
    labels = [l for l in labels if 'beats' in l and (not a.only or a.only in l['id'] or a.only in l['style'])]

    def one(label):
        wav = os.path.join(a.data, label['id'] + '.wav')
        rc, est, pos = run(a.cmd, wav)
        r = dict(id=label['id'], category=label['category'], style=label['style'], tempo=label['tempo'], rc=rc, n_est=len(est))
        if label['category'] == 'negative':
            r['no_beats'] = len(est) == 0
            return r
        ref = np.array(label['beats'])
        s = mir_eval.beat.evaluate(ref, est)
        r['F'] = float(s['F-measure'])
        r['AMLt'] = float(s['Any Metric Level Total'])
        r['CMLt'] = float(s['Correct Metric Level Total'])
        ref_db = ref[np.array(label['downbeat']) == 1]
        est_db = est[np.isfinite(pos) & (np.round(pos) == 1)] if len(est) else est
        r['DbF'] = float(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(ref_db), mir_eval.beat.trim_beats(est_db)))
        r['steady'] = len(est) > 0
        return r

    with ThreadPoolExecutor(a.jobs) as ex:
        rows = list(ex.map(one, labels))
    music = [r for r in rows if r['category'] != 'negative']
    neg = [r for r in rows if r['category'] == 'negative']
    mean = lambda xs: float(np.mean(xs)) if xs else float('nan')
    print(f"## {a.name} on {a.data}: {len(music)} music, {len(neg)} non-music")
    print(f"music: F {mean([r['F'] for r in music]):.3f}  AMLt {mean([r['AMLt'] for r in music]):.3f}  "
          f"CMLt {mean([r['CMLt'] for r in music]):.3f}  downbeat F {mean([r['DbF'] for r in music]):.3f}  "
          f"no beats on music: {sum(not r['steady'] for r in music)}")
    print(f"non-music with beats: {sum(not r['no_beats'] for r in neg)} of {len(neg)}")
    for key in ('category', 'style', 'tempo'):
        groups = sorted(set(r[key] for r in music))
        print(f"by {key}: " + ', '.join(f"{g} {mean([r['F'] for r in music if r[key] == g]):.2f}" for g in groups))
    bad = sorted(music, key=lambda r: r['F'])[:8]
    print('weakest: ' + ', '.join(f"{r['id']} {r['style']}/{r['tempo']} F {r['F']:.2f} AMLt {r['AMLt']:.2f}" for r in bad))
    fp = [r['id'] + ' ' + r['style'] for r in neg if not r['no_beats']]
    if fp:
        print('non-music with beats: ' + ', '.join(fp))
    out = os.path.join(os.path.dirname(os.path.abspath(a.data)), f"{a.name}.scores.json")
    json.dump(rows, open(out, 'w'), indent=1)


if __name__ == '__main__':
    main()
