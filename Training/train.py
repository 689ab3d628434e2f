#!/usr/bin/env python3
"""Trains seed's beat and downbeat activation network and exports it as safetensors.

    python3 Training/train.py DATA_DIR [--epochs 30] [--out Sources/SeedPipeline/Resources/beat-tcn.safetensors]

DATA_DIR holds <id>.wav and <id>.json from make_data.py. The features of each WAV come from
seed itself (`seed-bench --beat-features`, the extractor `seed beats` runs), so the network
is trained on exactly what it sees at run time. Labels come from the MIDI only.

The network is a non-causal temporal convolutional network after Böck & Davies (2020),
"Deconstruct, analyse, reconstruct: how to improve tempo, beat, and downbeat estimation", and
MatthewDavies & Böck (2019), "Temporal convolutional networks for musical audio beat tracking":
a 3-frame convolution from the band features to C channels, then dilated 5-tap convolutions
(dilations 1, 2, 4, ... 256) with ELU and a residual path, then a 1x1 convolution to two
sigmoid outputs (beat, downbeat). Non-music excerpts teach it to stay silent.
"""
import argparse
import glob
import hashlib
import json
import os
import struct
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FPS = 100.0
CHANNELS = 32
DILATIONS = [1, 2, 4, 8, 16, 32, 64, 128, 256]
KERNEL = 5


