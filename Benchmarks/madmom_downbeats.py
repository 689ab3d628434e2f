"""Beats and downbeats with madmom's RNN + DBN downbeat tracker (Böck, Krebs & Widmer 2016),
`time,position` per line (position 1 = downbeat), for compare.sh. The same small Python 3.10 /
numpy 2 fixes as madmom_beats.py (madmom_compat), applied before madmom is imported."""
import sys

import numpy as np

import madmom_compat  # noqa: F401  (before madmom)
import madmom.features.downbeats as downbeats  # noqa: E402
from madmom.features.downbeats import DBNDownBeatTrackingProcessor, RNNDownBeatProcessor  # noqa: E402


class _NumpyForDownbeats:
    """numpy for madmom's downbeat module: its list of (path, log-probability) pairs, one per
    meter, becomes an object array, as numpy 1 made it."""
    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def asarray(a, *args, **kwargs):
        if isinstance(a, list) and a and isinstance(a[0], tuple):
            return np.asarray(a, dtype=object)
        return np.asarray(a, *args, **kwargs)


downbeats.np = _NumpyForDownbeats()

activations = RNNDownBeatProcessor()(sys.argv[1])
for t, position in DBNDownBeatTrackingProcessor(beats_per_bar=[2, 3, 4], fps=100)(activations):
    print(f"{t:.3f},{int(position)}")
