import Foundation
import Testing
@testable import AvatarImaging

/// `avatar-spool split` as a person runs it: the built binary on real files.
@Suite("Imaging split command", .serialized)
struct ImagingSplitCommandTests {
    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("split-cmd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func split(_ args: [String]) throws -> (status: Int32, output: String) {
        try ProcessSupport.runToEnd(ProcessSupport.binary, ["split"] + args)
    }

    @Test("split creates a missing output folder (with parents), writes four parts and the debug boxes")
    func createsFolder() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (image, cells) = ImagingGridSplitterTests.syntheticGrid()
        try Data(PNGCodec.encode(image)).write(to: URL(fileURLWithPath: dir + "/grid.png"))
        let out = dir + "/new/nested"
        let (status, output) = try Self.split([dir + "/grid.png", out, "--debug-boxes", dir + "/boxes.png"])
        #expect(status == 0, "\(output)")
        for (n, cell) in cells.enumerated() {
            let part = try PNGCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/image_\(n).png"))))
            #expect(part == image.cropped(to: cell))
            #expect(output.contains("image_\(n).png  \(cell.width)x\(cell.height)+\(cell.x)+\(cell.y)"), "\(output)")
        }
        let boxes = try PNGCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/boxes.png"))))
        #expect(boxes.width == image.width && boxes.height == image.height && boxes != image)
        #expect(output.contains("cells in blue, trimmed parts in red"))
    }

    /// Bad files, each with what its error must say.
    static func badFiles() throws -> [(name: String, bytes: [UInt8], says: String)] {
        let good = try PNGCodec.encode(ImagingSupport.pattern(width: 64, height: 64))
        var corrupt = good
        for i in stride(from: 60, to: corrupt.count - 20, by: 7) { corrupt[i] ^= 0x5a }
        // IHDR claiming 20000x20000 with a correct CRC.
        var huge = good
        let side: [UInt8] = [0x00, 0x00, 0x4E, 0x20]
        huge.replaceSubrange(16..<20, with: side)
        huge.replaceSubrange(20..<24, with: side)
        huge.replaceSubrange(29..<33, with: crc(Array(huge[12..<29])))
        // APNG: an acTL chunk after IHDR.
        let actl: [UInt8] = Array("acTL".utf8) + [0, 0, 0, 2, 0, 0, 0, 0]
        let apng = Array(good[0..<33]) + [0, 0, 0, 8] + actl + crc(actl) + Array(good[33...])
        return [
            ("empty.png", [], "the file is empty"),
            ("truncated.png", Array(good.prefix(good.count / 2)), "PNG decode failed"),
            ("corrupt.png", corrupt, "PNG decode failed"),
            ("tiny.png", try PNGCodec.encode(PixelImage(width: 1, height: 1, fill: (1, 2, 3))), "1x1 image is too small to be a 2x2 grid"),
            ("huge.png", huge, "20000x20000, more than the 16777216 pixels allowed"),
            ("anim.png", apng, "an animated PNG (APNG)"),
            ("text.png", Array("GIF89a not a png".utf8), "not a PNG"),
        ]
    }

    @Test("bad input gives one clear error naming the file once, exit 1, never a crash and never a partial output")
    func badInput() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, bytes, says) in try Self.badFiles() {
            let path = dir + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let out = dir + "/out-" + name
            let (status, output) = try Self.split([path, out])
            #expect(status == 1, "\(name): \(output)")
            #expect(output.contains(says), "\(name): \(output)")
            #expect(output.components(separatedBy: name).count == 2, "\(name) named once: \(output)")
            #expect(output.hasPrefix("error: \(path): "), "\(name): \(output)")
            let written = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            #expect(written.isEmpty, "\(name): \(written)")
        }
        let (status, output) = try Self.split([dir + "/missing.png", dir + "/out"])
        #expect(status == 1 && output.contains("missing.png: cannot open"), "\(output)")
    }

    static func crc(_ bytes: [UInt8]) -> [UInt8] {
        var c: UInt32 = 0xffff_ffff
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xedb8_8320 : c >> 1 }
        }
        c = ~c
        return [UInt8(c >> 24), UInt8(c >> 16 & 0xff), UInt8(c >> 8 & 0xff), UInt8(c & 0xff)]
    }
}
