import Foundation
import SeedAudio

extension PlotScene {
    /// The scene as an SVG document.
    public func svg() -> String {
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        func esc(_ t: String) -> String {
            t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
        for item in items {
            switch item {
            case .rect(let x, let y, let w, let h, let c, let o):
                out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(c.hex)\"\(o < 1 ? " fill-opacity=\"\(o)\"" : "")/>\n"
            case .line(let a, let b, let c, let d, let color, let w):
                out += "<line x1=\"\(n(a))\" y1=\"\(n(b))\" x2=\"\(n(c))\" y2=\"\(n(d))\" stroke=\"\(color.hex)\" stroke-width=\"\(n(w))\"/>\n"
            case .polyline(let points, let color, let w):
                let p = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
                out += "<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"\(n(w))\"/>\n"
            case .text(let x, let y, let t, let size, let color, let anchor):
                out += "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" fill=\"\(color.hex)\" text-anchor=\"\(anchor)\">\(esc(t))</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    /// The scene rasterized to an RGB PNG. Text is left out (there is no font); the SVG has it.
    public func png() -> Data {
        var canvas = Raster(width: width, height: height)
        for item in items {
            switch item {
            case .rect(let x, let y, let w, let h, let c, let o): canvas.fill(x: x, y: y, w: w, h: h, c, o)
            case .line(let a, let b, let c, let d, let color, let w): canvas.line(a, b, c, d, color, w)
            case .polyline(let points, let color, let w):
                for (p, q) in zip(points, points.dropFirst()) { canvas.line(p.0, p.1, q.0, q.1, color, w) }
            case .text: break
            }
        }
        return canvas.encodePNG()
    }
}

/// An RGB pixel buffer with alpha-blended rectangles and lines.
struct Raster {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
    }

    mutating func blend(_ x: Int, _ y: Int, _ c: PlotScene.Color, _ a: Double) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        for (k, v) in [c.r, c.g, c.b].enumerated() {
            pixels[i + k] = UInt8((Double(pixels[i + k]) * (1 - a) + Double(v) * a).rounded())
        }
    }

    mutating func fill(x: Double, y: Double, w: Double, h: Double, _ c: PlotScene.Color, _ a: Double) {
        let top = max(0, Int(y.rounded())), left = max(0, Int(x.rounded()))
        let bottom = min(height, Int((y + h).rounded())), right = min(width, Int((x + w).rounded()))
        guard top < bottom, left < right else { return }
        for py in top..<bottom { for px in left..<right { blend(px, py, c, a) } }
    }

    /// A line as a run of square dots `w` wide, one per pixel step along its longer axis.
    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ c: PlotScene.Color, _ w: Double) {
        let steps = max(1, Int(max(abs(x2 - x1), abs(y2 - y1)).rounded(.up)))
        let r = max(0, Int((w / 2).rounded(.down)))
        let wide = max(1, Int(w.rounded()))
        for s in 0...steps {
            let t = Double(s) / Double(steps)
            let px = Int((x1 + (x2 - x1) * t).rounded()), py = Int((y1 + (y2 - y1) * t).rounded())
            for dy in -r..<(wide - r) { for dx in -r..<(wide - r) { setPixel(px + dx, py + dy, c) } }
        }
    }

    mutating func setPixel(_ x: Int, _ y: Int, _ c: PlotScene.Color) { blend(x, y, c, 1) }

    /// PNG (ISO/IEC 15948): 8-bit RGB, filter 0 rows, one compressed zlib stream (`zlibCompress`).
    func encodePNG() -> Data {
        var raw = [UInt8]()
        raw.reserveCapacity((width * 3 + 1) * height)
        for y in 0..<height {
            raw.append(0)
            raw += pixels[(y * width * 3)..<((y + 1) * width * 3)]
        }
        let z = zlibCompress(raw)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", z)
        png += chunk("IEND", [])
        return Data(png)
    }

    private func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return be32(UInt32(body.count)) + typed + be32(crc32(typed))
    }

    private func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = Self.crcTable[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
