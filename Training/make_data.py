#!/usr/bin/env python3
"""Generates the beat network's training (and validation) data: MIDI written here, rendered by
fluidsynth, augmented with pedalboard, labelled from the MIDI only.

    python3 Training/make_data.py OUT_DIR [--split train|valid] [--count N] [--jobs 2]

Each excerpt <id> gives <id>.wav (22.05 kHz mono) and <id>.json (beat times, downbeat flags,
category). Music comes from a generator of band and ensemble parts in many styles and meters
over steady, ramping, jumping, drifting and rubato tempo maps with humanised timing; non-music
(noise, espeak-ng speech, room sounds, coughs and taps at random times, free-time solo melodies,
near-silence) has no beats. The training split renders with MuseScore_General, TimGM6mb and
OPL-3; the validation split uses the csound GM bank (held out), its own seed and styles.
FluidR3_GM (the beatset's soundfont) and the works in ../shared/beatset/EXCLUDE.txt are never
used.
"""
import argparse
import functools
import json
import math
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor

import mido
import numpy as np
import soundfile as sf

SR = 22050
EXCERPT = 30.0
GAP = 4.0            # seconds between excerpts in one rendered file (reverb tails die out)
PPQ = 960            # at 120 BPM: 1920 ticks a second, ~0.5 ms resolution

SOUNDFONTS = {
    'train': ['/usr/share/sounds/sf3/MuseScore_General_Full.sf3', '/usr/share/sounds/sf2/TimGM6mb.sf2',
              '/usr/share/sounds/sf2/OPL-3_FM_128M.sf2'],
    'valid': ['/usr/share/sounds/sf2/sf_GMbank.sf2'],
}
SF_WEIGHTS = {'train': [0.55, 0.33, 0.12], 'valid': [1.0]}
# A sample set of another kind, rendered by TiMidity++ (--freepats): FreePats' GUS patches, with
# 72 of the 128 General MIDI programs; the others play the nearest program of their family.
FREEPATS = '/etc/timidity/freepats.cfg'


@functools.cache
def freepats_programs(cfg=FREEPATS):
    """The melodic programs FreePats has (bank 0 of its TiMidity++ configuration)."""
    have, section = [], None
    for line in open(cfg):
        line = line.split('#')[0].strip()
        if line.startswith(('drumset', 'bank')):
            section = line.split()[0]
        elif section == 'bank' and line[:1].isdigit():
            have.append(int(line.split()[0]))
    return tuple(have)


