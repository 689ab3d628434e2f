#!/usr/bin/env bash
# Sets up, then runs seed's main job on the bundled recordings: seed clips with sidecars (prepare),
# a plot, the best window of a take and of a song as finished clips, beats with a click track and a cut list, then measure, resample, normalize, encode under a budget.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
seed=.build/release/seed
mkdir -p out
hum=testdata/recordings/vocadito_10.wav
song=testdata/recordings/Kevin_MacLeod_-_Vibe_Ace.hq.ogg
set -x
$seed trim "$hum" --best 5s --normalize -14 -o out/vocadito_10.clip.mp3 --force --json
$seed trim "$song" --best 30s --normalize -14 -o out/vibe_ace.clip.mp3 --force
$seed trim testdata/synthetic/hum_like_22k.wav --best 10s -o out/hum_like.best.wav --force
$seed trim testdata/synthetic/bursts_440hz_22k.wav --silence -o out/bursts.trim.wav --force
$seed prepare "$hum" "$song" testdata/synthetic/hum_like_22k.wav -o out/clips --jobs 2 --force
$seed prepare "$song" --target music-video-clip -o out/clips/video --force
$seed plot "$song" --best 30s -o out/vibe_ace.plot.svg --force
$seed beats "$song" --format json -o out/vibe_ace.beats.json --click out/vibe_ace.clicks.wav --force
$seed beats "$song" --cuts 2bars --format txt -o out/vibe_ace.cuts.txt --force
head -n 4 out/vibe_ace.cuts.txt
$seed info "$hum" "$song"
$seed resample "$hum" --rate 48k -o out/vocadito_10.48k.wav --force
$seed normalize "$hum" --lufs -16 -o out/vocadito_10.norm.wav --force
$seed encode "$song" --max-size 1MB -o out/vibe_ace.mp3 --force
$seed info out/vibe_ace.mp3 --json
