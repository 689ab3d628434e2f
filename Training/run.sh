#!/usr/bin/env bash
# Rebuilds seed's two beat networks from nothing: installs what training needs, generates the data
# (Training/make_data.py), computes its features with seed's own extractor, trains
# (Training/train.py), writes Sources/SeedPipeline/Resources/beat-tcn.safetensors and
# beat-tcn-b.safetensors and records their sha256 in Sources/SeedPipeline/BeatModel.swift and
# Training/README.md, then fits the steady-beat decision to the new networks
# (Training/fit_decision.py, into Sources/SeedDSP/SteadyBeatDecision.swift). About three and a
# quarter hours on 2 cores.
#   bash Training/run.sh [DATA_DIR]      # default /tmp/seed-beat-data
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-/tmp/seed-beat-data}"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
pkgs=(fluidsynth musescore-general-soundfont timgm6mb-soundfont opl3-soundfont csound-soundfont espeak-ng)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c "import torch, mido, soundfile, pedalboard, mir_eval" 2>/dev/null ||
  pip install -q torch mido soundfile pedalboard mir_eval
bash scripts/setup.sh >/dev/null
(cd Benchmarks && swift build -c release --product seed-bench 2>&1 | grep -E "error|warning: unre" || true)
python3 Training/make_data.py "$data/train" --count 1600
# A supplement of what the first set has least of: solo lines in time, marches, click tracks,
# trap, folk tunes and corpus works.
supplement_styles=solo_line,march,trap,click44,click34,ryansMammoth,oneills1850,strings_fast,jig68,piano_waltz,beethoven,mozart,haydn,bach,punk,dnb,reggae,bossa,funk,waltz,swing
python3 Training/make_data.py "$data/supplement" --count 700 --seed 4242 --prefix sup --only "$supplement_styles"
# Network B's data: the same recipe with a share of the excerpts played by TiMidity++'s FreePats
# and a quarter of the lines plucked or struck, so the two networks err on different music and
# their mean (the tracker's ensemble) is steadier than either.
python3 Training/make_data.py "$data/train-b" --count 1600 --freepats 0.3 --plucked 0.25
python3 Training/make_data.py "$data/supplement-b" --count 700 --seed 4242 --prefix sup --freepats 0.3 --plucked 0.25 \
  --only "$supplement_styles"
# The development split: drawn like the training data, with a seed of its own; thresholds are
# chosen on it and on the beatset, never on the validation sets.
python3 Training/make_data.py "$data/dev" --count 240 --seed 5150 --prefix dev
python3 Training/make_data.py "$data/valid" --split valid --count 100 --group 25
# A second validation set, every corpus work, ensemble and free melody in it plucked or struck
# (pizzicato, guitars, koto, mallets): the timbres training has least of, on the validation
# soundfont and works.
python3 Training/make_data.py "$data/pluckvalid" --split valid --count 100 --seed 9191 --prefix pv --group 25 --plucked 1.0 \
  --only bach,beethoven,mozart,haydn,schumann_robert,ryansMammoth,oneills1850,essenFolksong,monteverdi,strings_quartet,strings_fast,jig68,piano_waltz,piano_alberti,winds_38,guitar_pick,solo_line,piano_ballad,harp_waltz,brass_chorale
res=Sources/SeedPipeline/Resources
python3 Training/train.py "$data/train" "$data/supplement" --channels 40 --epochs 36 --out "$res/beat-tcn.safetensors"
python3 Training/train.py "$data/train-b" "$data/supplement-b" --channels 40 --epochs 36 --out "$res/beat-tcn-b.safetensors"
python3 Training/train.py --features-only "$data/dev" "$data/valid" "$data/pluckvalid"
for name in beat-tcn beat-tcn-b; do
  sum=$(sha256sum "$res/$name.safetensors" | cut -d' ' -f1)
  sed -i "s/WeightFile(name: \"$name\", sha256: \"[0-9a-f]*\")/WeightFile(name: \"$name\", sha256: \"$sum\")/" Sources/SeedPipeline/BeatModel.swift
  sed -i "s/^- $name.safetensors sha256: \`[0-9a-f]*\`/- $name.safetensors sha256: \`$sum\`/" Training/README.md
  echo "run.sh: $res/$name.safetensors sha256 $sum (recorded in BeatModel.swift)"
done
# The steady-beat decision, fitted to these networks' activations on excerpts neither of them
# trained on, half of them loud masters (the failure it answers), with seed-bench rebuilt on the
# new weights.
python3 Training/make_data.py "$data/fit-a" --count 1400 --seed 3434 --prefix ma --master 0.5
python3 Training/make_data.py "$data/fit-b" --count 1400 --seed 3435 --prefix mb --master 0.5 --freepats 0.3 --plucked 0.25
(cd Benchmarks && swift build -c release --product seed-bench 2>&1 | grep -E "error|warning: unre" || true)
python3 Training/fit_decision.py "$data/fit-a" "$data/fit-b" --write
echo "run.sh: score with Training/score.py on $data/dev (development), then $data/valid and $data/pluckvalid (checks only)"
