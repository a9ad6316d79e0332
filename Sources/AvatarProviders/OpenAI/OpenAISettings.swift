import AvatarDomain
import AvatarHTTP

/// Settings of the OpenAI(-compatible) providers, from the environment.
public struct OpenAISettings: Sendable {
    public enum Use: String, Sendable {
        case data = "AVATAR_DATA_PROVIDER=openai"
        case images = "AVATAR_IMAGE_PROVIDER=openai"
    }

    public static let defaultBaseURL = "https://api.openai.com/v1"
    /// The chat model on api.openai.com: OpenAI's recommended replacement for
    /// gpt-4o-mini (which shuts down on 2027-01-14), its efficient reasoning
    /// model; we send it nothing a reasoning model refuses (no temperature,
    /// no max_tokens).
    public static let defaultChatModel = "gpt-6-luna"
    /// The image model: the current fast tier, OpenAI's recommended replacement
    /// for every retired image model.
    public static let defaultImageModel = ImageModelFamily.replacement

    /// OPENAI_BASE_URL, without a trailing slash (vLLM, Ollama, llama.cpp, LocalAI: change it).
    public var baseURL: String
    /// OPENAI_API_KEY; never logged. Optional for a non-OpenAI base URL.
    public var apiKey: String?
    /// OPENAI_CHAT_MODEL (data and image prompts).
    public var chatModel: String
    /// OPENAI_IMAGE_MODEL: the base selfie (`/images/generations`).
    public var imageModel: String
    /// OPENAI_EDIT_MODEL: the 2x2 grid (`/images/edits` with the base); default the image model.
    public var editModel: String
    /// OPENAI_IMAGE_QUALITY: one of the values both models' families take; nil = the model's default.
    public var imageQuality: String?
    /// OPENAI_IMAGE_COMPLEXITY (gpt-image-2.6 and later): low, medium, high; nil = the model's default (high).
    public var imageComplexity: String?
    /// MULTITHREAD_FLOWISE: chat requests in flight at once (default 5).
    public var chatConcurrency: Int
    /// IMAGE_CONCURRENCY: image requests in flight at once (default 4).
    public var imageConcurrency: Int
    /// OPENAI_REQUESTS_PER_MINUTE (chat), OPENAI_IMAGES_PER_MINUTE; nil = unlimited.
    public var requestsPerMinute: Int?
    public var imagesPerMinute: Int?
    /// OPENAI_CHAT_TIMEOUT_SECONDS (default 120); OPENAI_IMAGE_TIMEOUT_SECONDS (default 300, at least 180).
    public var chatTimeout: Double
    public var imageTimeout: Double
    public var connectTimeout: Double = 15
    /// How many answers to ask for before a persona fails validation for good.
    public var maxPersonaAsks: Int = 4
    public var retry: RetryPolicy

    /// True for OpenAI's own API (keys required, model lifecycle known).
    public var isOfficial: Bool { baseURL.hasPrefix("https://api.openai.com") }

    public init(baseURL: String = OpenAISettings.defaultBaseURL, apiKey: String?, chatModel: String = OpenAISettings.defaultChatModel,
                imageModel: String = OpenAISettings.defaultImageModel, editModel: String? = nil,
                imageQuality: String? = nil, imageComplexity: String? = nil, chatConcurrency: Int = 5,
                imageConcurrency: Int = 4, requestsPerMinute: Int? = nil, imagesPerMinute: Int? = nil,
                chatTimeout: Double = 120, imageTimeout: Double = 300, retry: RetryPolicy = RetryPolicy()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.chatModel = chatModel
        self.imageModel = imageModel
        self.editModel = editModel ?? imageModel
        self.imageQuality = imageQuality
        self.imageComplexity = imageComplexity
        self.chatConcurrency = chatConcurrency
        self.imageConcurrency = imageConcurrency
        self.requestsPerMinute = requestsPerMinute
        self.imagesPerMinute = imagesPerMinute
        self.chatTimeout = chatTimeout
        self.imageTimeout = imageTimeout
        self.retry = retry
    }

