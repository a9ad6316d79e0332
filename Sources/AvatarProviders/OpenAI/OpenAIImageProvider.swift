import AvatarDomain
import AvatarHTTP
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// The base selfie (`POST /images/generations`) and the 2x2 grid
/// (`POST /images/edits` with the base as the `image` part) from OpenAI
/// Images or a compatible server.
public struct OpenAIImageProvider: ImageProvider {
    public let name = "openai"
    public let settings: OpenAISettings
    let client: RetryingClient
    let logger: Logger

    /// - Parameters:
    ///   - transport: the shared `CurlHTTPClient` (or a test double).
    ///   - limiter: at most `IMAGE_CONCURRENCY` image requests at once; by default one of its own.
    public init(settings: OpenAISettings, transport: any HTTPTransport, limiter: AsyncLimiter? = nil,
                logger: Logger = Logger(label: "avatar-spool.openai-images")) {
        self.settings = settings
        self.logger = logger
        self.client = RetryingClient(
            transport: transport, policy: settings.retry,
            bucket: TokenBucket(perMinute: settings.imagesPerMinute),
            limiter: limiter ?? AsyncLimiter(limit: settings.imageConcurrency),
            name: "openai-images", logger: logger)
    }

    /// Sizes each model family can make; nil for a model we do not know.
    public static func sizes(for model: String) -> Set<ImageSize>? {
        func s(_ w: Int, _ h: Int) -> ImageSize { ImageSize(width: w, height: h) }
        if model.hasPrefix("gpt-image") { return [s(1024, 1024), s(1536, 1024), s(1024, 1536)] }
        switch model {
        case "dall-e-3": return [s(1024, 1024), s(1792, 1024), s(1024, 1792)]
        case "dall-e-2": return [s(256, 256), s(512, 512), s(1024, 1024)]
        default: return nil
        }
    }

    public var supportedSizes: Set<ImageSize>? { Self.sizes(for: settings.imageModel) }

    var isDallE: Bool { settings.imageModel.hasPrefix("dall-e") }
    /// gpt-image-1 keeps a face better with `input_fidelity: high`; the mini model does not take it.
    var takesInputFidelity: Bool { settings.imageModel.hasPrefix("gpt-image-1") && !settings.imageModel.contains("mini") }

    /// - Throws: `ProviderError`: `.refused` for `moderation_blocked`, `.badImage` for an undecodable image.
    public func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        var body: [String: Any] = ["model": settings.imageModel, "prompt": prompt, "n": 1, "size": task.images.size.description]
        if let quality = settings.imageQuality { body["quality"] = quality }
        // GPT image models always answer base64 and reject response_format.
        if isDallE { body["response_format"] = "b64_json" }
        let request = try RemoteCall.jsonRequest(url: settings.baseURL + "/images/generations", bearer: settings.apiKey,
                                                 json: body, timeout: settings.imageTimeout, connectTimeout: settings.connectTimeout)
        return try decode(try await RemoteCall.send(request, through: client, provider: "openai-images"))
    }

    public func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        var form = MultipartForm()
        form.add(name: "image", filename: "base.png", contentType: "image/png", data: base)
        form.add(name: "prompt", value: prompt)
        form.add(name: "model", value: settings.imageModel)
        form.add(name: "size", value: task.images.size.description)
        form.add(name: "n", value: "1")
        if let quality = settings.imageQuality { form.add(name: "quality", value: quality) }
        if takesInputFidelity { form.add(name: "input_fidelity", value: "high") }
        if isDallE { form.add(name: "response_format", value: "b64_json") }
        var headers: [(name: String, value: String)] = [("Content-Type", form.contentType), ("Accept", "application/json")]
        if let key = settings.apiKey { headers.append(("Authorization", "Bearer \(key)")) }
        let request = HTTPRequest(method: "POST", url: settings.baseURL + "/images/edits", headers: headers,
                                  body: .bytes(form.body), timeout: settings.imageTimeout, connectTimeout: settings.connectTimeout)
        return try decode(try await RemoteCall.send(request, through: client, provider: "openai-images"))
    }

    /// `data[0].b64_json` → PNG bytes, checked; `usage` → tokens.
    func decode(_ body: [UInt8]) throws -> GeneratedImage {
        let answer = try RemoteCall.object(body, provider: "openai-images")
        guard let first = (answer["data"] as? [[String: Any]])?.first, let b64 = first["b64_json"] as? String else {
            throw ProviderError(.badResponse, provider: "openai-images", message: "the answer has no data[0].b64_json")
        }
        guard let data = Data(base64Encoded: b64, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw ProviderError(.badImage, provider: "openai-images", message: "data[0].b64_json is not valid base64")
        }
        let png = data.byteArray
        // A cheap check here; the pipeline decodes and validates every image
        // in full (AvatarImaging.ImageValidator, off the cooperative pool) before storing it.
        guard PNGSignature.dimensions(png) != nil else {
            throw ProviderError(.badImage, provider: "openai-images",
                                message: "the image is not a PNG (\(png.count) bytes, starting \(png.prefix(8).map { String(format: "%02x", $0) }.joined()))")
        }
        var usage: ImageUsage?
        if let u = answer["usage"] as? [String: Any], let total = u["total_tokens"] as? Int {
            usage = ImageUsage(inputTokens: u["input_tokens"] as? Int ?? 0, outputTokens: u["output_tokens"] as? Int ?? 0,
                               totalTokens: total)
        }
        return GeneratedImage(png: png, usage: usage)
    }
}
