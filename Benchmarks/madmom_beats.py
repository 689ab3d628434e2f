"""Beat times with madmom's RNN + DBN beat tracker (Böck et al.), one per line, for compare.sh.
madmom_compat carries the small Python 3.10 and numpy 2 fixes it needs."""
import sys

import madmom_compat  # noqa: F401  (before madmom)
from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor  # noqa: E402

activations = RNNBeatProcessor()(sys.argv[1])
for t in DBNBeatTrackingProcessor(fps=100)(activations):
    print(f"{t:.3f}")
