import COpenBLAS
import Foundation

/// The learned beat and downbeat activation: a non-causal temporal convolutional network after
/// Davies & Böck (2019), "Temporal convolutional networks for musical audio beat tracking", and
/// Böck & Davies (2020), "Deconstruct, analyse, reconstruct: how to improve tempo, beat, and
/// downbeat estimation". Input: the onset extractor's band features per frame
/// (`OnsetTrack.bands`); a 3-frame convolution to C channels, then dilated 5-tap convolutions
/// (ELU, residual), then two sigmoid outputs: P(beat) and P(downbeat) per frame.
///
/// Each convolution runs as `kernel` matrix products on shifted views of a zero-padded,
/// channel-major buffer (no im2col copy), through BLAS sgemm. Trained by `Training/train.py`;
/// weights in safetensors.
public final class BeatActivationNetwork: @unchecked Sendable {
    public let features: Int
    public let channels: Int
    public let kernel: Int
    public let dilations: [Int]
    /// Frames each output depends on either side: inputs this far from a chunk's edge are needed.
    public let receptiveField: Int
    private let mean: [Float], scale: [Float]
    private let front: [Float], frontBias: [Float]        // C × (3·F), column tap·F + feature
    private let layers: [[Float]], layerBias: [[Float]]   // per layer C × (taps·C), column tap·C + channel
    private let outWeight: [Float], outBias: [Float]      // 2 × C
    /// Real features (frames × features) and the training framework's output on them (frames × 2),
    /// for the parity test, when the file has them.
    public let checkInput: [Float]?, checkOutput: [Float]?

    public init(weights: SafeTensors) throws {
        BLASThreads.useCallerThreadOnly()
        let m = weights.metadata
        guard m["format"] == "seed-beat-tcn-1", let f = Int(m["features"] ?? ""), let k = Int(m["kernel"] ?? ""),
              let d = m["dilations"]?.split(separator: ",").compactMap({ Int($0) }), !d.isEmpty else {
            throw SafeTensors.FormatError(description: "not a seed beat network (format \(m["format"] ?? "none"))")
        }
        let frontShape = weights.tensors["front.weight"]?.shape ?? []
        guard frontShape.count == 3, frontShape[1] == f, frontShape[2] == 3 else {
            throw SafeTensors.FormatError(description: "front.weight has shape \(frontShape)")
        }
        let c = frontShape[0]
        features = f; channels = c; kernel = k; dilations = d
        receptiveField = 1 + d.reduce(0) { $0 + $1 * (k / 2) }
        mean = try weights.tensor("norm.mean", shape: [f])
        scale = try weights.tensor("norm.scale", shape: [f])
        let fw = try weights.tensor("front.weight", shape: [c, f, 3])
        front = Self.gathered(fw, outputs: c, inputs: f, taps: 3)
        frontBias = try weights.tensor("front.bias", shape: [c])
        var ls: [[Float]] = [], lb: [[Float]] = []
        for i in d.indices {
            let w = try weights.tensor("tcn.\(i).weight", shape: [c, c, k])
            ls.append(Self.gathered(w, outputs: c, inputs: c, taps: k))
            lb.append(try weights.tensor("tcn.\(i).bias", shape: [c]))
        }
        layers = ls; layerBias = lb
        outWeight = try weights.tensor("out.weight", shape: [2, c, 1])
        outBias = try weights.tensor("out.bias", shape: [2])
        checkInput = weights.tensors["check.input"]?.values
        checkOutput = weights.tensors["check.output"]?.values
    }

    /// PyTorch's (outputs, inputs, taps) weights as the matrix that multiplies gathered taps.
    private static func gathered(_ w: [Float], outputs: Int, inputs: Int, taps: Int) -> [Float] {
        var m = [Float](repeating: 0, count: outputs * inputs * taps)
        for o in 0..<outputs {
            for j in 0..<inputs {
                for tap in 0..<taps { m[o * inputs * taps + tap * inputs + j] = w[(o * inputs + j) * taps + tap] }
            }
        }
        return m
    }

