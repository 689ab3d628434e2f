#!/usr/bin/env bash
# Times seed against sox, ffmpeg, lame (and librosa when installed) on the same jobs, in the same go, on a 3-minute stereo
# 44.1 kHz file of real music, and prints seed/peer ratios (below 1: seed is faster).
# With --beatset it scores beat tracking on ../shared/beatset against aubio and librosa.
# ONLY=prepare times only the jobs whose name contains that word.
# With --memory it also measures seed's peak RSS on 1-minute and 60-minute 48 kHz stereo inputs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
bash scripts/setup.sh >/dev/null
need=()
for t in sox ffmpeg lame; do command -v $t >/dev/null || need+=($t); done
command -v aubio >/dev/null || need+=(aubio-tools)
dpkg-query -W -f='${Status}' libsox-fmt-mp3 2>/dev/null | grep -q "ok installed" || need+=(libsox-fmt-mp3)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
(cd "$here" && swift build -c release --product seed-bench 2>&1 | grep -E "error|complete" | tail -1) || true
test -x "$here/.build/release/seed-bench" || { echo "compare.sh: seed-bench did not build" >&2; exit 1; }
seed="$root/.build/release/seed"
bench="$here/.build/release/seed-bench"
work="$here/out"
mkdir -p "$work"

# A 3-minute stereo input: the bundled Vibe Ace (CC BY) looped three times.
song="$root/testdata/recordings/Kevin_MacLeod_-_Vibe_Ace.hq.ogg"
# Each derived file is made when it is missing (a half-cleaned out/ has in.wav alone).
[ -f "$work/in.wav" ] || ffmpeg -v error -y -stream_loop 2 -i "$song" -t 180 -ar 44100 -ac 2 -c:a pcm_s16le "$work/in.wav"
[ -f "$work/in.flac" ] || ffmpeg -v error -y -i "$work/in.wav" "$work/in.flac"
[ -f "$work/in.mp3" ] || lame --quiet -b 192 "$work/in.wav" "$work/in.mp3"
[ -f "$work/padded.wav" ] || sox "$work/in.wav" "$work/padded.wav" pad 5 5

echo "## In-process (library only)"
"$bench" "$work/in.wav" "$work"
echo
echo "## Whole commands, process start included (median of 5 after a warm-up)"
python3 "$here/time_commands.py" "$work" "$seed" ${ONLY:+"$ONLY"}

if [ "${1:-}" = "--beatset" ] || [ "${2:-}" = "--beatset" ]; then
  # Beat accuracy on ../shared/beatset (built there with make_set.py), seed and aubio side by side.
  set_dir="$root/../shared/beatset"
  [ -d "$set_dir/data" ] || (cd "$set_dir" && python3 make_set.py)
  results="$work/beatset"
  python3 "$set_dir/score.py" --name seed --cmd "$seed beats {wav} --format csv" --downbeats --results "$results" >/dev/null
  python3 "$set_dir/score.py" --name aubio --cmd "aubio beat {wav}" --results "$results" >/dev/null
  if python3 -c "import librosa" 2>/dev/null; then
    python3 "$set_dir/score.py" --name librosa --cmd "python3 $here/librosa_beats.py {wav}" --results "$results" >/dev/null
  fi
  # madmom (a neural network; about 5 s a file here), installed when it builds; madmom_beats.py
  # carries the small Python 3.10 / numpy 2 fixes it needs.
  has_madmom() { python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('madmom') is None)"; }
  has_madmom || { pip install -q cython wheel && pip install -q --no-build-isolation madmom; } >/dev/null 2>&1 || true
  if has_madmom; then
    python3 -c "import pkg_resources" 2>/dev/null || pip install -q "setuptools<70" >/dev/null 2>&1 || true
    python3 "$set_dir/score.py" --name madmom --cmd "python3 $here/madmom_beats.py {wav}" --results "$results" >/dev/null
    python3 "$set_dir/score.py" --name madmom-downbeats --cmd "python3 $here/madmom_downbeats.py {wav}" --downbeats --results "$results" >/dev/null
  else
    echo "compare.sh: madmom did not install; its column is left out" >&2
  fi
  echo
  echo "## Beat accuracy on the beatset"
  python3 "$set_dir/score.py" --summary "$results"/*.json
  # The validation split of Training/make_data.py (never used to tune), when it has been made:
  # bash Training/run.sh makes it, or python3 Training/make_data.py DIR --split valid --count 100.
  # Beside it, the plucked and struck validation set run.sh makes (pluckvalid).
  valid="${SEED_VALID_DIR:-/tmp/seed-beat-data/valid}"
  for split in "$valid" "$(dirname "$valid")/pluckvalid"; do
    [ -d "$split" ] || continue
    echo
    echo "## Beat accuracy on $(basename "$split") ($split)"
    python3 "$root/Training/score.py" "$split" --name seed --cmd "$seed beats {wav} --format csv"
    if has_madmom; then
      python3 "$root/Training/score.py" "$split" --name madmom --cmd "python3 $here/madmom_downbeats.py {wav}"
    fi
  done
fi

if [ "${1:-}" = "--memory" ]; then
  echo
  echo "## Peak memory, streaming (resample 48k→44.1k + MP3 encode; resample to FLAC)"
  for mins in 1 60; do
    f="$work/long_${mins}m.wav"
    [ -f "$f" ] || ffmpeg -v error -y -f lavfi -i "anoisesrc=c=pink:a=0.2:r=48000:d=$((mins * 60))" \
                      -f lavfi -i "sine=f=330:r=48000:d=$((mins * 60))" -filter_complex amix=inputs=2 -ac 2 -c:a pcm_s16le "$f"
    python3 "$here/peak_rss.py" "$mins min → MP3" "$seed" encode "$f" --rate 44100 -o "$work/long.mp3" --force --quiet
    python3 "$here/peak_rss.py" "$mins min → FLAC 44.1k" "$seed" resample "$f" --rate 44100 -o "$work/long.flac" --force --quiet
    python3 "$here/peak_rss.py" "$mins min info" "$seed" info "$f" --quiet
    python3 "$here/peak_rss.py" "$mins min trim --best 30s" "$seed" trim "$f" --best 30s -o "$work/long_best.wav" --force --quiet
    python3 "$here/peak_rss.py" "$mins min beats" "$seed" beats "$f" --format txt -o "$work/long_beats.txt" --force -q
    python3 "$here/peak_rss.py" "$mins min normalize" "$seed" normalize "$f" -o "$work/long_norm.flac" --force --quiet
    python3 "$here/peak_rss.py" "$mins min prepare" "$seed" prepare "$f" -o "$work/prep" --force --quiet
  done
  echo
  echo "## --max-size on the 60-minute input (budget, bytes written, share of budget)"
  for budget in 30MB 60MB 100MB; do
    "$seed" encode "$work/long_60m.wav" --max-size $budget -o "$work/long_budget.mp3" --force --json |
      python3 -c "import json,sys; j=json.load(sys.stdin); print(f\"| $budget | {j['bytes']} B | {j['bytes']/j['maxBytes']:.3f} | {j['mode']} | passes {j['passes']} |\")"
  done
fi
