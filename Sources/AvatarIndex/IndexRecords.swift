import Foundation

/// One row of `generation_tasks`, as derived from a task folder.
public struct IndexedTask: Sendable, Equatable {
    public var taskID: String
    public var status: String
    public var count: Int
    /// The task's `persona` and `images` objects, as JSON text.
    public var personaParams: String?
    public var imageParams: String?
    public var completedPersonas: Int
    public var failedPersonas: Int
    public var currentStep: String
    public var errorLog: String?
    public var createdAt: Date
    public var results: [IndexedResult]
    /// cost_usd (new, nullable): what the task's image requests cost; nil when none was priced.
    public var costUSD: Double?

    public init(taskID: String, status: String, count: Int, personaParams: String?, imageParams: String?,
                completedPersonas: Int, failedPersonas: Int, currentStep: String, errorLog: String?,
                createdAt: Date, results: [IndexedResult], costUSD: Double? = nil) {
        self.costUSD = costUSD
        self.taskID = taskID
        self.status = status
        self.count = count
        self.personaParams = personaParams
        self.imageParams = imageParams
        self.completedPersonas = completedPersonas
        self.failedPersonas = failedPersonas
        self.currentStep = currentStep
        self.errorLog = errorLog
        self.createdAt = createdAt
        self.results = results
    }
}

/// One row of `generation_results`: one persona.
public struct IndexedResult: Sendable, Equatable {
    public var personaIndex: Int
    public var firstname: String?
    public var lastname: String?
    public var gender: String?
    public var age: Int?
    public var country: String?
    public var city: String?
    public var occupation: String?
    public var bio: String?
    public var imagePrompt: String?
    public var status: String
    public var error: String?
    public var baseImageURL: String?
    /// image_1_url … image_4_url (image_0.png is image_1_url, as in the old service).
    public var imageURLs: [String?]
    /// base_thumb_url and thumb_1_url … thumb_4_url (new, nullable; not in the old service).
    public var baseThumbURL: String?
    public var thumbURLs: [String?]
    /// cost_usd (new, nullable): this persona's image requests; nil when none was priced.
    public var costUSD: Double?

    public init(personaIndex: Int, firstname: String?, lastname: String?, gender: String?, age: Int?,
                country: String?, city: String?, occupation: String?, bio: String?, imagePrompt: String?,
                status: String, error: String?, baseImageURL: String?, imageURLs: [String?],
                baseThumbURL: String? = nil, thumbURLs: [String?] = [], costUSD: Double? = nil) {
        self.costUSD = costUSD
        self.baseThumbURL = baseThumbURL
        self.thumbURLs = thumbURLs
        self.personaIndex = personaIndex
        self.firstname = firstname
        self.lastname = lastname
        self.gender = gender
        self.age = age
        self.country = country
        self.city = city
        self.occupation = occupation
        self.bio = bio
        self.imagePrompt = imagePrompt
        self.status = status
        self.error = error
        self.baseImageURL = baseImageURL
        self.imageURLs = imageURLs
    }
}
