import Crypto
import Foundation
import SeedDSP

/// The beat networks' weights shipped with seed (`Resources/beat-tcn*.safetensors`, made by
/// `Training/train.py`), loaded once and checked against their recorded sha256. The tracker
/// averages their activations: two networks trained on different renders err on different music.
public enum BeatModel {
    /// A weight file in seed's resources and the sha256 recorded for it (also in Training/README.md).
    public struct WeightFile: Sendable {
        public var name: String
        public var sha256: String
    }

    /// The committed weight files, in the order their activations are averaged.
    public static let files = [
        WeightFile(name: "beat-tcn", sha256: "80266876c41bcaa0f4f83309a043711140298d7e2a46ca87fa482e1321745f3c"),
        WeightFile(name: "beat-tcn-b", sha256: "9be8836dbeea4714e764e5962967a06b762be4d3b919c452e23416ae2102c986"),
    ]

    /// Why the weights could not be used: an installation problem, never the user's input.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The path of a weight file in seed's resource bundle.
    public static func path(_ file: WeightFile) -> String? {
        Bundle.module.path(forResource: file.name, ofType: "safetensors")
    }

    private static func load(_ file: WeightFile) throws -> BeatActivationNetwork {
        guard let path = path(file), let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "seed's beat model (\(file.name).safetensors) is missing from its installation")
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard digest == file.sha256 else {
            throw LoadError(description: "seed's beat model \(file.name) is damaged (sha256 \(digest.prefix(12))…, expected \(file.sha256.prefix(12))…)")
        }
        return try BeatActivationNetwork(weights: SafeTensors(bytes: [UInt8](data)))
    }

    private static let loaded: Result<[BeatActivationNetwork], Error> = Result { try files.map(load) }

    /// The networks, or the reason they cannot be loaded.
    public static func networks() throws -> [BeatActivationNetwork] { try loaded.get() }
}
