/// A validated task file (version 1). See README "Task file" and
/// examples/task.schema.json for every field and its default.
public struct TaskSpec: Sendable, Equatable, Codable {
    /// The task id: `task_id` from the file, else derived from the file name.
    public var taskID: String
    /// How many personas to generate, 1...1000.
    public var count: Int
    public var persona: PersonaHints
    public var images: ImageOptions
    /// `budget_usd`: what this task may spend; when reached, its remaining
    /// personas fail with "task budget reached". nil = no task budget.
    public var budgetUSD: Double?

    public init(taskID: String, count: Int, persona: PersonaHints = .init(), images: ImageOptions = .init(),
                budgetUSD: Double? = nil) {
        self.taskID = taskID
        self.count = count
        self.persona = persona
        self.images = images
        self.budgetUSD = budgetUSD
    }
}

/// What the personas of a task should look like.
public struct PersonaHints: Sendable, Equatable, Codable {
    public enum Gender: String, Sendable, Codable, CaseIterable {
        case any, female, male
    }
    public var gender: Gender
    public var ageMin: Int
    public var ageMax: Int
    /// ISO 3166-1 alpha-2 country code, upper case; nil = any country.
    public var country: String?
    /// ISO 639-1 language code for the bio; nil = the country's language or English.
    public var language: String?
    /// Free text describing the group, passed to the data provider.
    public var description: String?

    public init(gender: Gender = .any, ageMin: Int = 18, ageMax: Int = 65,
                country: String? = nil, language: String? = nil, description: String? = nil) {
        self.gender = gender
        self.ageMin = ageMin
        self.ageMax = ageMax
        self.country = country
        self.language = language
        self.description = description
    }
}

/// Image options of a task.
public struct ImageOptions: Sendable, Equatable, Codable {
    public var enabled: Bool
    public var size: ImageSize
    public var style: String

    public init(enabled: Bool = true, size: ImageSize = .init(width: 1024, height: 1024),
                style: String = "natural smartphone selfie") {
        self.enabled = enabled
        self.size = size
        self.style = style
    }
}

/// Width x height in pixels, written "1024x1024"; or `auto` (0x0): the
/// image model picks the size (the builtin renderer makes `defaultAuto`).
public struct ImageSize: Sendable, Hashable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `images.size: "auto"`.
    public static let auto = ImageSize(width: 0, height: 0)
    /// What a provider that must pick a size for `auto` makes.
    public static let defaultAuto = ImageSize(width: 1024, height: 1024)
    public var isAuto: Bool { self == .auto }
    /// The size to render when the provider itself decides: `defaultAuto` for `auto`.
    public var resolved: ImageSize { isAuto ? .defaultAuto : self }

    public var description: String { isAuto ? "auto" : "\(width)x\(height)" }
}
