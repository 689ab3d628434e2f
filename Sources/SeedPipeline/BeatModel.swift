import Crypto
import Foundation
import SeedDSP

/// The beat network's weights shipped with seed (`Resources/beat-tcn.safetensors`, made by
/// `Training/train.py`), loaded once and checked against their recorded sha256.
public enum BeatModel {
    /// sha256 of the committed weight file (also in Training/README.md).
    public static let sha256 = "80266876c41bcaa0f4f83309a043711140298d7e2a46ca87fa482e1321745f3c"

    /// Why the weights could not be used: an installation problem, never the user's input.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The path of the weight file in seed's resource bundle.
    public static var path: String? { Bundle.module.path(forResource: "beat-tcn", ofType: "safetensors") }

    private static let loaded: Result<BeatActivationNetwork, Error> = Result {
        guard let path, let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "seed's beat model (beat-tcn.safetensors) is missing from its installation")
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard digest == sha256 else {
            throw LoadError(description: "seed's beat model is damaged (sha256 \(digest.prefix(12))…, expected \(sha256.prefix(12))…)")
        }
        return try BeatActivationNetwork(weights: SafeTensors(bytes: [UInt8](data)))
    }

    /// The network, or the reason it cannot be loaded.
    public static func network() throws -> BeatActivationNetwork { try loaded.get() }
}