    /// P(beat) and P(downbeat) for `frames` frames of features (frame-major, `features` each),
    /// interleaved: [beat₀, downbeat₀, beat₁, …]. The sequence is zero-padded at both ends, as in training.
    public func run(_ input: UnsafeBufferPointer<Float>, frames: Int) -> [Float] {
        precondition(input.count >= frames * features)
        guard frames > 0 else { return [] }
        let c = channels, f = features, t = frames
        let pad = max(1, dilations.max()! * (kernel / 2))
        let width = t + 2 * pad                               // padded row length of `h`
        let tile = min(t, Self.tile)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: f * (t + 2))
        // The hidden state, in two buffers: each layer reads one and writes the other, so its
        // tiles can finish their frames (ELU, residual) while other tiles still read their inputs.
        var h = UnsafeMutablePointer<Float>.allocate(capacity: c * width)
        var next = UnsafeMutablePointer<Float>.allocate(capacity: c * width)
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: c * t)
        defer { x.deallocate(); h.deallocate(); next.deallocate(); tmp.deallocate() }
        x.initialize(repeating: 0, count: f * (t + 2))
        h.initialize(repeating: 0, count: c * width)
        next.initialize(repeating: 0, count: c * width)
        // Normalized input, channel-major, zero-padded.
        for i in 0..<t {
            for j in 0..<f { x[j * (t + 2) + 1 + i] = (input[i * f + j] - mean[j]) * scale[j] }
        }
        // One convolution as one matrix product per tile of frames: the taps' shifted rows are
        // gathered into `col` (taps × input channels, tile), so the product's inner dimension is
        // taps × channels rather than a product per tap over only the channels. Tiles run on every
        // core, each product on one BLAS thread (BLAS's own threads would spin against seed's),
        // and each tile then writes its frames of the next state into `dst`: ELU of the product,
        // plus the layer's input where the layer is residual (its input and output share a layout).
        let tiles = (t + tile - 1) / tile
        func convolve(_ src: UnsafeMutablePointer<Float>, rowLength: Int, padding: Int, inputs: Int, taps: Int, dilation: Int,
                      weights: [Float], bias: [Float], residual: Bool, into dst: UnsafeMutablePointer<Float>) {
            let k = taps * inputs
            DispatchQueue.concurrentPerform(iterations: tiles) { index in
                let from = index * tile
                let n = min(tile, t - from)
                let col = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
                defer { col.deallocate() }
                for tap in 0..<taps {
                    let shift = (tap - taps / 2) * dilation
                    for j in 0..<inputs {
                        (col + (tap * inputs + j) * n).update(from: src + j * rowLength + padding + from + shift, count: n)
                    }
                }
                for ch in 0..<c { (tmp + ch * t + from).update(repeating: bias[ch], count: n) }
                weights.withUnsafeBufferPointer { w in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(c), Int32(n), Int32(k), 1,
                                w.baseAddress, Int32(k), col, Int32(n), 1, tmp + from, Int32(t))
                }
                for ch in 0..<c {
                    let product = tmp + ch * t + from, out = dst + ch * width + pad + from
                    if residual {
                        let before = src + ch * rowLength + padding + from
                        for i in 0..<n { out[i] = before[i] + elu(product[i]) }
                    } else {
                        for i in 0..<n { out[i] = elu(product[i]) }
                    }
                }
            }
        }
        convolve(x, rowLength: t + 2, padding: 1, inputs: f, taps: 3, dilation: 1, weights: front, bias: frontBias,
                 residual: false, into: h)
        for (l, d) in dilations.enumerated() {
            convolve(h, rowLength: width, padding: pad, inputs: c, taps: kernel, dilation: d, weights: layers[l], bias: layerBias[l],
                     residual: true, into: next)
            swap(&h, &next)
        }
        let o = UnsafeMutablePointer<Float>.allocate(capacity: 2 * t)
        defer { o.deallocate() }
        for j in 0..<2 { (o + j * t).update(repeating: outBias[j], count: t) }
        outWeight.withUnsafeBufferPointer { w in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, Int32(t), Int32(c), 1,
                        w.baseAddress, Int32(c), h + pad, Int32(width), 1, o, Int32(t))
        }
        var out = [Float](repeating: 0, count: 2 * t)
        for i in 0..<t {
            out[2 * i] = 1 / (1 + expf(-o[i]))
            out[2 * i + 1] = 1 / (1 + expf(-o[t + i]))
        }
        return out
    }

    /// Frames per matrix product: the gathered taps of a tile stay within a few MB.
    static let tile = 2048
}

@inline(__always) private func elu(_ v: Float) -> Float { v > 0 ? v : expf(v) - 1 }

/// Runs one or more `BeatActivationNetwork`s over features as they arrive, in chunks with the
/// networks' receptive field on either side, so memory stays bounded and every output equals that
/// of one run over the whole input. With several networks (trained on different data) the output
/// is their frame-wise mean, an ensemble after Böck, Krebs & Widmer (2014), "A multi-model
/// approach to beat tracking considering heterogeneous music styles", which averages the
/// activations of models that err on different material.
public final class BeatActivationStream {
    public let networks: [BeatActivationNetwork]
    /// Output frames per chunk (2 minutes at 100 frames a second).
    public let chunk: Int
    private let features: Int
    private let receptiveField: Int
    private var input: [Float] = []       // features from frame `inputBase` on
    private var inputBase = 0
    private var received = 0
    private var emitted = 0
    private var level: AnalysisLevel
    /// The gain the features are read at (`AnalysisLevel`), fixed when the networks first run: from
    /// the whole input where it fits one chunk, else from its first chunk and context (2 minutes
    /// and more). Nil until then; the features are rescaled in place from then on.
    public private(set) var gain: Float?
    private var logBands: [Float] = []    // of the frames returned, until taken

