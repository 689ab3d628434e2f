"""librosa.beat.beat_track on a file, beat times printed one per line: the librosa peer for `seed beats`."""
import sys
import librosa

y, sr = librosa.load(sys.argv[1], sr=22050, mono=True)
_, beats = librosa.beat.beat_track(y=y, sr=sr, units="time")
print("\n".join(f"{t:.3f}" for t in beats))
