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

/// Token usage of one image request, as today's GPT image models report it
/// (text input, image input and image output are priced differently).
public struct ImageUsage: Sendable, Equatable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var totalTokens: Int
    /// `input_tokens_details`: text and image tokens of the input (the edit's base image is image input).
    public var inputTextTokens: Int?
    public var inputImageTokens: Int?
    /// `output_tokens_details`, when reported (else every output token is an image token).
    public var outputImageTokens: Int?
    public var outputTextTokens: Int?
    /// The model that answered (for pricing).
    public var model: String?
    /// What the request cost in USD from the provider's price table; nil when unknown.
    public var costUSD: Double?
    /// When the answer arrived (ISO 8601, UTC): the day the money was spent.
    public var at: String?

    public init(inputTokens: Int, outputTokens: Int, totalTokens: Int, inputTextTokens: Int? = nil,
                inputImageTokens: Int? = nil, outputImageTokens: Int? = nil, outputTextTokens: Int? = nil,
                model: String? = nil, costUSD: Double? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
        self.inputTextTokens = inputTextTokens
        self.inputImageTokens = inputImageTokens
        self.outputImageTokens = outputImageTokens
        self.outputTextTokens = outputTextTokens
        self.model = model
        self.costUSD = costUSD
    }

    /// Reads OpenAI's `usage` object; nil when there is none (DALL·E, many compatible servers).
    public init?(openAI value: Any?, model: String? = nil) {
        guard let u = value as? [String: Any], let total = u["total_tokens"] as? Int else { return nil }
        let input = u["input_tokens_details"] as? [String: Any], output = u["output_tokens_details"] as? [String: Any]
        self.init(inputTokens: u["input_tokens"] as? Int ?? 0, outputTokens: u["output_tokens"] as? Int ?? 0, totalTokens: total,
                  inputTextTokens: input?["text_tokens"] as? Int, inputImageTokens: input?["image_tokens"] as? Int,
                  outputImageTokens: output?["image_tokens"] as? Int, outputTextTokens: output?["text_tokens"] as? Int,
                  model: model ?? (u["model"] as? String))
    }

    /// The sum of two usages (a total keeps details only where both have them).
    public static func + (a: ImageUsage, b: ImageUsage) -> ImageUsage {
        func add(_ x: Int?, _ y: Int?) -> Int? { x.flatMap { x in y.map { x + $0 } } }
        return ImageUsage(inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens,
                          totalTokens: a.totalTokens + b.totalTokens,
                          inputTextTokens: add(a.inputTextTokens, b.inputTextTokens),
                          inputImageTokens: add(a.inputImageTokens, b.inputImageTokens),
                          outputImageTokens: add(a.outputImageTokens, b.outputImageTokens),
                          outputTextTokens: add(a.outputTextTokens, b.outputTextTokens),
                          model: a.model == b.model ? a.model : nil,
                          costUSD: a.costUSD.flatMap { x in b.costUSD.map { x + $0 } })
    }

    public static let zero = ImageUsage(inputTokens: 0, outputTokens: 0, totalTokens: 0, inputTextTokens: 0,
                                        inputImageTokens: 0, outputImageTokens: 0, outputTextTokens: 0)

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens", totalTokens = "total_tokens"
        case inputTextTokens = "input_text_tokens", inputImageTokens = "input_image_tokens"
        case outputImageTokens = "output_image_tokens", outputTextTokens = "output_text_tokens", model
        case costUSD = "cost_usd", at
    }
}

/// Makes the base selfie and the 2x2 variation grid (builtin, OpenAI Images).
public protocol ImageProvider: Sendable {
    var name: String { get }

    /// Step 2: the base selfie, `task.images.size`, from the prompt.
    func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage

    /// Step 4: a 2x2 grid of four variations of the person in `base`.
    func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage

    /// The sizes this provider (its model family) can make; validation
    /// rejects others with the rule's reason.
    var sizeRule: ImageSizeRule { get }
}

/// Where images are published (steps 3 and 6): a local object folder, S3.
public protocol ObjectStore: Sendable {
    var name: String { get }

    /// Stores the file at `path` under `key` (idempotent: storing the same
    /// bytes again is harmless and may be skipped) and returns its public URL.
    func put(filePath: String, key: String, contentType: String) async throws -> String

    /// Stores several files (each as `put` does) and returns their URLs in
    /// order; a store may batch them (the local store syncs their folder
    /// once). Throws the first failure; files stored before it stay stored.
    func putAll(_ files: [StoredFile]) async throws -> [String]

    /// The public URL `key` has or will have.
    func publicURL(for key: String) -> String
}

/// One file for `ObjectStore.putAll`.
public struct StoredFile: Sendable {
    public var filePath: String
    public var key: String
    public var contentType: String

    public init(filePath: String, key: String, contentType: String) {
        self.filePath = filePath
        self.key = key
        self.contentType = contentType
    }
}

extension ObjectStore {
    /// Every file through `put`, in parallel.
    public func putAll(_ files: [StoredFile]) async throws -> [String] {
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (k, file) in files.enumerated() {
                group.addTask { (k, try await put(filePath: file.filePath, key: file.key, contentType: file.contentType)) }
            }
            var urls = [String](repeating: "", count: files.count)
            for try await (k, url) in group { urls[k] = url }
            return urls
        }
    }
}
