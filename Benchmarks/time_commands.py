"""Times seed's commands and the peers' equivalents on the same files; prints a table with ratios.

Each job is the same work at the same quality: soxr HQ (20-bit) is what `sox rate -h` and
ffmpeg's soxr at precision 20 use. MP3: seed and the lame CLI both run LAME at -q 3 (its
default); ffmpeg and sox choose their own LAME quality (not verified), so lame is the like-for-like peer."""
import os, shutil, statistics, subprocess, sys, time

work, seed = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
w = lambda name: os.path.join(work, name)
o = lambda name: os.path.join(work, "out_" + name)

jobs = [
    ("decode FLAC → WAV", [seed, "encode", w("in.flac"), "-o", o("seed.wav"), "--force", "--quiet"], [
        ("sox", ["sox", w("in.flac"), o("sox.wav")]),
        ("ffmpeg", ["ffmpeg", "-v", "error", "-y", "-i", w("in.flac"), o("ff.wav")])]),
    ("decode MP3 → WAV", [seed, "encode", w("in.mp3"), "-o", o("seed.wav"), "--force", "--quiet"], [
        ("sox", ["sox", w("in.mp3"), o("sox.wav")]),
        ("ffmpeg", ["ffmpeg", "-v", "error", "-y", "-i", w("in.mp3"), o("ff.wav")]),
        ("lame", ["lame", "--quiet", "--decode", w("in.mp3"), o("lame.wav")])]),
    ("resample 44.1→48 kHz HQ", [seed, "resample", w("in.wav"), "--rate", "48000", "-o", o("seed48.wav"), "--force", "--quiet"], [
        ("sox", ["sox", w("in.wav"), o("sox48.wav"), "rate", "-h", "48000"]),
        ("ffmpeg", ["ffmpeg", "-v", "error", "-y", "-i", w("in.wav"), "-af", "aresample=resampler=soxr:precision=20", "-ar", "48000", o("ff48.wav")])]),
    ("resample 44.1→48 kHz VHQ", [seed, "resample", w("in.wav"), "--rate", "48000", "--quality", "vhq", "-o", o("seed48.wav"), "--force", "--quiet"], [
        ("sox", ["sox", w("in.wav"), o("sox48.wav"), "rate", "-v", "48000"]),
        ("ffmpeg", ["ffmpeg", "-v", "error", "-y", "-i", w("in.wav"), "-af", "aresample=resampler=soxr:precision=28", "-ar", "48000", o("ff48.wav")])]),
    ("MP3 encode 192k CBR", [seed, "encode", w("in.wav"), "-o", o("seed.mp3"), "--bitrate", "192k", "--force", "--quiet"], [
        ("lame", ["lame", "--quiet", "-b", "192", w("in.wav"), o("lame.mp3")]),
        ("ffmpeg", ["ffmpeg", "-v", "error", "-y", "-i", w("in.wav"), "-c:a", "libmp3lame", "-b:a", "192k", o("ff.mp3")]),
        ("sox", ["sox", w("in.wav"), "-C", "192", o("sox.mp3")])]),
    ("loudness + true peak", [seed, "info", w("in.wav"), "--quiet"], [
        ("ffmpeg ebur128", ["ffmpeg", "-v", "error", "-nostats", "-i", w("in.wav"), "-af", "ebur128=peak=true", "-f", "null", "-"])]),
    # seed measures, renders with its limiter and re-measures what it wrote (more passes when the
    # limiter changed the loudness); ffmpeg's loudnorm measures, then renders once.
    ("normalize -14 LUFS, TP -1", [seed, "normalize", w("in.wav"), "--lufs", "-14", "-o", o("seed_norm.wav"), "--force", "--quiet"], [
        ("ffmpeg loudnorm 2-pass", [sys.executable, os.path.join(here, "loudnorm2.py"), w("in.wav"), o("ff_norm.wav"), "-14", "-1"])]),
    ("peak normalize -1 dBFS", [seed, "normalize", w("in.wav"), "--peak", "-1", "-o", o("seed_peak.wav"), "--force", "--quiet"], [
        ("sox --norm=-1", ["sox", "--norm=-1", w("in.wav"), o("sox_peak.wav")])]),
    ("trim silence (5 s each end)", [seed, "trim", w("padded.wav"), "--silence", "-o", o("seed_trim.wav"), "--force", "--quiet"], [
        ("sox silence", ["sox", w("padded.wav"), o("sox_trim.wav"), "silence", "1", "0.01", "-50d", "reverse", "silence", "1", "0.01", "-50d", "reverse"]),
        ("librosa trim", [sys.executable, os.path.join(here, "librosa_trim.py"), w("padded.wav"), o("librosa_trim.wav")])]),
    ("beats of a 3-minute song", [seed, "beats", w("in.wav"), "--format", "txt", "-q"], [
        ("aubio beat", ["aubio", "beat", w("in.wav")]),
        ("librosa beat_track", [sys.executable, os.path.join(here, "librosa_beats.py"), w("in.wav")])]),
    # No peer chooses a window; sox cutting a fixed 30 s with fades is the floor of the work.
    ("best 30 s window", [seed, "trim", w("in.wav"), "--best", "30s", "-o", o("seed_best.wav"), "--force", "--quiet"], [
        ("sox fixed trim+fade", ["sox", w("in.wav"), o("sox_best.wav"), "trim", "60", "30", "fade", "0.02", "30", "0.02"])]),
    # prepare does more than the nearest sox chain: best window on bars, R128 loudness with a
    # true-peak limiter, beats, sha256 and a sidecar; sox cuts a fixed 30 s, peak-normalizes,
    # resamples, fades and encodes the same 256 kbit/s MP3.
    ("prepare (clip + sidecar)", [seed, "prepare", w("in.wav"), "-o", w("prep"), "--force", "--quiet"], [
        ("sox trim+norm+rate+fade → MP3", ["sox", w("in.wav"), "-C", "256", o("sox_prep.mp3"), "trim", "60", "30", "norm", "-1",
                                           "rate", "44100", "fade", "0.02", "30", "0.02"])]),
]
only = sys.argv[3] if len(sys.argv) > 3 else None


def timed(cmd, runs=5):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    t = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t.append(time.perf_counter() - start)
    return statistics.median(t)


print("| job | seed s | peers (s) | seed / fastest peer |")
print("|---|---|---|---|")
for name, seed_cmd, peers in jobs:
    if only and only not in name:
        continue
    s = timed(seed_cmd)
    times = []
    for label, cmd in peers:
        if shutil.which(cmd[0]) is None:
            continue
        if cmd[1].endswith(("librosa_trim.py", "librosa_beats.py")) and subprocess.run([sys.executable, "-c", "import librosa"], capture_output=True).returncode:
            continue  # librosa is optional
        try:
            times.append((label, timed(cmd)))
        except subprocess.CalledProcessError:
            times.append((label, None))
    ok = [t for _, t in times if t]
    peer_text = ", ".join(f"{l} {t:.3f}" if t else f"{l} failed" for l, t in times)
    ratio = f"{s / min(ok):.2f}" if ok else "-"
    print(f"| {name} | {s:.3f} | {peer_text} | {ratio} |")
