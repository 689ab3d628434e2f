"""Beat times with madmom's RNN + DBN beat tracker (Böck et al.), one per line, for compare.sh.

madmom 0.16.1 from PyPI predates Python 3.10 and numpy 2; the aliases below are the small fixes
it needs, applied before it is imported, so the installed package stays untouched.
"""
import collections
import collections.abc
import sys

import numpy as np

for name in ("MutableSequence", "MutableMapping", "Sequence", "Mapping", "Iterable", "Callable"):
    if not hasattr(collections, name):
        setattr(collections, name, getattr(collections.abc, name))
for name, value in (("float", float), ("int", int), ("complex", complex), ("bool", bool), ("object", object)):
    if name not in np.__dict__:
        setattr(np, name, value)

from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor  # noqa: E402

activations = RNNBeatProcessor()(sys.argv[1])
for t in DBNBeatTrackingProcessor(fps=100)(activations):
    print(f"{t:.3f}")