    /// Networks must read the same features; `fps` is their frame rate (for the level's blocks).
    public init(networks: [BeatActivationNetwork], chunk: Int = 12_000, fps: Double = 100) {
        precondition(!networks.isEmpty && networks.allSatisfy { $0.features == networks[0].features })
        self.networks = networks
        self.chunk = chunk
        features = networks[0].features
        receptiveField = networks.map(\.receptiveField).max()!
        level = AnalysisLevel(fps: fps)
        // What a chunk needs plus a block read's worth, so appending never doubles the buffer.
        input.reserveCapacity((chunk + 2 * receptiveField + 2048) * features)
    }

    /// Values per output frame: the networks' mean beat and downbeat activations, and the
    /// strongest single network's beat activation (whether any of them hears a beat there).
    public static let outputsPerFrame = 3

    /// Adds feature frames (frame-major) and their input's mean squares (`OnsetTrack.energy`; none:
    /// the features are read as they are) and returns the activations of the frames that are now
    /// final: mean beat, mean downbeat and strongest beat, interleaved.
    public func push(_ bands: [Float], energy: [Float] = []) -> [Float] {
        if gain == nil { level.add(energy) }
        let first = received
        input.append(contentsOf: bands)
        received += bands.count / features
        if let gain, gain != 1 { rescale(from: first, gain: gain) }
        var out: [Float] = []
        while received >= emitted + chunk + receptiveField {
            out += run(to: emitted + chunk, inputTo: emitted + chunk + receptiveField)
        }
        return out
    }

    /// The log band magnitudes (the first half of each frame's features, read at `gain`, as the
    /// networks read them) of the frames whose activations were returned since the last call.
    public func takeLogBands() -> [Float] {
        var taken: [Float] = []
        swap(&taken, &logBands)
        return taken
    }

    /// The activations of the frames not yet returned.
    public func finish() -> [Float] {
        guard received > emitted else { return [] }
        return run(to: received, inputTo: received)
    }

    private func run(to end: Int, inputTo: Int) -> [Float] {
        let f = features
        let from = max(0, emitted - receptiveField)
        if gain == nil {
            let g = level.gain
            gain = g
            // Nothing has been dropped yet: every frame so far is read at the gain.
            if g != 1 { rescale(from: inputBase, gain: g) }
        }
        let result = input.withUnsafeBufferPointer { p -> [Float] in
            let slice = UnsafeBufferPointer(rebasing: p[((from - inputBase) * f)..<((inputTo - inputBase) * f)])
            let frames = inputTo - from
            let k = Self.outputsPerFrame
            var out = [Float](repeating: 0, count: k * frames)
            for network in networks {
                let run = network.run(slice, frames: frames)   // beat, downbeat per frame
                for t in 0..<frames {
                    out[k * t] += run[2 * t]
                    out[k * t + 1] += run[2 * t + 1]
                    out[k * t + 2] = max(out[k * t + 2], run[2 * t])
                }
            }
            let share = 1 / Float(networks.count)
            for t in 0..<frames { out[k * t] *= share; out[k * t + 1] *= share }
            return out
        }
        let out = Array(result[(Self.outputsPerFrame * (emitted - from))..<(Self.outputsPerFrame * (end - from))])
        let bands = f / 2
        logBands.reserveCapacity(logBands.count + (end - emitted) * bands)
        for t in emitted..<end {
            let row = (t - inputBase) * f
            logBands += input[row..<(row + bands)]
        }
        emitted = end
        // One frame more than the next run reads: the next pushed frame's differences are taken
        // against it when the features are rescaled.
        let keepFrom = max(0, emitted - receptiveField - 1)
        if keepFrom > inputBase {
            input.removeFirst((keepFrom - inputBase) * f)
            inputBase = keepFrom
        }
        return out
    }

    /// Reads the frames from `first` on at `gain`, in place. Their differences are taken against the
    /// frame before, which is held (a run keeps one frame more than the next run reads) and read
    /// at the gain already; at the input's start, against the extractor's zeros.
    private func rescale(from first: Int, gain: Float) {
        let f = features, bands = features / 2
        precondition(first == 0 || first > inputBase)
        input.withUnsafeMutableBufferPointer { p in
            let rows = UnsafeMutableBufferPointer(rebasing: p[((first - inputBase) * f)...])
            guard first > 0 else {
                rescaleBandFeatures(rows, frames: received - first, bands: bands, gain: gain, previous: nil)
                return
            }
            let before = (first - 1 - inputBase) * f
            rescaleBandFeatures(rows, frames: received - first, bands: bands, gain: gain,
                                previous: UnsafeBufferPointer(rebasing: p[before..<(before + bands)]))
        }
    }
}
