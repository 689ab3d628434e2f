import CCairo
import Foundation
import SeedFiles

/// Draws a laid-out plot with cairo: the same drawing code gives the SVG and the PNG surface, so
/// both have the labels (cairo's text through fontconfig) and cairo's zlib compresses the PNG.
public enum PlotRenderer {
    public enum Format: String, Sendable { case svg, png }

    /// The format an output path asks for by its extension (SVG unless it ends in .png).
    public static func format(for path: String) -> Format {
        path.lowercased().hasSuffix(".png") ? .png : .svg
    }

    /// Writes `scene` to `path` (a temporary output; the caller renames it into place).
    public static func write(_ scene: PlotScene, to path: String, format: Format) throws {
        let surface: OpaquePointer?
        switch format {
        case .svg: surface = cairo_svg_surface_create(path, Double(scene.width), Double(scene.height))
        case .png: surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(scene.width), Int32(scene.height))
        }
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw FileError.writeFailed(path, reason: surface.map { status($0) } ?? "cairo could not start")
        }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)
        draw(scene, cr)
        cairo_destroy(cr)
        if format == .png {
            let r = cairo_surface_write_to_png(surface, path)
            if r != CAIRO_STATUS_SUCCESS { throw FileError.writeFailed(path, reason: String(cString: cairo_status_to_string(r))) }
        }
        cairo_surface_finish(surface)
        if cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS {
            throw FileError.writeFailed(path, reason: status(surface))
        }
    }

    /// Where each text item lands, as (x, y, width, height) in pixels, measured with the font
    /// the plot is drawn with: for checking that no two labels overlap.
    public static func textBoxes(_ scene: PlotScene) -> [(x: Double, y: Double, w: Double, h: Double, text: String)] {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8)
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        var boxes: [(Double, Double, Double, Double, String)] = []
        for case .text(let x, let y, let t, let size, _, let anchor) in scene.items {
            let e = extents(cr, t, size: size)
            let left = x - offset(e.xAdvance, anchor) + e.xBearing
            boxes.append((left, y + e.yBearing, e.width, e.height, t))
        }
        return boxes
    }

    static func draw(_ scene: PlotScene, _ cr: OpaquePointer?) {
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        for item in scene.items {
            switch item {
            case .rect(let x, let y, let w, let h, let c, let o):
                set(cr, c, o)
                cairo_rectangle(cr, x, y, w, h)
                cairo_fill(cr)
            case .line(let x1, let y1, let x2, let y2, let c, let w):
                set(cr, c, 1)
                cairo_set_line_width(cr, w)
                cairo_move_to(cr, x1, y1)
                cairo_line_to(cr, x2, y2)
                cairo_stroke(cr)
            case .polyline(let points, let c, let w):
                guard let first = points.first else { continue }
                set(cr, c, 1)
                cairo_set_line_width(cr, w)
                cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
                cairo_move_to(cr, first.0, first.1)
                for p in points.dropFirst() { cairo_line_to(cr, p.0, p.1) }
                cairo_stroke(cr)
            case .text(let x, let y, let t, let size, let c, let anchor):
                set(cr, c, 1)
                let e = extents(cr, t, size: size)
                cairo_move_to(cr, x - offset(e.xAdvance, anchor), y)
                cairo_show_text(cr, t)
                cairo_new_path(cr)
            }
        }
    }

    private static func set(_ cr: OpaquePointer?, _ c: PlotScene.Color, _ alpha: Double) {
        cairo_set_source_rgba(cr, Double(c.r) / 255, Double(c.g) / 255, Double(c.b) / 255, alpha)
    }

    private static func extents(_ cr: OpaquePointer?, _ t: String, size: Double) -> (xBearing: Double, yBearing: Double, width: Double, height: Double, xAdvance: Double) {
        cairo_set_font_size(cr, size)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, t, &e)
        return (e.x_bearing, e.y_bearing, e.width, e.height, e.x_advance)
    }

    /// How far left of `x` a text starts for its SVG-style anchor.
    private static func offset(_ advance: Double, _ anchor: String) -> Double {
        anchor == "middle" ? advance / 2 : (anchor == "end" ? advance : 0)
    }

    private static func status(_ s: OpaquePointer) -> String { String(cString: cairo_status_to_string(cairo_surface_status(s))) }
}
