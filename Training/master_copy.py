#!/usr/bin/env python3
"""A "mastered" copy of a folder of excerpts, to measure how beat tracking holds on loud masters:
each WAV through one fixed chain (a 3:1 bus compressor at -24 dBFS, 10 ms attack, 120 ms release;
gain to LEVEL ± 2 dB RMS; a brick-wall limiter at -1 dBFS, 60 ms release; clipped at full scale),
written as float; labels (.json, .beats, .downbeats, manifest.json) are copied as they are. The
chain is fixed, unlike `make_data.py --master`, which draws one per excerpt for training.

    python3 Training/master_copy.py SRC DST [LEVEL]     # LEVEL in dBFS RMS, default -9
"""
import glob
import os
import shutil
import sys

import numpy as np
import pedalboard as pb
import soundfile as sf


def main():
    src, dst = sys.argv[1], sys.argv[2]
    level = float(sys.argv[3]) if len(sys.argv) > 3 else -9.0
    os.makedirs(dst, exist_ok=True)
    jitter = np.random.default_rng(1)
    for path in sorted(glob.glob(os.path.join(src, '*'))):
        name = os.path.basename(path)
        if not name.endswith('.wav'):
            if os.path.isfile(path) and name.endswith(('.json', '.beats', '.downbeats')):
                shutil.copy(path, os.path.join(dst, name))
            continue
        x, sr = sf.read(path, dtype='float32', always_2d=True)
        x = x.mean(axis=1)
        y = pb.Pedalboard([pb.Compressor(threshold_db=-24, ratio=3, attack_ms=10, release_ms=120)])(x[None, :], sr)[0]
        y = y * 10 ** ((level + jitter.uniform(-2, 2)) / 20) / (np.sqrt(np.mean(y ** 2)) + 1e-9)
        y = pb.Pedalboard([pb.Limiter(threshold_db=-1.0, release_ms=60)])(y[None, :].astype(np.float32), sr)[0]
        tmp = os.path.join(dst, '.' + name)
        sf.write(tmp, np.clip(y, -1, 1), sr, subtype='FLOAT', format='WAV')
        os.replace(tmp, os.path.join(dst, name))


if __name__ == '__main__':
    main()
