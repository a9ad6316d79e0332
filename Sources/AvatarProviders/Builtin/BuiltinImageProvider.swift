import AvatarDomain
import AvatarImaging
import AvatarSystem
import AvatarTask

/// The offline image provider: renders a persona's avatar procedurally
/// (`AvatarRenderer`), deterministic per task, index and persona. Any size
/// from 256 to 2048 per side. Rendering and encoding run on
/// `BlockingPool.shared`, never on the cooperative pool.
public struct BuiltinImageProvider: ImageProvider {
    public let name = "builtin"
    /// Any size: `sizeRange` per side.
    public var sizeRule: ImageSizeRule { .anyInRange }
    /// The sides this provider renders.
    public static let sizeRange = 256...2048

    private let renderer = AvatarRenderer()
    private let compressionLevel: Int
    private let pool: BlockingPool
    /// Testing knob: an artificial wait before each image, as if a remote
    /// provider were answering (AVATAR_BUILTIN_IMAGE_DELAY_MS; default none).
    private let delay: Duration


    /// - Parameters:
    ///   - compressionLevel: zlib level for the PNGs (1–3 is fast).
    ///   - pool: where the CPU work runs.
    ///   - delay: testing only: how long each request "takes" before rendering.
    public init(compressionLevel: Int = 2, pool: BlockingPool = .shared, delay: Duration = .zero) {
        self.compressionLevel = compressionLevel
        self.pool = pool
        self.delay = delay
    }

    /// Step 2: the base selfie at `task.images.size`.
    /// - Throws: `ProviderError.configuration` for a size out of range,
    ///   `.badImage` if encoding fails.
    public func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        let size = try checkedSize(task.images.size)
        if delay > .zero { try await Task.sleep(for: delay) }
        let seed = AvatarRenderer.seed(taskID: task.taskID, index: index, persona: persona)
        let (renderer, level) = (self.renderer, compressionLevel)
        let png = try await pool.run { try Self.encode(renderer.base(persona: persona, seed: seed, size: size), level) }
        return GeneratedImage(png: png)
    }

    /// Step 4: a 2x2 grid of four variations, at `task.images.size`. The base
    /// image is not read: the persona's seed reproduces its look.
    public func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        let size = try checkedSize(task.images.size)
        if delay > .zero { try await Task.sleep(for: delay) }
        let seed = AvatarRenderer.seed(taskID: task.taskID, index: index, persona: persona)
        let (renderer, level) = (self.renderer, compressionLevel)
        let png = try await pool.run { try Self.encode(renderer.grid(persona: persona, seed: seed, size: size), level) }
        return GeneratedImage(png: png)
    }

    /// `auto` renders `ImageSize.defaultAuto`.
    private func checkedSize(_ requested: ImageSize) throws -> ImageSize {
        let size = requested.resolved
        guard Self.sizeRange.contains(size.width), Self.sizeRange.contains(size.height) else {
            throw ProviderError(.configuration, provider: name,
                                message: "image size \(size) is outside \(Self.sizeRange.lowerBound)…\(Self.sizeRange.upperBound) per side")
        }
        return size
    }

    private static func encode(_ image: PixelImage, _ level: Int) throws -> [UInt8] {
        do {
            return try PNGCodec.encode(image, compressionLevel: level)
        } catch let error as ImagingError {
            throw ProviderError(.badImage, provider: "builtin", message: error.description)
        }
    }
}
