import AvatarDomain
import AvatarHTTP

/// Settings of the OpenAI(-compatible) providers, from the environment.
public struct OpenAISettings: Sendable {
    public enum Use: String, Sendable {
        case data = "AVATAR_DATA_PROVIDER=openai"
        case images = "AVATAR_IMAGE_PROVIDER=openai"
    }

    public static let defaultBaseURL = "https://api.openai.com/v1"

    /// OPENAI_BASE_URL, without a trailing slash (vLLM, Ollama, llama.cpp, LocalAI: change it).
    public var baseURL: String
    /// OPENAI_API_KEY; never logged. Optional for a non-OpenAI base URL.
    public var apiKey: String?
    /// OPENAI_CHAT_MODEL (data).
    public var chatModel: String
    /// OPENAI_IMAGE_MODEL (default gpt-image-1).
    public var imageModel: String
    /// OPENAI_IMAGE_QUALITY (low, medium, high, auto; standard or hd for dall-e-3).
    public var imageQuality: String?
    /// MULTITHREAD_FLOWISE: chat requests in flight at once (default 4).
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

    public init(baseURL: String = OpenAISettings.defaultBaseURL, apiKey: String?, chatModel: String = "gpt-4o-mini",
                imageModel: String = "gpt-image-1", imageQuality: String? = nil, chatConcurrency: Int = 4,
                imageConcurrency: Int = 4, requestsPerMinute: Int? = nil, imagesPerMinute: Int? = nil,
                chatTimeout: Double = 120, imageTimeout: Double = 300, retry: RetryPolicy = RetryPolicy()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.chatModel = chatModel
        self.imageModel = imageModel
        self.imageQuality = imageQuality
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
    /// then gpt-4o-mini), OPENAI_IMAGE_MODEL, OPENAI_IMAGE_QUALITY,
    /// MULTITHREAD_FLOWISE, IMAGE_CONCURRENCY, OPENAI_REQUESTS_PER_MINUTE,
    /// OPENAI_IMAGES_PER_MINUTE, OPENAI_*_TIMEOUT_SECONDS, AVATAR_RETRY_*.
    /// - Throws: `ProviderError` (`.configuration`) naming the missing or malformed variable.
    public init(environment: [String: String], for use: Use) throws {
        let env = EnvironmentReader(environment: environment, context: use.rawValue)
        let base = try env.url("OPENAI_BASE_URL", default: Self.defaultBaseURL)
        let official = base.hasPrefix("https://api.openai.com")
        let key = official ? try env.required("OPENAI_API_KEY") : env.string("OPENAI_API_KEY")
        var chatModel = env.string("OPENAI_CHAT_MODEL") ?? "gpt-4o-mini"
        if use == .data, !official {
            chatModel = try env.required("OPENAI_CHAT_MODEL", "the model name your server at \(base) serves")
        }
        let imageModel = env.string("OPENAI_IMAGE_MODEL") ?? "gpt-image-1"
        if use == .images, OpenAIImageProvider.sizes(for: imageModel) == nil, official {
            throw ProviderError(.configuration, provider: "config",
                                message: "OPENAI_IMAGE_MODEL=\(imageModel) is not an image model (gpt-image-1, dall-e-3, dall-e-2)")
        }
        self.init(baseURL: base, apiKey: key, chatModel: chatModel, imageModel: imageModel,
                  imageQuality: env.string("OPENAI_IMAGE_QUALITY"),
                  chatConcurrency: try env.int("MULTITHREAD_FLOWISE", default: 4, range: 1...256)!,
                  imageConcurrency: try env.int("IMAGE_CONCURRENCY", default: 4, range: 1...256)!,
                  requestsPerMinute: try env.int("OPENAI_REQUESTS_PER_MINUTE", default: nil),
                  imagesPerMinute: try env.int("OPENAI_IMAGES_PER_MINUTE", default: nil),
                  chatTimeout: Double(try env.int("OPENAI_CHAT_TIMEOUT_SECONDS", default: 120, range: 1...3600)!),
                  imageTimeout: Double(try env.int("OPENAI_IMAGE_TIMEOUT_SECONDS", default: 300, range: 180...3600)!),
                  retry: try env.retryPolicy())
    }

    /// For the startup log line: endpoints and models, never the key.
    public func summary(for use: Use) -> String {
        let key = apiKey == nil ? "none" : "set"
        switch use {
        case .data: return "openai chat \(baseURL)/chat/completions model \(chatModel) (key \(key), \(chatConcurrency) at once)"
        case .images: return "openai images \(baseURL)/images model \(imageModel) (key \(key), \(imageConcurrency) at once"
            + (imagesPerMinute.map { ", \($0)/min" } ?? "") + ")"
        }
    }
}
