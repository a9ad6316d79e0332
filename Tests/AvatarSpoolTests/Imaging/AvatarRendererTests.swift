import AvatarDomain
import AvatarTask
import Foundation
import Testing
@testable import AvatarImaging
@testable import AvatarProviders

@Suite struct ImagingAvatarRendererTests {
    static let ada = Persona(firstname: "Ada", lastname: "Lovelace", gender: "female", age: 36,
                             country: "GB", city: "London", occupation: "mathematician", bio: "")
    static let kofi = Persona(firstname: "Kofi", lastname: "Mensah", gender: "male", age: 61,
                              country: "GH", city: "Accra", occupation: "teacher", bio: "")
    static let size = ImageSize(width: 256, height: 256)

    @Test("the seed is a stable FNV-1a hash, the same in every process")
    func stableSeed() {
        #expect(SeededRandom.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(SeededRandom.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(AvatarRenderer.seed(taskID: "t", index: 1, persona: Self.ada) == SeededRandom.fnv1a("t|1|Ada Lovelace"))
    }

    @Test("the same persona renders to identical PNG bytes")
    func deterministic() async throws {
        let provider = BuiltinImageProvider()
        let task = TaskSpec(taskID: "det", count: 1, images: ImageOptions(size: Self.size))
        let a = try await provider.baseImage(prompt: "", persona: Self.ada, task: task, index: 1)
        let b = try await provider.baseImage(prompt: "", persona: Self.ada, task: task, index: 1)
        #expect(a.png == b.png)
        let image = try ImageValidator.validate(a.png, expectedSize: Self.size)
        #expect(image.channels == 3)
    }

    @Test("different personas, or the same persona at another index, look different")
    func varied() {
        let renderer = AvatarRenderer()
        var images: [PixelImage] = []
        for (persona, index) in [(Self.ada, 1), (Self.kofi, 1), (Self.ada, 2)] {
            let seed = AvatarRenderer.seed(taskID: "var", index: index, persona: persona)
            images.append(renderer.base(persona: persona, seed: seed, size: Self.size))
        }
        for i in 0..<images.count {
            for j in (i + 1)..<images.count {
                let differing = zip(images[i].pixels, images[j].pixels).filter { abs(Int($0) - Int($1)) > 30 }.count
                #expect(differing > images[i].pixels.count / 10, "images \(i) and \(j) are too alike")
            }
        }
    }

    @Test("a rendered grid splits into four non-blank cells with no white gutter on their edges")
    func gridSplits() throws {
        let renderer = AvatarRenderer()
        for (n, persona) in [Self.ada, Self.kofi].enumerated() {
            let size = n == 0 ? ImageSize(width: 512, height: 512) : ImageSize(width: 384, height: 320)
            let grid = renderer.grid(persona: persona, seed: UInt64(n) &+ 99, size: size)
            let cells = try GridSplitter.split(grid)
            #expect(cells.count == 4)
            for cell in cells {
                #expect(cell.width > size.width * 2 / 5 && cell.height > size.height * 2 / 5)
                #expect(ImageValidator.lumaDeviation(of: cell) > 10)
                #expect(Self.whiteEdgeShare(cell) < 0.5)
            }
        }
    }

    @Test("sizes outside 256…2048 are refused with a clear error")
    func sizeRange() async {
        let task = TaskSpec(taskID: "s", count: 1, images: ImageOptions(size: ImageSize(width: 128, height: 128)))
        await #expect(throws: ProviderError.self) {
            _ = try await BuiltinImageProvider().baseImage(prompt: "", persona: Self.ada, task: task, index: 1)
        }
    }

    @Test("writes sample avatars to AVATAR_LOOK_DIR when set, for eyeballing")
    func look() throws {
        guard let dir = ProcessInfo.processInfo.environment["AVATAR_LOOK_DIR"] else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let renderer = AvatarRenderer()
        let names = [("Ada", "Lovelace", "female", 36), ("Kofi", "Mensah", "male", 61), ("Mei", "Chen", "female", 24),
                     ("Lars", "Berg", "male", 45), ("Sam", "Rivera", "nonbinary", 29), ("Olu", "Ade", "male", 30),
                     ("Ines", "Costa", "female", 70), ("Raj", "Patel", "male", 52)]
        let size = Int(ProcessInfo.processInfo.environment["AVATAR_LOOK_SIZE"] ?? "512") ?? 512
        // A contact sheet of 24 faces, 6 x 4 at 200 px.
        var sheet = PixelImage(width: 1200, height: 800, fill: (255, 255, 255))
        let genders = ["female", "male", "nonbinary"]
        for k in 0..<24 {
            let p = Persona(firstname: "P\(k)", lastname: "Q", gender: genders[k % 3], age: 18 + (k * 13) % 60,
                            country: "", city: "", occupation: "", bio: "")
            let face = renderer.base(persona: p, seed: AvatarRenderer.seed(taskID: "sheet", index: k, persona: p),
                                     size: ImageSize(width: 200, height: 200))
            for y in 0..<200 {
                let dst = sheet.offset(x: (k % 6) * 200, y: (k / 6) * 200 + y)
                sheet.pixels.replaceSubrange(dst..<dst + 600, with: face.pixels[(y * 600)..<(y * 600 + 600)])
            }
        }
        try Data(PNGCodec.encode(sheet)).write(to: URL(fileURLWithPath: "\(dir)/sheet.png"))
        for (i, (first, last, gender, age)) in names.enumerated() {
            let p = Persona(firstname: first, lastname: last, gender: gender, age: age, country: "", city: "", occupation: "", bio: "")
            let seed = AvatarRenderer.seed(taskID: "look", index: i + 1, persona: p)
            let s = ImageSize(width: size, height: size)
            try Data(PNGCodec.encode(renderer.base(persona: p, seed: seed, size: s))).write(to: URL(fileURLWithPath: "\(dir)/base_\(i).png"))
            if i < 3 {
                let grid = renderer.grid(persona: p, seed: seed, size: s)
                try Data(PNGCodec.encode(grid)).write(to: URL(fileURLWithPath: "\(dir)/grid_\(i).png"))
                for (k, cell) in try GridSplitter.split(grid).enumerated() {
                    try Data(PNGCodec.encode(cell)).write(to: URL(fileURLWithPath: "\(dir)/grid_\(i)_cell\(k).png"))
                }
            }
        }
    }

    /// The largest share of near-white pixels along any of the cell's four edges.
    static func whiteEdgeShare(_ image: PixelImage) -> Double {
        func share(_ points: [(Int, Int)]) -> Double {
            let white = points.filter { x, y in
                let p = image.rgb(x: x, y: y)
                return min(p.r, p.g, p.b) >= 215 && max(p.r, p.g, p.b) - min(p.r, p.g, p.b) <= 24
            }.count
            return Double(white) / Double(points.count)
        }
        let w = image.width, h = image.height
        return [
            share((0..<w).map { ($0, 0) }), share((0..<w).map { ($0, h - 1) }),
            share((0..<h).map { (0, $0) }), share((0..<h).map { (w - 1, $0) }),
        ].max() ?? 0
    }
}
