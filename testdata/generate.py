#!/usr/bin/env python3
"""Generates seed's synthetic test fixtures deterministically (standard library only).

Every signal has a known answer, written to testdata/fixtures.json: click tracks at known tempi,
sine tones and bursts at known times and levels, a hum-like vocal take with a known melodic
region, silence, and the broken files (truncated, empty, NaN, not audio).
Run: python3 testdata/generate.py   (rewrites the files byte for byte identically)
"""
import json, math, os, random, struct, wave

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "synthetic")
TAU = 2 * math.pi


def write_pcm16(name, rate, channels, frames):
    """frames: list of per-frame tuples (or floats for mono) in [-1, 1]."""
    path = os.path.join(OUT, name)
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        data = bytearray()
        for fr in frames:
            for v in (fr if channels > 1 else (fr,)):
                data += struct.pack("<h", max(-32768, min(32767, int(round(v * 32767)))))
        w.writeframes(bytes(data))
    return path


def write_float32(name, rate, samples):
    """Mono IEEE float WAV (format tag 3), written by hand so NaN/Inf survive."""
    data = b"".join(struct.pack("<f", v) for v in samples)
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    fact = struct.pack("<I", len(samples))
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"fact" + struct.pack("<I", 4) + fact
    body += b"data" + struct.pack("<I", len(data)) + data
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def click_track(bpm, beats_per_bar, seconds, rate=44100):
    """Decaying 1.5 kHz clicks (downbeats 3 kHz, louder) starting at 0.5 s."""
    n = int(seconds * rate)
    out = [0.0] * n
    period = 60.0 / bpm
    beats, t, k = [], 0.5, 0
    while t < seconds - 0.05:
        down = k % beats_per_bar == 0
        f, amp = (3000.0, 0.8) if down else (1500.0, 0.5)
        start = int(round(t * rate))
        for i in range(int(0.03 * rate)):
            if start + i < n:
                out[start + i] += amp * math.exp(-i / (0.005 * rate)) * math.sin(TAU * f * i / rate)
        beats.append({"time": round(start / rate, 6), "beat": k % beats_per_bar + 1})
        k += 1
        t = 0.5 + k * period
    return out, beats


def hum_note(rate, seconds, f0, rng, amp=0.3):
    """A sung-like tone: harmonics with falling amplitude, 5.5 Hz vibrato, soft attack/release."""
    n = int(seconds * rate)
    phase, out = 0.0, []
    for i in range(n):
        t = i / rate
        f = f0 * (1 + 0.01 * math.sin(TAU * 5.5 * t))
        phase += TAU * f / rate
        env = min(1.0, t / 0.06, (seconds - t) / 0.08)
        v = sum(math.sin(h * phase) / (h * h) for h in range(1, 6))
        out.append(amp * env * v + 0.002 * (rng.random() - 0.5))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(20261121)
    known = {}

    for bpm, meter, secs in [(120, 4, 8.0), (90, 3, 8.0)]:
        samples, beats = click_track(bpm, meter, secs)
        name = f"click_{bpm}bpm_{meter}4.wav"
        write_pcm16(name, 44100, 1, samples)
        known[name] = {"bpm": bpm, "beats_per_bar": meter, "beats": beats}

    # 1 kHz at -20 dBFS peak, stereo 48 kHz.
    amp = 10 ** (-20 / 20)
    write_pcm16("sine_1k_-20dBFS_48k_stereo.wav", 48000, 2,
                [(amp * math.sin(TAU * 1000 * i / 48000),) * 2 for i in range(2 * 48000)])
    known["sine_1k_-20dBFS_48k_stereo.wav"] = {"frequency": 1000, "peak_dbfs": -20, "seconds": 2}

    # 440 Hz bursts at known times, 0.5 s each, -6 dBFS, in 6 s of silence.
    rate, bursts = 22050, [1.0, 2.5, 4.0]
    s = [0.0] * (6 * rate)
    for b in bursts:
        for i in range(int(0.5 * rate)):
            s[int(b * rate) + i] = 0.5 * math.sin(TAU * 440 * i / rate)
    write_pcm16("bursts_440hz_22k.wav", rate, 1, s)
    known["bursts_440hz_22k.wav"] = {"frequency": 440, "starts": bursts, "length": 0.5, "peak_dbfs": -6.02}

    # Hum-like take: 4 s room noise, 2 s silence, 12 s melody, 3 s speech-like bursts, 1 s cough.
    rate = 22050
    take = [0.01 * (rng.random() - 0.5) for _ in range(4 * rate)] + [0.0] * (2 * rate)
    melody_start = len(take) / rate
    for f0, d in [(220, 1.5), (247, 1.0), (262, 1.5), (294, 2.0), (262, 1.0), (247, 1.5), (220, 2.0), (196, 1.5)]:
        take += hum_note(rate, d, f0, rng)
    melody_end = len(take) / rate
    for _ in range(6):  # unpitched, syllable-rate noise bursts
        take += [0.2 * (rng.random() - 0.5) * math.sin(math.pi * i / (0.3 * rate)) for i in range(int(0.3 * rate))]
        take += [0.0] * int(0.2 * rate)
    take += [0.6 * (rng.random() - 0.5) * math.exp(-i / (0.04 * rate)) for i in range(rate)]  # cough/click
    write_pcm16("hum_like_22k.wav", rate, 1, take)
    known["hum_like_22k.wav"] = {"melody_start": melody_start, "melody_end": round(melody_end, 6),
                                 "seconds": round(len(take) / rate, 6)}

    # 5.1 at 96 kHz: one tone per channel (L R C LFE Ls Rs).
    freqs = [300, 500, 700, 60, 900, 1100]
    write_pcm16("tones_5.1_96k.wav", 96000, 6,
                [tuple(0.2 * math.sin(TAU * f * i / 96000) for f in freqs) for i in range(48000)])
    known["tones_5.1_96k.wav"] = {"channel_frequencies": freqs, "seconds": 0.5}

    write_pcm16("silence_3s.wav", 44100, 1, [0.0] * (3 * 44100))

    # Broken inputs.
    src = open(os.path.join(OUT, "bursts_440hz_22k.wav"), "rb").read()
    open(os.path.join(OUT, "truncated.wav"), "wb").write(src[: len(src) // 3])
    open(os.path.join(OUT, "empty.wav"), "wb").close()
    nan = [0.1 * math.sin(TAU * 440 * i / 8000) for i in range(8000)]
    nan[4000] = float("nan")
    write_float32("nan_samples.wav", 8000, nan)
    inf = list(nan)
    inf[4000] = 0.0
    inf[6000] = float("inf")
    write_float32("inf_samples.wav", 8000, inf)
    open(os.path.join(OUT, "not_audio.wav"), "wb").write(b"This is a text file with a .wav name.\n" * 20)
    known["nan_samples.wav"] = {"first_bad_seconds": 0.5}
    known["inf_samples.wav"] = {"first_bad_seconds": 0.75}

    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(known, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