@functools.cache
def program_map(have):
    """Each General MIDI program to itself where present, else to the nearest present one of its
    family of eight (strings to strings, organs to organs), else to the nearest at all."""
    out = {}
    for p in range(128):
        family = [q for q in have if q // 8 == p // 8]
        out[p] = min(family or have, key=lambda q: (abs(q - p), q))
    return out

# General MIDI drum keys.
KICK, SNARE, RIM, CLAP, HAT, PEDAL, OPEN, RIDE, CRASH, TOM_L, TOM_H, COWBELL, CLAVE, CONGA_H, CONGA_L, SHAKER, TAMB = \
    36, 38, 37, 39, 42, 44, 46, 51, 49, 45, 50, 56, 75, 63, 64, 70, 54

# ---------------------------------------------------------------------------------------------
# Styles: meter, tempo range, drum grid (steps per beat `sub`), parts.
# ---------------------------------------------------------------------------------------------

def P(s):
    return [i for i, c in enumerate(s) if c == 'x'], [i for i, c in enumerate(s) if c == 'o']


STYLES = {
    # name: bpb, sub, bpm range, drum lines {key: pattern over one bar}, swing, comp rhythm, bass rhythm
    'rock':    dict(bpb=4, sub=4, bpm=(90, 150), drums={KICK: 'x.......x.x.....', SNARE: '....x.......x...', HAT: 'x.x.x.x.x.x.x.x.'}, comp='8ths', bass='8ths'),
    'pop':     dict(bpb=4, sub=4, bpm=(85, 130), drums={KICK: 'x......x..x.....', SNARE: '....x.......x...', HAT: 'xxxxxxxxxxxxxxxx'}, comp='pop', bass='pop'),
    'punk':    dict(bpb=4, sub=2, bpm=(155, 200), drums={KICK: 'x...x...', SNARE: '..x...x.', HAT: 'xxxxxxxx'}, comp='8ths', bass='8ths'),
    'metal':   dict(bpb=4, sub=4, bpm=(90, 180), drums={KICK: 'x.x.x.x.x.x.x.x.', SNARE: '....x.......x...', CRASH: 'x...............', RIDE: 'x...x...x...x...'}, comp='power', bass='8ths', distort=True),
    'house':   dict(bpb=4, sub=4, bpm=(118, 130), drums={KICK: 'x...x...x...x...', CLAP: '....x.......x...', OPEN: '..x...x...x...x.', HAT: 'xx.xxx.xxx.xxx.x'}, comp='offbeat', bass='offbeat'),
    'techno':  dict(bpb=4, sub=4, bpm=(124, 145), drums={KICK: 'x...x...x...x...', HAT: '..x...x...x...x.', RIM: '......x.......x.'}, comp='stab', bass='16ths'),
    'dnb':     dict(bpb=4, sub=4, bpm=(160, 178), drums={KICK: 'x.........x.....', SNARE: '....x.......x...', HAT: 'x.x.x.x.x.x.x.x.'}, comp='pad', bass='long'),
    'hiphop':  dict(bpb=4, sub=4, bpm=(80, 100), drums={KICK: 'x......x..x.....', SNARE: '....x.......x...', HAT: 'x.x.x.x.x.x.x.x.'}, swing=0.6, comp='stab', bass='pop'),
    'funk':    dict(bpb=4, sub=4, bpm=(92, 118), drums={KICK: 'x..x..x...x..x..', SNARE: '....x..o.o..x...', HAT: 'xxxxxxxxxxxxxxxx'}, comp='funk', bass='funk'),
    'disco':   dict(bpb=4, sub=4, bpm=(110, 132), drums={KICK: 'x...x...x...x...', SNARE: '....x.......x...', OPEN: '..x...x...x...x.', HAT: 'x.x.x.x.x.x.x.x.'}, comp='8ths', bass='octave'),
    'reggae':  dict(bpb=4, sub=4, bpm=(66, 90), drums={KICK: '........x.......', RIM: '........x.......', HAT: 'x.x.x.x.x.x.x.x.'}, comp='offbeat', bass='pop'),
    'bossa':   dict(bpb=4, sub=4, bpm=(110, 145), drums={KICK: 'x..xx..xx..xx..x', RIM: 'x..x..x...x..x..', SHAKER: 'xxxxxxxxxxxxxxxx'}, comp='bossa', bass='bossa'),
    'country': dict(bpb=4, sub=4, bpm=(100, 160), drums={KICK: 'x.......x.......', SNARE: '....x.......x...', SHAKER: 'x.xxx.xxx.xxx.xx'}, comp='strum', bass='twobeat'),
    'shuffle': dict(bpb=4, sub=3, bpm=(80, 135), drums={KICK: 'x.....x.....', SNARE: '...x.....x..', HAT: 'x.xx.xx.xx.x'}, comp='shuffle', bass='walk'),
    'swing':   dict(bpb=4, sub=3, bpm=(110, 220), drums={RIDE: 'x..x.xx..x.x', PEDAL: '...x.....x..', KICK: 'x...........'}, comp='charleston', bass='walk'),
    'waltz':   dict(bpb=3, sub=4, bpm=(90, 180), drums={KICK: 'x...........', SNARE: '....x...x...', HAT: 'x.x.x.x.x.x.'}, comp='waltz', bass='waltz'),
    'ballad68': dict(bpb=2, sub=3, bpm=(40, 70), drums={KICK: 'x.....', SNARE: '...x..', HAT: 'xxxxxx'}, comp='arp68', bass='long'),
    'blues128': dict(bpb=4, sub=3, bpm=(50, 80), drums={KICK: 'x.....x.....', SNARE: '...x.....x..', HAT: 'xxxxxxxxxxxx'}, comp='arp68', bass='walk'),
    'march':   dict(bpb=2, sub=4, bpm=(100, 125), drums={KICK: 'x...x...', SNARE: 'x.xxx.x.', CRASH: 'x.......'}, comp='oompah', bass='twobeat'),
    # A metronome or click track alone (a take recorded against one, a drum machine's count-in).
    'click44': dict(bpb=4, sub=1, bpm=(60, 200), drums={34: 'x...', 33: '.xxx'}, comp='pad', bass='long', only_drums=True),
    'click34': dict(bpb=3, sub=1, bpm=(60, 200), drums={34: 'x..', 33: '.xx'}, comp='pad', bass='long', only_drums=True),
    'trap':    dict(bpb=4, sub=4, bpm=(130, 160), drums={KICK: 'x......x..x..x..', SNARE: '........x.......', HAT: 'xxxxxxxxxxxxxxxx', OPEN: '..............x.'}, comp='pad', bass='long'),
    'afro':    dict(bpb=4, sub=4, bpm=(100, 125), drums={KICK: 'x.....x...x.....', SNARE: '....x.......x...', COWBELL: 'x.x.xx.x.x.xx.x.', CONGA_H: '..x...x...x...x.'}, comp='funk', bass='funk'),
    # valid-only styles (never in training): samba-ish 2/4, polka, a 3/4 jazz waltz, soca
    'polka':   dict(bpb=2, sub=4, bpm=(110, 150), drums={KICK: 'x...x...', SNARE: '..x...x.'}, comp='oompah', bass='twobeat'),
    'jazzwaltz': dict(bpb=3, sub=3, bpm=(120, 190), drums={RIDE: 'x..x.xx.x', PEDAL: '...x..x..'}, comp='waltz', bass='walk'),
    'soca':    dict(bpb=4, sub=4, bpm=(120, 150), drums={KICK: 'x...x...x...x...', SNARE: '...x..x....x..x.', HAT: 'xxxxxxxxxxxxxxxx'}, comp='offbeat', bass='octave'),
}
VALID_ONLY = {'polka', 'jazzwaltz', 'soca'}

ENSEMBLES = {
    # No drums: bpb, sub, bpm range, texture
    'piano_alberti': dict(bpb=4, sub=4, bpm=(70, 140), texture='alberti', programs=[0, 1, 2, 4]),
    'piano_waltz':   dict(bpb=3, sub=2, bpm=(80, 190), texture='waltz', programs=[0, 1, 2]),
    'piano_ballad':  dict(bpb=4, sub=2, bpm=(55, 90), texture='arp', programs=[0, 1, 4, 5]),
    'strings_quartet': dict(bpb=4, sub=2, bpm=(60, 150), texture='chorale', programs=[40, 41, 42, 48, 49]),
    'strings_fast':  dict(bpb=2, sub=4, bpm=(90, 150), texture='motor', programs=[40, 41, 45, 48, 49]),
    'organ_chorale': dict(bpb=4, sub=1, bpm=(55, 100), texture='chorale', programs=[19, 20, 16]),
    'guitar_pick':   dict(bpb=4, sub=4, bpm=(70, 130), texture='alberti', programs=[24, 25]),
    'jig68':         dict(bpb=2, sub=3, bpm=(90, 125), texture='jig', programs=[73, 71, 40, 21, 22]),
    'winds_38':      dict(bpb=3, sub=2, bpm=(60, 110), texture='chorale', programs=[68, 70, 71, 60, 57]),
    # One instrument alone, in time (a fiddle tune, a pizzicato line, a sax riff): the beat must
    # come from the timing, since free-time solo lines (NEGATIVES) use the same instruments.
    'solo_line':     dict(bpb=None, sub=None, bpm=(60, 180), texture='line',
                          programs=[110, 45, 40, 41, 42, 56, 57, 64, 65, 66, 68, 71, 72, 73, 74, 75, 78, 104, 105, 106,
                                    24, 25, 0, 6, 11, 13, 21, 22, 52, 53, 80, 81]),
    # valid only
    'harp_waltz':    dict(bpb=3, sub=2, bpm=(70, 140), texture='waltz', programs=[46, 6]),
    'brass_chorale': dict(bpb=4, sub=1, bpm=(60, 100), texture='chorale', programs=[61, 57, 58]),
}
VALID_ONLY |= {'harp_waltz', 'brass_chorale'}

# music21 corpus collections the generator draws works from (never one in EXCLUDE.txt), with
# the beat tempo range for each.
CORPUS = {'bach': (55, 100), 'beethoven': (60, 150), 'mozart': (70, 150), 'haydn': (70, 150), 'schumann_robert': (60, 130),
          'ryansMammoth': (85, 125), 'oneills1850': (85, 125), 'essenFolksong': (70, 130), 'monteverdi': (55, 90)}
CORPUS_PROGRAMS = [[40, 41, 42, 42], [48, 48, 48, 48], [0, 0, 0, 0], [19, 19, 19, 19], [73, 71, 70, 70], [52, 52, 53, 53],
                   [6, 6, 6, 6], [24, 24, 24, 24], [21, 21, 21, 21], [68, 69, 70, 71], [56, 60, 57, 58], [11, 12, 0, 32]]

# Plucked and struck voicings (--plucked; run.sh makes a validation set of them): a pizzicato
# ensemble, guitars, banjo, koto, dulcimer, mallets, celesta. Their notes die away at once, so
# the beat is only in the onsets' timing, as in the random taps among the non-music. No harp:
# the validation split's harp waltz has it.
PLUCKED_CORPUS = [[45, 45, 45, 45], [45, 45, 45, 32], [24, 25, 24, 25], [105, 24, 25, 32], [107, 107, 107, 107],
                  [15, 15, 15, 15], [12, 13, 11, 12], [8, 10, 8, 10], [6, 45, 45, 45], [104, 106, 107, 45]]
PLUCKED = [45, 24, 25, 105, 107, 15, 12, 13, 11, 8, 10, 104, 106]

NEGATIVES = ['noise', 'speech', 'speech_room', 'room', 'coughs', 'taps', 'free_melody', 'free_voice',
             'quiet', 'chirps']

MAJOR = [0, 2, 4, 5, 7, 9, 11]
MINOR = [0, 2, 3, 5, 7, 8, 10]
PROGRESSIONS = [[0, 4, 5, 3], [0, 5, 3, 4], [0, 3, 4, 4], [5, 3, 0, 4], [0, 0, 3, 4], [0, 3, 0, 4],
                [1, 4, 0, 0], [0, 6, 5, 4], [0, 4, 3, 3]]


# ---------------------------------------------------------------------------------------------
# Tempo maps: beat k at time T[k].
# ---------------------------------------------------------------------------------------------

def beat_grid(rng, bpm, seconds, kind):
    """Beat times from 0 until past `seconds`; returns times and the tempo-map kind used."""
    t, times, k = 0.0, [], 0
    jump_at = rng.uniform(6, seconds - 6)
    ratio = rng.choice([0.8, 0.87, 1.15, 1.25])
    ramp_to = bpm * rng.uniform(0.75, 1.3)
    phrase = rng.choice([4, 8, 16])
    depth = rng.uniform(0.05, 0.18)
    walk = 0.0
    while t < seconds + 3:
        times.append(t)
        b = bpm
        if kind == 'ramp':
            b = bpm + (ramp_to - bpm) * min(1, t / seconds)
        elif kind == 'jump':
            b = bpm * (ratio if t > jump_at else 1)
        elif kind == 'drift':
            walk = 0.97 * walk + rng.normal(0, 0.012)
            b = bpm * (1 + walk)
        elif kind == 'rubato':
            u = (k % phrase) / phrase
            b = bpm * (1 + depth * math.sin(math.pi * u) - 1.5 * depth * max(0, (u - 0.75) / 0.25) ** 2
                       + rng.normal(0, depth / 3))
        t += 60 / max(25, b)
        k += 1
    return np.array(times)


def at(times, pos):
    """Time of fractional beat position `pos`."""
    k = int(math.floor(pos))
    if k + 1 >= len(times):
        return times[-1] + (pos - (len(times) - 1)) * (times[-1] - times[-2])
    return times[k] + (pos - k) * (times[k + 1] - times[k])


class Song:
    def __init__(self):
        self.notes = []       # (on, off, channel, pitch, velocity), seconds
        self.programs = {}    # channel -> program
        self.volumes = {}

    def add(self, on, off, ch, pitch, vel):
        if off > on and 0 <= pitch < 128:
            self.notes.append((on, off, ch, int(pitch), int(max(1, min(127, vel)))))


# ---------------------------------------------------------------------------------------------
# Music generators.
# ---------------------------------------------------------------------------------------------

def chords_for(rng, bars, minor):
    scale = MINOR if minor else MAJOR
    prog = PROGRESSIONS[rng.integers(len(PROGRESSIONS))]
    per = rng.choice([1, 1, 2])   # bars per chord
    out = []
    for b in range(bars):
        deg = prog[(b // per) % len(prog)]
        root = scale[deg]
        third = scale[(deg + 2) % 7] + (12 if (deg + 2) >= 7 else 0)
        fifth = scale[(deg + 4) % 7] + (12 if (deg + 4) >= 7 else 0)
        out.append((root, third, fifth))
    return out


def jitter(rng, sd):
    return rng.normal(0, sd) if sd > 0 else 0.0


def make_band(rng, style, tempo_kind, split):
    st = STYLES[style]
    bpb, sub = st['bpb'], st['sub']
    bpm = rng.uniform(*st['bpm'])
    times = beat_grid(rng, bpm, EXCERPT, tempo_kind)
    nbeats = len(times) - 2
    bars = nbeats // bpb + 1
    offset = int(rng.integers(bpb))                 # excerpt may start mid-bar
    song = Song()
    human = rng.choice([0, 0.004, 0.008, 0.015])
    swing = st.get('swing', 0) if rng.random() < 0.7 else rng.choice([0, 0.55, 0.62])
    key = int(rng.integers(12))
    minor = rng.random() < 0.4
    chords = chords_for(rng, bars + 2, minor)
    scale = MINOR if minor else MAJOR

    def step_time(bar, s):
        pos = (bar * bpb * sub + s) / sub - offset
        if swing and sub in (2, 4) and s % 2 == 1:
            pos += (swing - 0.5) * 2 / sub
        return at(times, pos)

    # Drums (channel 9), with fills at every 4th/8th bar end and occasional drop-outs.
    kit = {}
    song.programs[9] = int(rng.choice([0, 0, 8, 16, 24, 25, 32, 40, 48] + ([48, 48] if style == 'march' else [])))
    drop = rng.random() < 0.15
    for bar in range(-1, bars + 1):
        silent = drop and (bar % 8) in (4, 5)
        for key_, pat in st['drums'].items():
            hits, ghosts = P(pat)
            for s in hits + ghosts:
                if silent and key_ != HAT:
                    continue
                vel = (100 if s in hits else 45) + rng.integers(-15, 15)
                if s % sub == 0:
                    vel += 10
                t = step_time(bar, s) + jitter(rng, human)
                song.add(t, t + 0.08, 9, key_, vel)
        if bar % 4 == 3 and rng.random() < 0.5:   # fill on the last beat
            for s in range(bpb * sub - sub, bpb * sub):
                t = step_time(bar, s) + jitter(rng, human)
                song.add(t, t + 0.08, 9, int(rng.choice([SNARE, TOM_L, TOM_H])), 90 + rng.integers(-10, 20))
        if bar % 8 == 0 and rng.random() < 0.5:
            t = step_time(bar, 0)
            song.add(t, t + 0.5, 9, CRASH, 100)

    if st.get('only_drums'):
        return song, times, offset, bpb
    # Bass (channel 1).
    song.programs[1] = int(rng.choice([32, 33, 34, 35, 36, 38, 39, 43]))
    for bar in range(-1, bars + 1):
        root = key + 36 + chords[max(0, bar)][0]
        fifth = key + 36 + chords[max(0, bar)][2]
        pattern = st['bass']
        if pattern == '8ths':
            steps = [(s, root) for s in range(0, bpb * sub, max(1, sub // 2))]
        elif pattern == '16ths':
            steps = [(s, root if s % 2 == 0 else root + 12) for s in range(0, bpb * sub)]
        elif pattern == 'offbeat':
            steps = [(b * sub + sub // 2, root) for b in range(bpb)]
        elif pattern == 'octave':
            steps = [(s, root + (12 if (s // max(1, sub // 2)) % 2 else 0)) for s in range(0, bpb * sub, max(1, sub // 2))]
        elif pattern == 'funk':
            steps = [(s, root + (12 if s in (3, 10) else 0)) for s in (0, 3, 6, 8, 10, 14) if s < bpb * sub]
        elif pattern == 'bossa':
            steps = [(0, root), (3, fifth), (4, fifth), (8, root), (11, fifth), (12, fifth)]
        elif pattern == 'twobeat':
            steps = [(b * sub, root if b % 2 == 0 else fifth - 12) for b in range(bpb)]
        elif pattern == 'waltz':
            steps = [(0, root)]
        elif pattern == 'walk':
            walk = [root, root + scale[2 % 7] - scale[0], fifth, root + 9 if bpb == 4 else fifth]
            steps = [(b * sub, walk[b % 4]) for b in range(bpb)]
        elif pattern == 'long':
            steps = [(0, root)] if bpb < 4 else [(0, root), (2 * sub + sub // 2 if sub > 1 else 2, root)]
        else:  # pop
            steps = [(0, root), (sub * 1 + sub // 2, root), (sub * 2, fifth - 12 if fifth - 12 > 28 else root)]
        for s, p in steps:
            if s >= bpb * sub:
                continue
            t = step_time(bar, s) + jitter(rng, human)
            song.add(t, t + 60 / bpm * 0.45, 1, p, 95 + rng.integers(-12, 12))

    # Comping (channel 2) and a second layer (channel 3) sometimes.
    comp_programs = [0, 4, 5, 16, 17, 24, 25, 26, 27, 29, 30, 48, 50, 61, 62, 80, 81, 88, 89, 90]
    if st.get('distort'):
        comp_programs = [29, 30]
    song.programs[2] = int(rng.choice(comp_programs))
    for bar in range(-1, bars + 1):
        ch = chords[max(0, bar)]
        voicing = [key + 60 + ch[0], key + 60 + ch[1], key + 60 + ch[2]]
        if song.programs[2] in (29, 30):
            voicing = [key + 48 + ch[0], key + 48 + ch[0] + 7]
        comp = st['comp']
        if comp == '8ths':
            hits = list(range(0, bpb * sub, max(1, sub // 2)))
        elif comp == 'power':
            hits = list(range(0, bpb * sub, 2))
        elif comp == 'offbeat':
            hits = [b * sub + sub // 2 for b in range(bpb)]
        elif comp == 'stab':
            hits = [0, 6] if sub == 4 else [0]
        elif comp == 'funk':
            hits = [s for s in (0, 2, 5, 7, 10, 13) if s < bpb * sub]
        elif comp == 'bossa':
            hits = [0, 3, 6, 10, 12]
        elif comp == 'strum':
            hits = [b * sub for b in range(bpb)] + [b * sub + sub // 2 for b in range(1, bpb, 2)]
        elif comp == 'shuffle':
            hits = [b * sub + (0 if b % 2 == 0 else 2) for b in range(bpb)]
        elif comp == 'charleston':
            hits = [0, 5]
        elif comp == 'waltz':
            hits = [sub, 2 * sub]
        elif comp == 'oompah':
            hits = [b * sub + sub // 2 for b in range(bpb)]
        elif comp == 'arp68':
            hits = list(range(bpb * sub))
        elif comp == 'pad':
            hits = [0]
        else:  # pop
            hits = [0, sub, sub * 2 + sub // 2, sub * 3] if bpb == 4 else [0]
        for i, s in enumerate(hits):
            if s >= bpb * sub:
                continue
            t = step_time(bar, s) + jitter(rng, human)
            length = 60 / bpm * (bpb if comp == 'pad' else 0.4)
            notes = [voicing[i % len(voicing)]] if comp == 'arp68' else voicing
            for p in notes:
                song.add(t, t + length, 2, p, 70 + rng.integers(-12, 12))

    # Melody (channel 4), most of the time.
    if rng.random() < 0.7:
        song.programs[4] = int(rng.choice([0, 11, 22, 26, 52, 53, 56, 64, 65, 66, 71, 73, 80, 81, 85]))
        degree, pos = 7, 0.0
        end = bars * bpb
        while pos < end:
            dur = rng.choice([0.5, 0.5, 1, 1, 1.5, 2, 0.25 if sub == 4 else 1 / 3])
            if rng.random() < 0.15:
                pos += dur
                continue
            degree = int(np.clip(degree + rng.integers(-2, 3), 0, 14))
            p = key + 60 + scale[degree % 7] + 12 * (degree // 7)
            t = at(times, pos - offset) + jitter(rng, human)
            song.add(t, at(times, pos - offset + dur) - 0.02, 4, p, 85 + rng.integers(-15, 15))
            pos += dur
    return song, times, offset, bpb


def make_ensemble(rng, name, tempo_kind, split, voicing=None):
    en = ENSEMBLES[name]
    bpb, sub = en['bpb'], en['sub']
    if bpb is None:
        bpb, sub = [(2, 2), (3, 2), (4, 2), (4, 4), (2, 3), (3, 3), (4, 3), (2, 4), (3, 4)][int(rng.integers(9))]
    bpm = rng.uniform(*en['bpm'])
    times = beat_grid(rng, bpm, EXCERPT, tempo_kind)
    bars = (len(times) - 2) // bpb + 1
    offset = int(rng.integers(bpb))
    song = Song()
    human = rng.choice([0.005, 0.01, 0.02])
    key = int(rng.integers(12))
    minor = rng.random() < 0.45
    scale = MINOR if minor else MAJOR
    chords = chords_for(rng, bars + 2, minor)
    progs = PLUCKED if voicing == 'plucked' else en['programs']
    for ch in range(4):
        song.programs[ch] = int(rng.choice(progs))

    def tpos(pos):
        return at(times, pos - offset) + jitter(rng, human)

    for bar in range(bars + 1):
        c = chords[bar]
        base = bar * bpb
        accent = lambda b: 95 if b == 0 else 72
        tex = en['texture']
        if tex == 'alberti':
            pat = [0, 2, 1, 2]
            for b in range(bpb):
                for s in range(sub):
                    i = pat[(b * sub + s) % 4]
                    p = key + 48 + c[i]
                    pos = base + b + s / sub
                    song.add(tpos(pos), tpos(pos + 1 / sub) + 0.05, 0, p, accent(b) - 10 + rng.integers(-8, 8))
        elif tex == 'arp':
            for s in range(bpb * sub):
                i = s % 3
                pos = base + s / sub
                song.add(tpos(pos), tpos(pos + 1.5), 0, key + 48 + c[i] + 12 * (s // 3 % 2), accent(s // sub) - 15)
        elif tex == 'waltz':
            song.add(tpos(base), tpos(base + 1), 0, key + 36 + c[0], 95 + rng.integers(-8, 8))
            for b in (1, 2):
                for i in range(3):
                    song.add(tpos(base + b), tpos(base + b + 0.6), 0, key + 60 + c[i], 60 + rng.integers(-8, 8))
        elif tex == 'chorale':
            for b in range(bpb):
                voices = [key + 36 + c[0], key + 48 + c[2], key + 60 + c[1], key + 64 + c[(b + bar) % 3] + 12 * (b % 2)]
                for v, p in enumerate(voices):
                    song.add(tpos(base + b), tpos(base + b + 1) - 0.03, v, p, accent(b) - 5 + rng.integers(-8, 8))
        elif tex == 'motor':
            for s in range(bpb * sub):
                pos = base + s / sub
                song.add(tpos(pos), tpos(pos + 1 / sub), 0, key + 60 + c[s % 3] + 12 * (s % 2), accent(s // sub) + (10 if s % sub == 0 else -5))
            for b in range(bpb):
                song.add(tpos(base + b), tpos(base + b + 1) - 0.02, 3, key + 36 + c[0], 90)
        elif tex == 'jig':
            degree = 7
            for s in range(bpb * sub):
                degree = int(np.clip(degree + rng.integers(-2, 3), 0, 14))
                pos = base + s / sub
                song.add(tpos(pos), tpos(pos + 1 / sub) - 0.01, 0, key + 60 + scale[degree % 7] + 12 * (degree // 7),
                         (100 if s % sub == 0 else 70) + rng.integers(-8, 8))
            for b in range(bpb):
                song.add(tpos(base + b), tpos(base + b + 0.6), 1, key + 48 + c[0], 80)
                song.add(tpos(base + b + 2 / 3), tpos(base + b + 0.95), 1, key + 48 + c[2], 60)
        elif tex == 'line':
            cells = [[1], [0.5, 0.5], [0.75, 0.25], [0.5, 0.25, 0.25], [0.25] * 4, [1.5, 0.5], [2]] if sub != 3 else \
                    [[1 / 3] * 3, [2 / 3, 1 / 3], [1], [1 / 3, 2 / 3]]
            b = 0.0
            degree = getattr(make_ensemble, 'degree', 7)
            while b < bpb - 1e-9:
                cell = cells[int(rng.integers(len(cells)))]
                if b + sum(cell) > bpb + 1e-9:
                    cell = [bpb - b]
                for d in cell:
                    degree = int(np.clip(degree + rng.integers(-3, 4), 0, 14))
                    p = key + 55 + scale[degree % 7] + 12 * (degree // 7)
                    on_beat = abs(b - round(b)) < 1e-6
                    vel = (105 if b < 1e-6 else 90 if on_beat else 68) + rng.integers(-8, 8)
                    song.add(tpos(base + b), tpos(base + b + d) - 0.02, 0, p, vel)
                    b += d
            make_ensemble.degree = degree
        # A melody over the slower textures.
        if tex in ('arp', 'chorale', 'waltz', 'alberti') and rng.random() < 0.5:
            for b in range(bpb):
                p = key + 72 + scale[int(rng.integers(7))]
                song.add(tpos(base + b), tpos(base + b + 1) - 0.02, 2, p, 80)
    return song, times, offset, bpb


def corpus_paths(split):
    """Corpus works by collection, without the works the evaluation sets are made from."""
    from music21 import corpus
    here = os.path.dirname(os.path.abspath(__file__))
    exclude_file = os.path.join(here, '..', '..', 'shared', 'beatset', 'EXCLUDE.txt')
    exclude = [l.strip().rsplit('.', 1)[0] if l.strip().endswith(('.xml', '.mxl', '.krn', '.abc', '.musicxml')) else l.strip()
               for l in open(exclude_file) if l.strip() and not l.startswith('#')] if os.path.exists(exclude_file) else []
    if not exclude:
        sys.exit('make_data.py: ../shared/beatset/EXCLUDE.txt is needed to keep the evaluation works out')
    out = {}
    for p in corpus.getPaths():
        rel = str(p).split('/corpus/')[-1]
        stem = rel.rsplit('.', 1)[0]
        if any(stem == e or stem.startswith(e + '.') or rel == e for e in exclude):
            continue
        out.setdefault(rel.split('/')[0], []).append(str(p))
    return out


def make_corpus(rng, path, tempo_kind, voicing=None):
    """An excerpt of a corpus work: its notes placed on a generated tempo map; beats and
    downbeats from its time signature and bars."""
    from music21 import corpus, stream
    s = corpus.parse(path)
    if isinstance(s, stream.Opus):
        s = s.scores[int(rng.integers(len(s.scores)))]
    sigs = list(s.recurse().getElementsByClass('TimeSignature'))
    if len({(t.numerator, t.denominator) for t in sigs}) > 1 or not sigs:
        return None
    num, den = sigs[0].numerator, sigs[0].denominator
    if den == 8 and num % 3 == 0 and num > 3:
        unit, bpb = 1.5, num // 3
    elif den == 8:
        unit, bpb = 0.5, num
    elif den == 2:
        unit, bpb = 2.0, num
    else:
        unit, bpb = 4.0 / den, num
    if bpb > 4 or bpb < 2:
        return None
    parts = list(s.parts) or [s]
    measures = list(parts[0].getElementsByClass('Measure'))
    if len(measures) < 4:
        return None
    bar_q = unit * bpb
    first = next((float(m.offset) for m in measures if abs(float(m.duration.quarterLength) - bar_q) < 1e-6), None)
    if first is None:
        return None
    notes = []
    for v, part in enumerate(parts[:6]):
        for n in part.flatten().notes:
            if n.duration.quarterLength <= 0:
                continue
            for pitch in n.pitches:
                notes.append((float(n.offset), float(n.offset + n.duration.quarterLength), v, pitch.midi))
    if not notes:
        return None
    end_q = max(n[1] for n in notes)
    lo, hi = CORPUS[[k for k in CORPUS if f'/corpus/{k}/' in path][0]]
    bpm = rng.uniform(lo, hi)
    times = beat_grid(rng, bpm, EXCERPT, tempo_kind)
    span_q = (len(times) - 2) * unit
    bars = int((end_q - first) // bar_q)
    start_bar = int(rng.integers(max(1, bars - int(span_q // bar_q) + 1)))
    start_q = first + start_bar * bar_q
    offset = 0
    if rng.random() < 0.5:               # start a beat or two into the bar sometimes
        offset = int(rng.integers(bpb))
        start_q += offset * unit
    song = Song()
    sets = PLUCKED_CORPUS if voicing == 'plucked' else CORPUS_PROGRAMS
    programs = sets[int(rng.integers(len(sets)))]
    for v in range(6):
        song.programs[v] = programs[v % len(programs)]
    human = rng.choice([0.005, 0.01, 0.02])
    transpose = int(rng.integers(-3, 4))
    for on, off, v, pitch in notes:
        if on < start_q or on > start_q + span_q:
            continue
        a = at(times, (on - start_q) / unit) + jitter(rng, human)
        b = at(times, (off - start_q) / unit) - 0.01
        song.add(a, max(a + 0.05, b), v, pitch + transpose, 75 + rng.integers(-15, 20) + (12 if abs(((on - first) / bar_q) % 1) < 1e-6 else 0))
    if len({p for _, _, _, p in notes}) < 3 or len(song.notes) < 16:
        return None
    # Dance tunes (one melody) get an accompaniment on the beats half of the time.
    if len(parts) == 1 and rng.random() < 0.5:
        song.programs[9] = 0
        for k in range(len(times) - 2):
            t = times[k]
            song.add(t, t + 0.1, 9, int(rng.choice([KICK, TOM_L])) if (k + offset) % bpb == 0 else SNARE if rng.random() < 0.5 else RIM, 70)
    return song, times, offset, bpb


# ---------------------------------------------------------------------------------------------
# Non-music: no beats at all.
# ---------------------------------------------------------------------------------------------

WORDS = ('the a of and to in is was that he for it with as his on be at by had not are but from or have an they which one you '
         'were her all she there would their we him been has when who will more no if out so said what up its about into than '
         'them can only other new some could time these two may then do first any my now such like our over man me even most '
         'made after also did many before must through back years where much your way well down should because each just '
         'those people take how too little state good very make world still own see men work long get here between both life '
         'being under never day same another know while last might us great old year off come since against go came right used').split()


def speech(rng, seconds, tmp):
    out = np.zeros(int(seconds * SR), np.float32)
    t = rng.uniform(0, 1.5)
    while t < seconds - 1:
        words = ' '.join(rng.choice(WORDS, size=int(rng.integers(6, 25))))
        voice = rng.choice(['en', 'en-us', 'en+f3', 'en+m3', 'en+f2', 'en-gb', 'de', 'fr', 'es', 'en+m7', 'en+f5'])
        wav = os.path.join(tmp, 'speech.wav')
        subprocess.run(['espeak-ng', '-v', voice, '-s', str(int(rng.uniform(120, 200))), '-p', str(int(rng.uniform(20, 80))),
                        '-w', wav, words], check=True, capture_output=True)
        x, sr = sf.read(wav, dtype='float32')
        x = resample(x, sr, SR)
        n = min(len(x), len(out) - int(t * SR))
        out[int(t * SR):int(t * SR) + n] += x[:n]
        t += n / SR + rng.uniform(0.2, 2.0)
    return out


def resample(x, sr, to):
    if sr == to:
        return x
    n = int(len(x) * to / sr)
    return np.interp(np.arange(n) * sr / to, np.arange(len(x)), x).astype(np.float32)


def colored_noise(rng, n, color):
    white = rng.normal(0, 1, n)
    spec = np.fft.rfft(white)
    f = np.maximum(np.fft.rfftfreq(n, 1 / SR), 10)
    spec /= f ** {'white': 0, 'pink': 0.5, 'brown': 1.0}[color]
    x = np.fft.irfft(spec, n)
    return (x / (np.std(x) + 1e-9)).astype(np.float32)


def bursts(rng, seconds, rate, kind):
    """Events at random (Poisson) times: coughs (noise bursts), taps/drips (clicks), chirps."""
    n = int(seconds * SR)
    out = np.zeros(n, np.float32)
    t = rng.exponential(1 / rate)
    while t < seconds - 0.5:
        i = int(t * SR)
        if kind == 'cough':
            L = int(rng.uniform(0.15, 0.45) * SR)
            env = np.exp(-np.arange(L) / (0.08 * SR)) * (1 - np.exp(-np.arange(L) / (0.005 * SR)))
            burst = colored_noise(rng, L, 'pink') * env * rng.uniform(0.3, 1)
        elif kind == 'tap':
            L = int(0.03 * SR)
            f = rng.uniform(800, 4000)
            burst = np.sin(2 * np.pi * f * np.arange(L) / SR) * np.exp(-np.arange(L) / (0.004 * SR)) * rng.uniform(0.2, 1)
        else:  # chirp
            L = int(rng.uniform(0.05, 0.3) * SR)
            f0, f1 = rng.uniform(2000, 5000), rng.uniform(2000, 6000)
            ph = 2 * np.pi * np.cumsum(np.linspace(f0, f1, L)) / SR
            burst = np.sin(ph) * np.hanning(L) * rng.uniform(0.2, 1)
        m = min(len(burst), n - i)
        out[i:i + m] += burst[:m].astype(np.float32)
        t += rng.exponential(1 / rate)
    return out


def free_melody(rng, program_choices):
    """A solo line in free time: note lengths and gaps with no common grid."""
    song = Song()
    song.programs[0] = int(rng.choice(program_choices))
    key = int(rng.integers(12)) + 55
    t, degree = rng.uniform(0, 1), 5
    while t < EXCERPT:
        dur = float(np.exp(rng.normal(math.log(0.55), 0.6)))
        degree = int(np.clip(degree + rng.integers(-2, 3), 0, 12))
        p = key + MAJOR[degree % 7] + 12 * (degree // 7)
        song.add(t, t + dur, 0, p, int(rng.integers(60, 110)))
        t += dur + (rng.exponential(0.6) if rng.random() < 0.3 else rng.uniform(0, 0.08))
    return song


# ---------------------------------------------------------------------------------------------
# Rendering and augmentation.
# ---------------------------------------------------------------------------------------------

def write_midi(songs_at, path, programs=None):
    """Writes songs placed at start times (seconds) into one type-1 MIDI file at 120 BPM, each
    program through `programs` (a map) when given."""
    mid = mido.MidiFile(type=1, ticks_per_beat=PPQ)
    meta = mido.MidiTrack()
    meta.append(mido.MetaMessage('set_tempo', tempo=500000, time=0))
    mid.tracks.append(meta)
    events = []
    tps = PPQ * 2
    for start, song in songs_at:
        t0 = int(round(start * tps))
        for ch in range(16):
            events.append((t0, 0, mido.Message('control_change', channel=ch, control=121, value=0)))
            events.append((t0, 0, mido.Message('control_change', channel=ch, control=123, value=0)))
            program = song.programs.get(ch, 0)
            events.append((t0 + 1, 1, mido.Message('program_change', channel=ch, program=programs[program] if programs else program)))
            events.append((t0 + 1, 1, mido.Message('control_change', channel=ch, control=91, value=20)))
            events.append((t0 + 1, 1, mido.Message('control_change', channel=ch, control=7, value=song.volumes.get(ch, 100))))
        for on, off, ch, pitch, vel in song.notes:
            if off < 0 or on > EXCERPT + 1:
                continue
            a = t0 + 10 + int(round(max(0, on) * tps))
            b = t0 + 10 + int(round(min(off, EXCERPT + 1) * tps))
            events.append((a, 3, mido.Message('note_on', channel=ch, note=pitch, velocity=vel)))
            events.append((max(a + 1, b), 2, mido.Message('note_off', channel=ch, note=pitch, velocity=0)))
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack()
    last = 0
    for t, _, msg in events:
        track.append(msg.copy(time=t - last))
        last = t
    mid.tracks.append(track)
    mid.save(path)


def render_batch(songs, sf2, tmp):
    """Renders songs back to back in one fluidsynth (or TiMidity++) process; returns each one's audio."""
    starts, t = [], 0.0
    for _ in songs:
        starts.append(t)
        t += EXCERPT + GAP
    mid = os.path.join(tmp, 'batch.mid')
    wav = os.path.join(tmp, 'batch.wav')
    if sf2 == FREEPATS:
        write_midi(list(zip(starts, songs)), mid, program_map(freepats_programs()))
        cmd = ['timidity', '-c', FREEPATS, '-id', '-s', str(SR), '-Ow', '--output-mono', '-o', wav, mid]
    else:
        write_midi(list(zip(starts, songs)), mid)
        cmd = ['fluidsynth', '-n', '-i', '-q', '-g', '0.6', '-r', str(SR), '-O', 'float', '-T', 'wav',
               '-o', 'synth.polyphony=256', '-o', 'synth.chorus.active=0', '-F', wav, sf2, mid]
    subprocess.run(cmd, check=True, capture_output=True)
    x, sr = sf.read(wav, dtype='float32', always_2d=True)
    x = x.mean(axis=1)
    lead = 10 / (PPQ * 2)
    return [x[int((s + lead) * SR):int((s + lead + EXCERPT) * SR)] for s in starts]


def augment(rng, x, distort=False):
    import pedalboard as pb
    fx = []
    if rng.random() < 0.4:
        fx.append(pb.HighpassFilter(cutoff_frequency_hz=float(rng.uniform(40, 300))))
    if rng.random() < 0.35:
        fx.append(pb.LowpassFilter(cutoff_frequency_hz=float(rng.uniform(2500, 9000))))
    for _ in range(int(rng.integers(0, 3))):
        fx.append(pb.PeakFilter(cutoff_frequency_hz=float(np.exp(rng.uniform(math.log(80), math.log(8000)))),
                                gain_db=float(rng.uniform(-10, 10)), q=float(rng.uniform(0.5, 3))))
    if distort or rng.random() < 0.1:
        fx.append(pb.Distortion(drive_db=float(rng.uniform(5, 25))))
    if rng.random() < 0.4:
        fx.append(pb.Compressor(threshold_db=float(rng.uniform(-30, -10)), ratio=float(rng.uniform(2, 8)),
                                attack_ms=float(rng.uniform(1, 30)), release_ms=float(rng.uniform(40, 300))))
    if rng.random() < 0.4:
        fx.append(pb.Reverb(room_size=float(rng.uniform(0.2, 0.95)), wet_level=float(rng.uniform(0.1, 0.5)),
                            dry_level=float(rng.uniform(0.5, 1.0)), damping=float(rng.uniform(0.2, 0.8))))
    y = pb.Pedalboard(fx)(x[None, :].astype(np.float32), SR)[0] if fx else x
    if rng.random() < 0.3:
        color = rng.choice(['white', 'pink', 'brown'])
        snr = rng.uniform(5, 30)
        y = y + colored_noise(rng, len(y), color) * np.std(y) * 10 ** (-snr / 20)
    if rng.random() < 0.2:
        y = pb.Pedalboard([pb.MP3Compressor(vbr_quality=float(rng.uniform(2, 9)))])(y[None, :].astype(np.float32), SR)[0][:len(x)]
        if len(y) < len(x):
            y = np.pad(y, (0, len(x) - len(y)))
    if rng.random() < 0.2:   # level changes (a fade or a swell)
        env = np.interp(np.arange(len(y)), [0, len(y) * rng.uniform(0.2, 0.8), len(y)], [1, rng.uniform(0.1, 1), rng.uniform(0.3, 1)])
        y = y * env
    rms = np.sqrt(np.mean(y ** 2)) + 1e-9
    y = y * (10 ** (rng.uniform(-32, -12) / 20) / rms)
    peak = np.max(np.abs(y))
    if peak > 0.99:
        y = y * 0.99 / peak
    return y.astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Plan and build.
# ---------------------------------------------------------------------------------------------

def plan(split, count, seed, only=None, plucked=0.0, freepats=0.0, mix=0.0, lowrate=0.0, vocal=0.0, master=0.0):
    rng = np.random.default_rng(seed)
    styles = [s for s in STYLES if (s in VALID_ONLY) == (split == 'valid') or split == 'valid' and rng.random() < 0.7]
    ens = [e for e in ENSEMBLES if (e in VALID_ONLY) == (split == 'valid') or split == 'valid' and rng.random() < 0.7]
    if only:   # a supplement of some styles (and non-music at the usual rate)
        styles = [s for s in styles if s in only] or [s for s in only if s in STYLES]
        ens = [e for e in ens if e in only] or [e for e in only if e in ENSEMBLES]
    items = []
    for i in range(count):
        r = rng.random()
        kind = rng.choice(['const'] * 5 + ['ramp', 'jump', 'drift', 'rubato'])
        if only and r < 0.8:
            choices = ([('band', x) for x in styles if x in only] + [('ensemble', x) for x in ens if x in only]
                       + [('corpus', x) for x in CORPUS if x in only])
            cat, style = choices[int(rng.integers(len(choices)))]
            items.append(dict(cat=cat, style=style, tempo=str(kind)))
        elif r < 0.45:
            items.append(dict(cat='band', style=str(rng.choice(styles)), tempo=str(kind)))
        elif r < 0.60:
            kind = rng.choice(['const', 'const', 'ramp', 'drift', 'rubato', 'rubato', 'jump'])
            items.append(dict(cat='corpus', style=str(rng.choice(list(CORPUS))), tempo=str(kind)))
        elif r < 0.80:
            kind = rng.choice(['const', 'const', 'ramp', 'drift', 'rubato', 'rubato', 'jump'])
            items.append(dict(cat='ensemble', style=str(rng.choice(ens)), tempo=str(kind)))
        else:
            items.append(dict(cat='negative', style=str(rng.choice(NEGATIVES)), tempo='none'))
    sfs = SOUNDFONTS[split]
    paths = corpus_paths(split)
    for it in items:
        if it['cat'] == 'corpus':
            works = sorted(paths.get(it['style'], []))
            # Training and validation draw from disjoint halves of each collection.
            works = [w for k, w in enumerate(works) if (k % 5 == 0) == (split == 'valid')]
            it['work'] = works[int(rng.integers(len(works)))]
    for i, it in enumerate(items):
        it['id'] = f'{split}{i:04d}'
        it['seed'] = int(rng.integers(2 ** 31))
        it['sf2'] = sfs[int(rng.choice(len(sfs), p=SF_WEIGHTS[split]))]
    # OPL-3 has no metronome keys (33, 34): a click track rendered with it is near-silence
    # labelled with beats. Drawn after every random choice, so nothing else changes.
    for it in items:
        if it['style'].startswith('click') and 'OPL-3' in it['sf2']:
            it['sf2'] = SOUNDFONTS['train'][1]
    # Plucked voicings from a generator of their own, so --plucked 0 leaves every set as it was.
    if plucked > 0:
        draw = np.random.default_rng(seed + 1)
        for it in items:
            if (it['cat'] in ('corpus', 'ensemble') or it['style'] == 'free_melody') and draw.random() < plucked:
                it['voicing'] = 'plucked'
    # FreePats renders, also from a generator of their own (training only: validation keeps its bank).
    if freepats > 0 and split == 'train':
        draw = np.random.default_rng(seed + 2)
        for it in items:
            if draw.random() < freepats and (it['cat'] != 'negative' or it['style'] in ('free_melody', 'free_voice')):
                it['sf2'] = FREEPATS
    # Mix balance, from a generator of its own too: each part, and each drum of the kit, turned
    # down by up to `mix` dB, so the networks cannot learn that the loudest part carries the beat
    # (a kick louder than the snare, a bass louder than an off-beat comp): real mixes and other
    # soundfonts balance them otherwise.
    if mix > 0:
        draw = np.random.default_rng(seed + 3)
        for it in items:
            if it['cat'] != 'negative' or it['style'] in ('free_melody', 'free_voice'):
                it['mix'], it['mix_seed'] = float(mix), int(draw.integers(2 ** 31))
    # Low sample rates, from a generator of their own: that fraction of the excerpts (non-music
    # too) is written at 8, 11.025 or 12 kHz, so the features of a telephone or low-rate file
    # (nothing above its Nyquist once seed resamples it to 16 kHz) are not new to the networks.
    if lowrate > 0:
        draw = np.random.default_rng(seed + 4)
        for it in items:
            if draw.random() < lowrate:
                it['rate'] = int(draw.choice(LOW_RATES))
    # A spoken voice over that fraction of the music, from a generator of its own: real songs carry
    # a lead vocal whose syllables do not mark the beat, which the renders never have; the beat
    # labels stay the music's.
    if vocal > 0:
        draw = np.random.default_rng(seed + 5)
        for it in items:
            if it['cat'] != 'negative' and draw.random() < vocal:
                it['vocal_db'], it['vocal_seed'] = float(draw.uniform(*VOCAL_DB)), int(draw.integers(2 ** 31))
    # Mastering, from a generator of its own: that fraction of the excerpts (non-music too) is
    # bus-compressed and brick-wall limited at a loud level, as released songs, other generators'
    # renders and processed voice recordings reach seed; the peak turn-down alone leaves such
    # levels and crest factors out of the data.
    if master > 0:
        draw = np.random.default_rng(seed + 6)
        for it in items:
            if draw.random() < master:
                it['master_seed'] = int(draw.integers(2 ** 31))
    return items


# The RMS levels (dBFS) `--master` pushes an excerpt to before its limiter: from a gentle master
# to a loud one (the limiter then takes off up to several dB).
MASTER_DB = (-16.0, -6.0)


def mastered(x, seed):
    """`x` through a mastering chain (`--master`): a bus compressor, gain to a loud RMS level and a
    brick-wall limiter, clipped at full scale."""
    import pedalboard as pb
    draw = np.random.default_rng(seed)
    y = x * (10 ** (-18 / 20) / (np.sqrt(np.mean(x ** 2)) + 1e-9))
    y = pb.Pedalboard([pb.Compressor(threshold_db=float(draw.uniform(-30, -16)), ratio=float(draw.uniform(2, 6)),
                                     attack_ms=float(draw.uniform(2, 20)), release_ms=float(draw.uniform(50, 250)))]
                      )(y[None, :].astype(np.float32), SR)[0]
    y = y * (10 ** (draw.uniform(*MASTER_DB) / 20) / (np.sqrt(np.mean(y ** 2)) + 1e-9))
    y = pb.Pedalboard([pb.Limiter(threshold_db=float(-draw.uniform(0.1, 1.5)), release_ms=float(draw.uniform(20, 200)))]
                      )(y[None, :].astype(np.float32), SR)[0]
    return np.clip(y, -0.999, 0.999).astype(np.float32)


# The spoken voice's level against the music's (RMS, dB) with `--vocal`: from a voice under the
# band to one as loud as it, as lead vocals are mixed.
VOCAL_DB = (-15.0, 0.0)


def with_voice(x, it, tmp):
    """`x` with espeak-ng speech mixed in at `it['vocal_db']` dB against its RMS (`--vocal`)."""
    voice = speech(np.random.default_rng(it['vocal_seed']), EXCERPT, tmp)[:len(x)]
    gain = np.sqrt(np.mean(x ** 2) / max(np.mean(voice ** 2), 1e-12)) * 10 ** (it['vocal_db'] / 20)
    return (x + gain * voice).astype(np.float32)


# The rates `--lowrate` writes at: telephone, a quarter of CD rate, and a common low DAC rate.
LOW_RATES = (8000, 11025, 12000)


def at_rate(x, rate):
    """`x` (at SR) resampled to `rate` (polyphase, Kaiser window): band-limited at its Nyquist."""
    from fractions import Fraction
    from scipy.signal import resample_poly
    q = Fraction(rate, SR)
    return resample_poly(x, q.numerator, q.denominator).astype(np.float32)


def remix(song, mix, seed):
    """Turns each channel (CC7) and each drum pitch (its velocities) of `song` down by a random
    0 to `mix` dB. GM maps volume and velocity to gain as 40 log10(v / 127) dB."""
    draw = np.random.default_rng(seed)
    for ch in range(16):
        song.volumes[ch] = int(max(1, round(song.volumes.get(ch, 100) * 10 ** (-draw.uniform(0, mix) / 40))))
    drum = {p: 10 ** (-draw.uniform(0, mix) / 40) for p in range(128)}
    song.notes = [(on, off, ch, p, int(max(1, round(v * drum[p])))) if ch == 9 else (on, off, ch, p, v)
                  for on, off, ch, p, v in song.notes]


def build_group(args):
    items, outdir = args
    with tempfile.TemporaryDirectory() as tmp:
        songs, meta = [], []
        for it in items:
            rng = np.random.default_rng(it['seed'])
            beats, downs = [], []
            if it['cat'] == 'band':
                song, times, offset, bpb = make_band(rng, it['style'], it['tempo'], 'x')
            elif it['cat'] == 'ensemble':
                song, times, offset, bpb = make_ensemble(rng, it['style'], it['tempo'], 'x', it.get('voicing'))
            elif it['cat'] == 'corpus':
                made = None
                try:
                    made = make_corpus(rng, it['work'], it['tempo'], it.get('voicing'))
                except Exception as e:   # a work music21 cannot read: an ensemble piece instead
                    print(f"make_data: {it['work']}: {e}", file=sys.stderr)
                if made is None:
                    it['cat'], it['style'] = 'ensemble', 'piano_alberti'
                    made = make_ensemble(rng, it['style'], it['tempo'], 'x', it.get('voicing'))
                song, times, offset, bpb = made
            elif it['style'] in ('free_melody', 'free_voice'):
                song = free_melody(rng, [52, 53, 54, 85] if it['style'] == 'free_voice' else
                                   PLUCKED if it.get('voicing') == 'plucked' else [73, 71, 40, 56, 65, 22, 78])
                times, offset, bpb = None, 0, 0
            else:
                song, times, offset, bpb = None, None, 0, 0
            if times is not None:
                for k, t in enumerate(times):
                    if 0 <= t < EXCERPT:
                        beats.append(round(float(t), 6))
                        downs.append(1 if (k + offset) % bpb == 0 else 0)
            if song is not None and it.get('mix'):
                remix(song, it['mix'], it['mix_seed'])
            songs.append(song)
            meta.append((it, rng, beats, downs, bpb))
        rendered = {}
        by_sf = {}
        for j, (it, *_rest) in enumerate(meta):
            if songs[j] is not None:
                by_sf.setdefault(it['sf2'], []).append(j)
        for sf2, js in by_sf.items():
            for j, audio in zip(js, render_batch([songs[j] for j in js], sf2, tmp)):
                rendered[j] = audio
        for j, (it, rng, beats, downs, bpb) in enumerate(meta):
            n = int(EXCERPT * SR)
            style = it['style']
            if j in rendered:
                x = rendered[j]
            elif style == 'noise':
                x = colored_noise(rng, n, rng.choice(['white', 'pink', 'brown'])) * np.interp(
                    np.arange(n), np.linspace(0, n, 6), rng.uniform(0.2, 1, 6)).astype(np.float32)
            elif style in ('speech', 'speech_room'):
                x = speech(rng, EXCERPT, tmp)
                if style == 'speech_room':
                    x = x + colored_noise(rng, n, 'pink') * np.std(x) * rng.uniform(0.05, 0.4) + bursts(rng, EXCERPT, 0.3, 'cough') * 0.3
            elif style == 'room':
                x = colored_noise(rng, n, 'brown') * 0.3 + bursts(rng, EXCERPT, rng.uniform(0.5, 3), 'tap') + \
                    bursts(rng, EXCERPT, 0.2, 'cough')
            elif style == 'coughs':
                x = bursts(rng, EXCERPT, rng.uniform(0.3, 1.5), 'cough') + colored_noise(rng, n, 'pink') * 0.01
            elif style == 'taps':
                x = bursts(rng, EXCERPT, rng.uniform(1, 12), 'tap') + colored_noise(rng, n, 'white') * 0.005
            elif style == 'chirps':
                x = bursts(rng, EXCERPT, rng.uniform(0.5, 4), 'chirp') + colored_noise(rng, n, 'pink') * 0.01
            else:  # quiet
                x = colored_noise(rng, n, 'pink') * 1e-3
            if len(x) < n:
                x = np.pad(x, (0, n - len(x)))
            x = np.asarray(x[:n], np.float32)
            if it.get('vocal_seed') is not None:
                x = with_voice(x, it, tmp)
            x = augment(rng, x, distort=STYLES.get(style, {}).get('distort', False))
            if it.get('master_seed') is not None:
                x = mastered(x, it['master_seed'])
            rate = it.get('rate', SR)
            if rate != SR:
                x = np.clip(at_rate(x, rate), -1, 1)
            sf.write(os.path.join(outdir, it['id'] + '.wav'), x, rate, subtype='PCM_16')
            label = dict(id=it['id'], category=it['cat'], style=style, tempo=it['tempo'], soundfont=os.path.basename(it['sf2']),
                         work=it.get('work', '').split('/corpus/')[-1],
                         voicing=it.get('voicing', ''), beats_per_bar=bpb, beats=beats, downbeat=downs)
            with open(os.path.join(outdir, it['id'] + '.json'), 'w') as f:
                json.dump(label, f)
    return len(items)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--split', default='train', choices=['train', 'valid'])
    ap.add_argument('--count', type=int, default=720)
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--group', type=int, default=40, help='excerpts per fluidsynth process')
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--only', default=None, help='comma-separated styles: a supplement of just those')
    ap.add_argument('--prefix', default=None, help='excerpt id prefix (default: the split)')
    ap.add_argument('--plucked', type=float, default=0.0,
                    help='fraction of corpus, ensemble and free-melody excerpts voiced with plucked and struck instruments')
    ap.add_argument('--freepats', type=float, default=0.0,
                    help='fraction of training excerpts rendered by TiMidity++ with FreePats instead of a soundfont')
    ap.add_argument('--mix', type=float, default=0.0,
                    help='turn each part and each drum down by a random 0 to MIX dB (mix balance)')
    ap.add_argument('--lowrate', type=float, default=0.0,
                    help='fraction of excerpts written at 8, 11.025 or 12 kHz (low-rate and telephone files)')
    ap.add_argument('--vocal', type=float, default=0.0,
                    help='fraction of music excerpts with a spoken voice mixed over them (a lead vocal off the grid)')
    ap.add_argument('--master', type=float, default=0.0,
                    help='fraction of excerpts bus-compressed and limited at a loud level (mastered songs)')
    a = ap.parse_args()
    for tool in ('fluidsynth', 'espeak-ng') + (('timidity',) if a.freepats > 0 else ()):
        if subprocess.run(['which', tool], capture_output=True).returncode != 0:
            sys.exit(f'make_data.py: {tool} is missing (Training/README.md lists the packages)')
    if a.freepats > 0 and not os.path.exists(FREEPATS):
        sys.exit(f'make_data.py: {FREEPATS} is missing (Debian freepats)')
    os.makedirs(a.out, exist_ok=True)
    seed = a.seed if a.seed is not None else 20261201 if a.split == 'train' else 777
    items = plan(a.split, a.count, seed, a.only.split(',') if a.only else None, a.plucked, a.freepats, a.mix, a.lowrate, a.vocal, a.master)
    if a.prefix:
        for it in items:
            it['id'] = a.prefix + it['id'][len(a.split):]
    groups = [(items[i:i + a.group], a.out) for i in range(0, len(items), a.group)]
    done = 0
    with ProcessPoolExecutor(a.jobs) as ex:
        for n in ex.map(build_group, groups):
            done += n
            print(f'make_data: {done}/{len(items)}', flush=True)


if __name__ == '__main__':
    main()
