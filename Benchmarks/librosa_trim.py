"""librosa.effects.trim (top_db=50 below the peak) on a file, written with soundfile: the peer for
`seed trim --silence`."""
import sys
import librosa
import soundfile

y, sr = librosa.load(sys.argv[1], sr=None, mono=False)
trimmed, _ = librosa.effects.trim(y, top_db=50)
soundfile.write(sys.argv[2], trimmed.T, sr)
