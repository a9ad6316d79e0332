import AvatarTask
import Foundation

/// Makes persona data and image prompts (builtin, Flowise, OpenAI chat).
public protocol PersonaProvider: Sendable {
    /// A short name for logs: "builtin", "flowise", "openai".
    var name: String { get }

    /// Generates persona `index` (1-based) of `task`. `avoiding` holds full
    /// names already taken in this task; the result must not repeat one.
    /// - Throws: `ProviderError` with the remote's message on failure.
    func persona(for task: TaskSpec, index: Int, avoiding: Set<String>) async throws -> Persona

    /// Step 1: the prompt for the persona's base selfie.
    func imagePrompt(for persona: Persona, task: TaskSpec, index: Int) async throws -> String
}

/// An image and what it cost.
public struct GeneratedImage: Sendable {
    /// The PNG bytes, already validated by the provider.
    public var png: [UInt8]
    /// Token usage reported by the provider, when it reports any.
    public var usage: ImageUsage?

    public init(png: [UInt8], usage: ImageUsage? = nil) {
        self.png = png
        self.usage = usage
    }
}

/// Token usage of one image request.
public struct ImageUsage: Sendable, Equatable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var totalTokens: Int

    public init(inputTokens: Int, outputTokens: Int, totalTokens: Int) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens", totalTokens = "total_tokens"
    }
}

/// Makes the base selfie and the 2x2 variation grid (builtin, OpenAI Images).
public protocol ImageProvider: Sendable {
    var name: String { get }

    /// Step 2: the base selfie, `task.images.size`, from the prompt.
    func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage

    /// Step 4: a 2x2 grid of four variations of the person in `base`.
    func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage

    /// Sizes this provider can make; validation rejects others.
    var supportedSizes: Set<ImageSize>? { get }
}

/// Where images are published (steps 3 and 6): a local object folder, S3.
public protocol ObjectStore: Sendable {
    var name: String { get }

    /// Stores the file at `path` under `key` (idempotent: storing the same
    /// bytes again is harmless and may be skipped) and returns its public URL.
    func put(filePath: String, key: String, contentType: String) async throws -> String

    /// The public URL `key` has or will have.
    func publicURL(for key: String) -> String
}
