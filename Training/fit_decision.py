#!/usr/bin/env python3
"""Fits the steady-beat decision of `seed beats` (Sources/SeedDSP/SteadyBeatDecision.swift).

The decision is a logistic regression on two cues the tracker reads after decoding: ln of the
median beat activation at the decoded beats (evidence), and the activation's autocorrelation at
the beat period less 1/sqrt(beats), what chance gives over that many beats (excess periodicity).
This reads the cues of every excerpt in the given folders (made by make_data.py; music and
non-music, as their labels say) through `seed-bench --steady-cues`, fits the direction of the
boundary with both classes weighted equally, and sets the bias so that no more music excerpts go
without beats than under the evidence-only rule it replaces (median activation 0.1). It prints
the constants to put in SteadyBeatDecision.swift.

    python3 Training/fit_decision.py /tmp/d/mstA /tmp/d/mstB [--bench Benchmarks/.build/release/seed-bench] [--write]

`--write` puts the constants into SteadyBeatDecision.swift (run.sh does, after the networks).

The folders must not be the development or validation splits: those judge the result.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SWIFT = os.path.join(HERE, '..', 'Sources', 'SeedDSP', 'SteadyBeatDecision.swift')
OLD_THRESHOLD = 0.1
MINIMUM = 0.05       # BeatDecision.minimumEvidence, for the counts printed


def cues(bench, wavs, jobs=2):
    """{path: (evidence, ln evidence, excess periodicity)} for the inputs where beats were decoded:
    the decision's cues as `seed-bench --steady-cues` prints them (`SteadyBeatCues`)."""
    parts = [wavs[i::jobs] for i in range(jobs)]
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, part in enumerate(parts):
            lst = os.path.join(tmp, f'{k}.txt')
            open(lst, 'w').write('\n'.join(part) + '\n')
            procs.append(subprocess.Popen([bench, '--steady-cues', lst], stdout=subprocess.PIPE, text=True))
        out = {}
        for p in procs:
            text, _ = p.communicate()
            if p.returncode != 0:
                sys.exit('seed-bench --steady-cues failed')
            for line in text.splitlines():
                path, *values = line.split('\t')
                if values[0] != '-':
                    out[path] = tuple(float(v) for v in values)
    return out


def fit_logistic(x, y, weight, l2=1e-3, steps=50):
    """Weighted logistic regression by Newton's method (IRLS); returns (w, b)."""
    a = np.hstack([x, np.ones((len(x), 1))])
    theta = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-a @ theta))
        g = a.T @ (weight * (p - y)) + l2 * np.r_[theta[:-1], 0]
        h = (a * (weight * p * (1 - p))[:, None]).T @ a + l2 * np.diag(np.r_[np.ones(len(theta) - 1), 0])
        step = np.linalg.solve(h, g)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    return theta[:-1], theta[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('folders', nargs='+')
    ap.add_argument('--bench', default=os.path.join(HERE, '..', 'Benchmarks', '.build', 'release', 'seed-bench'))
    ap.add_argument('--write', action='store_true', help='write the constants into SteadyBeatDecision.swift')
    a = ap.parse_args()
    labels = {}
    for folder in a.folders:
        for j in sorted(glob.glob(os.path.join(folder, '*.json'))):
            d = json.load(open(j))
            if 'category' in d:
                labels[j[:-5] + '.wav'] = d['category'] != 'negative'
    found = cues(a.bench, sorted(labels))
    # Inputs without decoded beats get none under any rule; they do not inform the boundary.
    paths = sorted(found)
    y = np.array([1.0 if labels[p] else 0.0 for p in paths])
    e = np.array([found[p][0] for p in paths])
    x = np.array([found[p][1:] for p in paths])
    music, other = y == 1, y == 0
    weight = np.where(music, 0.5 / music.sum(), 0.5 / other.sum()) * len(y)
    w, _ = fit_logistic(x, y, weight)
    # The bias: as many music excerpts without beats as under the old rule, no more.
    old_missed = int((music & (e < OLD_THRESHOLD)).sum())
    score = x @ w
    ranked = np.sort(score[music])
    bias = -(ranked[old_missed - 1] + ranked[old_missed]) / 2 if old_missed > 0 else -ranked[0] + 1e-6
    steady = (score + bias >= 0) & (e >= MINIMUM)
    print(f'{len(paths)} excerpts with decoded beats ({int(music.sum())} music, {int(other.sum())} non-music)')
    print(f'old rule (evidence >= {OLD_THRESHOLD}): music without beats {old_missed}, '
          f'non-music with beats {int((other & (e >= OLD_THRESHOLD)).sum())}')
    print(f'lowest evidence accepted: music {e[music & steady].min():.3f}, non-music '
          f'{e[other & steady].min() if (other & steady).any() else float("nan"):.3f} (minimumEvidence {MINIMUM})')
    print(f'fitted rule: music without beats {int((music & ~steady).sum())}, non-music with beats {int((other & steady).sum())}')
    constants = {'evidenceWeight': w[0], 'periodicityWeight': w[1], 'bias': bias}
    print('Constants for SteadyBeatDecision.swift:')
    for name, value in constants.items():
        print(f'    static let {name} = {value:.2f}')
    if a.write:
        text = open(SWIFT).read()
        for name, value in constants.items():
            text, n = re.subn(rf'(static let {name} = )-?[0-9.]+', rf'\g<1>{value:.2f}', text)
            if n != 1:
                sys.exit(f'{name} not found once in {SWIFT}')
        tmp = SWIFT + '.tmp'
        open(tmp, 'w').write(text)
        os.replace(tmp, SWIFT)
        print(f'written to {SWIFT}')


if __name__ == '__main__':
    main()