    /// Reads OPENAI_BASE_URL, OPENAI_API_KEY (required against api.openai.com),
    /// OPENAI_CHAT_MODEL (required for data unless the base URL is OpenAI's:
    /// then gpt-6-luna), OPENAI_IMAGE_MODEL, OPENAI_EDIT_MODEL,
    /// OPENAI_IMAGE_QUALITY, OPENAI_IMAGE_COMPLEXITY, MULTITHREAD_FLOWISE,
    /// IMAGE_CONCURRENCY, OPENAI_REQUESTS_PER_MINUTE, OPENAI_IMAGES_PER_MINUTE,
    /// OPENAI_*_TIMEOUT_SECONDS, AVATAR_RETRY_*.
    /// - Throws: `ProviderError` (`.configuration`) naming the missing or malformed variable.
    public init(environment: [String: String], for use: Use) throws {
        let env = EnvironmentReader(environment: environment, context: use.rawValue)
        let base = try env.url("OPENAI_BASE_URL", default: Self.defaultBaseURL)
        let official = base.hasPrefix("https://api.openai.com")
        let key = official ? try env.required("OPENAI_API_KEY") : env.string("OPENAI_API_KEY")
        var chatModel = env.string("OPENAI_CHAT_MODEL") ?? Self.defaultChatModel
        if use == .data, !official {
            chatModel = try env.required("OPENAI_CHAT_MODEL", "the model name your server at \(base) serves")
        }
        let imageModel = env.string("OPENAI_IMAGE_MODEL") ?? Self.defaultImageModel
        self.init(baseURL: base, apiKey: key, chatModel: chatModel, imageModel: imageModel,
                  editModel: env.string("OPENAI_EDIT_MODEL"),
                  imageQuality: env.string("OPENAI_IMAGE_QUALITY"),
                  imageComplexity: env.string("OPENAI_IMAGE_COMPLEXITY"),
                  chatConcurrency: try env.int("MULTITHREAD_FLOWISE")!,
                  imageConcurrency: try env.int("IMAGE_CONCURRENCY")!,
                  requestsPerMinute: try env.int("OPENAI_REQUESTS_PER_MINUTE"),
                  imagesPerMinute: try env.int("OPENAI_IMAGES_PER_MINUTE"),
                  chatTimeout: Double(try env.int("OPENAI_CHAT_TIMEOUT_SECONDS")!),
                  imageTimeout: Double(try env.int("OPENAI_IMAGE_TIMEOUT_SECONDS")!),
                  retry: try env.retryPolicy())
        if use == .images { try checkImageModels() }
    }

    /// The image models' families, and the quality and complexity each takes.
    /// - Throws: `ProviderError` (`.configuration`) naming the variable and the rule.
    func checkImageModels() throws {
        func fail(_ message: String) -> ProviderError { ProviderError(.configuration, provider: "config", message: message) }
        for (variable, model) in [("OPENAI_IMAGE_MODEL", imageModel), ("OPENAI_EDIT_MODEL", editModel)] {
            guard let family = ImageModelFamily.of(model) else {
                // A compatible server may serve image models we do not know: its
                // own rules apply. OpenAI's API serves only the families above.
                if isOfficial {
                    throw fail("\(variable)=\(model) is not an OpenAI image model; use \(ImageModelFamily.replacement) "
                               + "(fast) or gpt-image-2.6-sunburst (keeps the face across the grid)")
                }
                continue
            }
            if let q = imageQuality, !family.qualities.contains(q) {
                throw fail("OPENAI_IMAGE_QUALITY=\(q) is not a quality \(variable)=\(model) takes (\(family.name): "
                           + family.qualities.joined(separator: ", ") + ")")
            }
            if let c = imageComplexity {
                guard !family.complexities.isEmpty else {
                    throw fail("OPENAI_IMAGE_COMPLEXITY=\(c): \(variable)=\(model) does not take complexity "
                               + "(gpt-image-2.6 and later do); unset it")
                }
                guard family.complexities.contains(c) else {
                    throw fail("OPENAI_IMAGE_COMPLEXITY=\(c) is not one of " + family.complexities.joined(separator: ", "))
                }
            }
        }
    }

    /// For the startup log line: endpoints and models, never the key.
    public func summary(for use: Use) -> String {
        let key = apiKey == nil ? "none" : "set"
        switch use {
        case .data: return "openai chat \(baseURL)/chat/completions model \(chatModel) (key \(key), \(chatConcurrency) at once)"
        case .images:
            let models = editModel == imageModel ? "model \(imageModel)" : "base \(imageModel), grid \(editModel)"
            return "openai images \(baseURL)/images \(models) (key \(key), \(imageConcurrency) at once"
                + (imagesPerMinute.map { ", \($0)/min" } ?? "") + ")"
        }
    }
}
