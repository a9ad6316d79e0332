import AvatarDomain

/// `persona_<n>/urls.json`: where the persona's images (and their
/// thumbnails, when made) were published.
public struct PersonaURLs: Codable, Sendable, Equatable {
    public var base: String?
    public var images: [String]
    public var baseThumb: String?
    /// thumb_0.png … thumb_3.png; empty until all four are stored.
    public var thumbs: [String]

    public init(base: String? = nil, images: [String] = [], baseThumb: String? = nil, thumbs: [String] = []) {
        self.base = base
        self.images = images
        self.baseThumb = baseThumb
        self.thumbs = thumbs
    }

    enum CodingKeys: String, CodingKey {
        case base, images, baseThumb = "base_thumb", thumbs
    }

    // Files written before thumbnails existed have neither thumbnail key.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        base = try c.decodeIfPresent(String.self, forKey: .base)
        images = try c.decodeIfPresent([String].self, forKey: .images) ?? []
        baseThumb = try c.decodeIfPresent(String.self, forKey: .baseThumb)
        thumbs = try c.decodeIfPresent([String].self, forKey: .thumbs) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(base, forKey: .base)
        try c.encode(images, forKey: .images)
        try c.encodeIfPresent(baseThumb, forKey: .baseThumb)
        if !thumbs.isEmpty { try c.encode(thumbs, forKey: .thumbs) }
    }

    /// All five thumbnail URLs are recorded.
    public var hasThumbURLs: Bool { baseThumb != nil && thumbs.count == 4 }
}

/// `persona_<n>/usage.json`: tokens per image request.
public struct PersonaUsage: Codable, Sendable, Equatable {
    public var base: ImageUsage?
    public var grid: ImageUsage?

    public init(base: ImageUsage? = nil, grid: ImageUsage? = nil) {
        self.base = base
        self.grid = grid
    }

    /// What the persona's priced requests cost; nil when none was priced.
    public var costUSD: Double? {
        let costs = [base, grid].compactMap { $0?.costUSD }
        return costs.isEmpty ? nil : (costs.reduce(0, +) * 1_000_000).rounded() / 1_000_000
    }

    /// Requests made whose cost is unknown (a model with no price).
    public var unpricedRequests: Int { [base, grid].filter { $0 != nil && $0?.costUSD == nil }.count }
}

/// `persona_<n>/error.json`: which step failed and what the provider said.
public struct PersonaFailure: Codable, Sendable, Equatable, Error {
    public var persona: Int
    public var name: String?
    /// "data", or "step 2/7: base image" and so on.
    public var step: String
    public var message: String
    public var provider: String?
    public var status: Int?
    public var code: String?

    public init(persona: Int, name: String?, step: String, message: String,
                provider: String? = nil, status: Int? = nil, code: String? = nil) {
        self.persona = persona
        self.name = name
        self.step = step
        self.message = message
        self.provider = provider
        self.status = status
        self.code = code
    }
}
