#!/usr/bin/env bash
# Sets up, then runs seed's main job on the bundled recordings: measure, resample, encode under a budget.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
seed=.build/release/seed
mkdir -p out
hum=testdata/recordings/vocadito_10.wav
song=testdata/recordings/Kevin_MacLeod_-_Vibe_Ace.hq.ogg
set -x
$seed info "$hum" "$song"
$seed resample "$hum" --rate 48k -o out/vocadito_10.48k.wav --force
$seed normalize "$hum" --lufs -16 -o out/vocadito_10.norm.wav --force
$seed encode "$song" --max-size 1MB -o out/vibe_ace.mp3 --force
$seed info out/vibe_ace.mp3 --json