class BeatTCN(nn.Module):
    def __init__(self, features, channels=CHANNELS):
        super().__init__()
        self.register_buffer('mean', torch.zeros(features))
        self.register_buffer('scale', torch.ones(features))
        self.front = nn.Conv1d(features, channels, 3, padding=1)
        self.layers = nn.ModuleList(nn.Conv1d(channels, channels, KERNEL, dilation=d, padding=d * (KERNEL // 2))
                                    for d in DILATIONS)
        self.out = nn.Conv1d(channels, 2, 1)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):                      # x: (batch, frames, features)
        x = ((x - self.mean) * self.scale).transpose(1, 2)
        h = F.elu(self.front(x))
        for conv in self.layers:
            h = h + self.drop(F.elu(conv(h)))
        return torch.sigmoid(self.out(h)).transpose(1, 2)   # (batch, frames, 2)


def feature_file(wav, at_level):
    """Where `wav`'s features are kept: read at the level `seed beats` brings the input to
    (`OnsetTrack.readAtAnalysisLevel`) in .lvl.npy files, beside the plain ones."""
    return wav[:-4] + ('.lvl.npy' if at_level else '.npy')


def features(data, bench, at_level=False):
    """Computes (once) the features of every wav in `data` (see `feature_file`)."""
    wavs = sorted(glob.glob(os.path.join(data, '*.wav')))
    todo = [w for w in wavs if not os.path.exists(feature_file(w, at_level))]
    if todo:
        lst = os.path.join(data, 'features.list')
        with open(lst, 'w') as f:
            for w in todo:
                f.write(f'{w}\t{feature_file(w, at_level)}\n')
        print(f'train: features of {len(todo)} files through {bench}', flush=True)
        subprocess.run([bench, '--beat-features-at-level' if at_level else '--beat-features', lst], check=True)
    return wavs


def targets(label, frames):
    y = np.zeros((frames, 2), np.float32)
    for t, down in zip(label['beats'], label['downbeat']):
        i = int(round(t * FPS))
        for j, w in ((i - 1, 0.5), (i + 1, 0.5), (i, 1.0)):
            if 0 <= j < frames:
                y[j, 0] = max(y[j, 0], w)
                if down:
                    y[j, 1] = max(y[j, 1], w)
    return y


def load(data, bench, at_level=False):
    xs, ys, ids = [], [], []
    for w in features(data, bench, at_level):
        x = np.load(feature_file(w, at_level))
        with open(w[:-4] + '.json') as f:
            label = json.load(f)
        xs.append(x)
        ys.append(targets(label, len(x)))
        ids.append(label)
    return xs, ys, ids


def write_safetensors(path, tensors, metadata):
    header = {'__metadata__': metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype('<f4'))
        header[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path + '.tmp', 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
    os.replace(path + '.tmp', path)


def check_input(xs, labels, frames=400):
    """Real features for the parity check (BeatActivationNetworkTests): 4 s of the first music
    excerpt, from its 10th second."""
    i = next(k for k, l in enumerate(labels) if l['category'] != 'negative' and len(xs[k]) >= 1000 + frames)
    return np.ascontiguousarray(xs[i][1000:1000 + frames])


def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    out = {k: np.frombuffer(raw[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]], '<f4').reshape(v['shape'])
           for k, v in header.items()}
    return out, meta


def export(model, path, check, meta):
    model.eval()
    with torch.no_grad():
        expected = model(torch.from_numpy(check[None]))[0]
    tensors = {'norm.mean': model.mean, 'norm.scale': model.scale,
               'front.weight': model.front.weight, 'front.bias': model.front.bias}
    for k, conv in enumerate(model.layers):
        tensors[f'tcn.{k}.weight'] = conv.weight
        tensors[f'tcn.{k}.bias'] = conv.bias
    tensors['out.weight'] = model.out.weight
    tensors['out.bias'] = model.out.bias
    tensors['check.input'] = torch.from_numpy(check)
    tensors['check.output'] = expected
    meta = dict(meta, format='seed-beat-tcn-1', fps=str(FPS), features=str(check.shape[1]), kernel=str(KERNEL),
                dilations=','.join(map(str, DILATIONS)), activation='elu', outputs='beat,downbeat',
                check='check.output is PyTorch on check.input (real features of a training excerpt)')
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    write_safetensors(path, tensors, meta)
    digest = hashlib.sha256(open(path, 'rb').read()).hexdigest()
    print(f'train: wrote {path} ({os.path.getsize(path)} bytes), sha256 {digest}')


def load_model(weights):
    """The network in a weight file written by `export`, and the file's metadata."""
    t, meta = read_safetensors(weights)
    model = BeatTCN(t['norm.mean'].shape[0], t['front.weight'].shape[0])
    with torch.no_grad():
        model.mean.copy_(torch.from_numpy(t['norm.mean'].copy()))
        model.scale.copy_(torch.from_numpy(t['norm.scale'].copy()))
        model.front.weight.copy_(torch.from_numpy(t['front.weight'].copy()))
        model.front.bias.copy_(torch.from_numpy(t['front.bias'].copy()))
        for k, conv in enumerate(model.layers):
            conv.weight.copy_(torch.from_numpy(t[f'tcn.{k}.weight'].copy()))
            conv.bias.copy_(torch.from_numpy(t[f'tcn.{k}.bias'].copy()))
        model.out.weight.copy_(torch.from_numpy(t['out.weight'].copy()))
        model.out.bias.copy_(torch.from_numpy(t['out.bias'].copy()))
    return model, meta


def recheck(weights, data, bench):
    """Rewrites a weight file's parity check (check.input, check.output) without training."""
    model, meta = load_model(weights)
    xs, _, labels = load(data, bench)
    meta.pop('check.input', None)
    export(model, weights, check_input(xs, labels), meta)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('data', nargs='+', help='one or more make_data.py folders')
    ap.add_argument('--channels', type=int, default=CHANNELS)
    ap.add_argument('--features-only', action='store_true', help='only compute the features of DATA')
    ap.add_argument('--recheck', action='store_true', help='only rewrite --out\'s parity check from DATA')
    ap.add_argument('--epochs', type=int, default=30)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--crop', type=int, default=2000, help='frames per training sequence')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--init', default=None,
                    help='start from this weight file (its normalisation and width too; --channels is ignored) instead of random weights: a fine-tune')
    ap.add_argument('--negatives', type=int, default=1,
                    help='draw each non-music excerpt this many times an epoch (keeps their activation low in a fine-tune)')
    ap.add_argument('--at-level', action='store_true',
                    help='read each excerpt at the level seed brings it to (AnalysisLevel), as seed beats does')
    ap.add_argument('--bench', default='Benchmarks/.build/release/seed-bench')
    ap.add_argument('--out', default='Sources/SeedPipeline/Resources/beat-tcn.safetensors')
    a = ap.parse_args()
    torch.manual_seed(1)
    np.random.seed(1)
    torch.set_num_threads(a.threads)
    # Late in training the gradients reach denormal floats, which the CPU handles at a fraction of
    # its speed: measured here, a step took 0.75 s instead of 0.35 s. Flushing them to zero
    # changes nothing the loss can see.
    torch.set_flush_denormal(True)
    if a.recheck:
        recheck(a.out, a.data[0], a.bench)
        return
    if a.features_only:
        for d in a.data:
            features(d, a.bench, a.at_level)
        return
    xs, ys, labels = [], [], []
    for d in a.data:
        x, y, l = load(d, a.bench, a.at_level)
        xs += x; ys += y; labels += l
    nfeat = xs[0].shape[1]
    # 5% held out to watch the loss; the validation split (make_data.py --split valid) is scored
    # only on the finished model, never used here.
    order = np.random.permutation(len(xs))
    hold = set(order[:max(1, len(xs) // 20)].tolist())
    train = [i for i in range(len(xs)) if i not in hold]
    train += [i for i in train if labels[i].get('category') == 'negative'] * (a.negatives - 1)
    if a.init:
        model, init_meta = load_model(a.init)
        trained_on = f"{init_meta.get('trained_on', a.init)}; then {len(set(train))} excerpts from Training/make_data.py"
        epochs = f"{init_meta.get('epochs', '?')}+{a.epochs}"
    else:
        allx = np.concatenate([xs[i] for i in sorted(set(train))])
        model = BeatTCN(nfeat, a.channels)
        model.mean.copy_(torch.from_numpy(allx.mean(0)))
        model.scale.copy_(torch.from_numpy(1 / (allx.std(0) + 1e-3)))
        del allx
        trained_on, epochs = f"{len(set(train))} excerpts from Training/make_data.py", str(a.epochs)
    params = sum(p.numel() for p in model.parameters())
    print(f'train: {len(train)} sequences, {len(hold)} held out, {nfeat} features, {params} parameters', flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps_per_epoch = max(1, len(train) // a.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.epochs * steps_per_epoch)
    weight = torch.tensor([1.0, 1.0])
    for epoch in range(a.epochs):
        model.train()
        t0, total = time.time(), 0.0
        perm = np.random.permutation(train)
        for s in range(steps_per_epoch):
            bx, by = [], []
            for i in perm[s * a.batch:(s + 1) * a.batch]:
                n = len(xs[i])
                st = np.random.randint(0, max(1, n - a.crop))
                x, y = xs[i][st:st + a.crop], ys[i][st:st + a.crop]
                if len(x) < a.crop:
                    x = np.pad(x, ((0, a.crop - len(x)), (0, 0)))
                    y = np.pad(y, ((0, a.crop - len(y)), (0, 0)))
                bx.append(x)
                by.append(y)
            bx, by = torch.from_numpy(np.stack(bx)), torch.from_numpy(np.stack(by))
            p = model(bx)
            loss = (F.binary_cross_entropy(p, by, reduction='none') * weight).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        model.eval()
        with torch.no_grad():
            hl = np.mean([F.binary_cross_entropy(model(torch.from_numpy(xs[i][None])), torch.from_numpy(ys[i][None])).item()
                          for i in hold])
        print(f'epoch {epoch + 1}/{a.epochs}: loss {total / steps_per_epoch:.4f}, held-out {hl:.4f}, {time.time() - t0:.0f} s', flush=True)

    export(model, a.out, check_input(xs, labels), {'trained_on': trained_on, 'epochs': epochs})

if __name__ == '__main__':
    main()
