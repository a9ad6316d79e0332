import AvatarDomain
import AvatarHTTP
import AvatarSpend
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
    let pause: ProviderPause
    /// Prices each request (tokens, or per image for models that report none).
    public let prices: PriceTable
    let logger: Logger

    /// - Parameter client: what every request goes through (retries,
    ///   `OPENAI_IMAGES_PER_MINUTE`, at most `IMAGE_CONCURRENCY` at once), made
    ///   by the composition root (`ProviderClients`), never here.
    public init(settings: OpenAISettings, client: RetryingClient, prices: PriceTable = .shipped,
                logger: Logger = Logger(label: "avatar-spool.openai-images")) {
        self.settings = settings
        self.prices = prices
        self.logger = logger
        self.pause = ProviderPause(logger: logger)
        self.client = client
    }

    /// The families of the base and the grid model; nil for a model a
    /// compatible server serves that we do not know (its own rules apply).
    public var baseFamily: ImageModelFamily? { ImageModelFamily.of(settings.imageModel) }
    public var editFamily: ImageModelFamily? { ImageModelFamily.of(settings.editModel) }

    /// A task's size must suit both models.
    public var sizeRule: ImageSizeRule {
        let rules = [baseFamily, editFamily].compactMap { $0?.sizeRule }
        return rules.isEmpty ? .anyInRange : rules.count == 1 || rules[0] == rules[1] ? rules[0] : .all(rules)
    }

    /// - Throws: `ProviderError`: `.refused` for `moderation_blocked`, `.badImage` for an undecodable image,
    ///   `.paused` when the model is not served.
    public func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        let model = settings.imageModel, family = baseFamily
        var body: [String: Any] = ["model": model, "prompt": prompt, "n": 1, "size": task.images.size.description]
        if let quality = settings.imageQuality { body["quality"] = quality }
        if let complexity = settings.imageComplexity, family?.complexities.isEmpty == false { body["complexity"] = complexity }
        // GPT image models always answer base64 and reject response_format.
        if family?.sendsResponseFormat == true { body["response_format"] = "b64_json" }
        var request = try RemoteCall.jsonRequest(url: settings.baseURL + "/images/generations", bearer: settings.apiKey,
                                                 json: body, timeout: settings.imageTimeout, connectTimeout: settings.connectTimeout)
        request.headers.append(("X-Client-Request-Id", RequestTag.id(task: task.taskID, persona: index, step: "base")))
        return try decode(try await pause.guarding(variable: "OPENAI_IMAGE_MODEL", model: model, replacement: ImageModelFamily.replacement) {
            try await RemoteCall.send(request, through: client, provider: "openai-images")
        }, model: model, size: task.images.size)
    }

    public func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        let model = settings.editModel, family = editFamily
        var form = MultipartForm()
        form.add(name: "image", filename: "base.png", contentType: "image/png", data: base)
        form.add(name: "prompt", value: prompt)
        form.add(name: "model", value: model)
        form.add(name: "size", value: task.images.size.description)
        form.add(name: "n", value: "1")
        if let quality = settings.imageQuality { form.add(name: "quality", value: quality) }
        if let complexity = settings.imageComplexity, family?.complexities.isEmpty == false { form.add(name: "complexity", value: complexity) }
        if family?.takesInputFidelity == true { form.add(name: "input_fidelity", value: "high") }
        if family?.sendsResponseFormat == true { form.add(name: "response_format", value: "b64_json") }
        var headers: [(name: String, value: String)] = [("Content-Type", form.contentType), ("Accept", "application/json")]
        if let key = settings.apiKey { headers.append(("Authorization", "Bearer \(key)")) }
        headers.append(("X-Client-Request-Id", RequestTag.id(task: task.taskID, persona: index, step: "grid")))
        let request = HTTPRequest(method: "POST", url: settings.baseURL + "/images/edits", headers: headers,
                                  body: .bytes(form.body), timeout: settings.imageTimeout, connectTimeout: settings.connectTimeout)
        return try decode(try await pause.guarding(variable: "OPENAI_EDIT_MODEL", model: model, replacement: ImageModelFamily.replacement) {
            try await RemoteCall.send(request, through: client, provider: "openai-images")
        }, model: model, size: task.images.size)
    }

    /// `data[0].b64_json` → PNG bytes, checked; `usage` → tokens.
    func decode(_ body: [UInt8], model: String, size: ImageSize) throws -> GeneratedImage {
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
        // A model that reports no usage (DALL·E) is priced per image: zero tokens, its cost.
        var usage = ImageUsage(openAI: answer["usage"], model: model)
            ?? ImageUsage(inputTokens: 0, outputTokens: 0, totalTokens: 0, model: model)
        usage.costUSD = prices.cost(of: usage.totalTokens > 0 ? usage : nil, model: model, size: size,
                                    quality: settings.imageQuality)
        usage.at = SpendDay.timestamp(Date())
        return GeneratedImage(png: png, usage: usage)
    }
}
