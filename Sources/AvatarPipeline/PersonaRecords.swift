import AvatarDomain

/// `persona_<n>/urls.json`: where the persona's images were published.
public struct PersonaURLs: Codable, Sendable, Equatable {
    public var base: String?
    public var images: [String]

    public init(base: String? = nil, images: [String] = []) {
        self.base = base
        self.images = images
    }
}

/// `persona_<n>/usage.json`: tokens per image request.
public struct PersonaUsage: Codable, Sendable, Equatable {
    public var base: ImageUsage?
    public var grid: ImageUsage?

    public init(base: ImageUsage? = nil, grid: ImageUsage? = nil) {
        self.base = base
        self.grid = grid
    }
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
