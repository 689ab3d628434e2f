"""madmom 0.16.1 from PyPI predates Python 3.10 and numpy 2; importing this module first applies
the small aliases it needs (collections ABCs, numpy's removed scalar names), so the installed
package stays untouched. Used by madmom_beats.py and madmom_downbeats.py."""
import collections
import collections.abc

import numpy as np

for name in ("MutableSequence", "MutableMapping", "Sequence", "Mapping", "Iterable", "Callable"):
    if not hasattr(collections, name):
        setattr(collections, name, getattr(collections.abc, name))
for name, value in (("float", float), ("int", int), ("complex", complex), ("bool", bool), ("object", object)):
    if name not in np.__dict__:
        setattr(np, name, value)
