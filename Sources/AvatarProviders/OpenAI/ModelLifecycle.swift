import AvatarHTTP
import Foundation

/// One configured model: the variable that names it and what to suggest
/// in its place when it goes away.
public struct ConfiguredModel: Sendable, Equatable {
    public var variable: String
    public var model: String
    public var replacement: String
    /// The server that serves it (OPENAI_BASE_URL) and its key.
    public var baseURL: String
    public var apiKey: String?

    public init(variable: String, model: String, replacement: String, baseURL: String, apiKey: String?) {
        self.variable = variable
        self.model = model
        self.replacement = replacement
        self.baseURL = baseURL
        self.apiKey = apiKey
    }
}

/// What start-up and `doctor` say about a configured model.
public struct ModelFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Level: String, Sendable { case ok, unknown, warning, error }
    public var level: Level
    public var variable: String
    public var model: String
    /// The announced shutdown date, when there is one.
    public var shutdownDate: String?
    public var message: String

    public var description: String { message }
}

/// Model lifecycle (OpenAI retires image models within months): every
/// configured model is looked up in its server's `GET /models`. Not listed:
/// an error naming the variable and the replacement. A shutdown date within
/// `warningDays`: a warning. Where the list is not answered, that is said
/// and nothing else is judged.
public enum ModelLifecycle {
    public static let warningDays = 30

    /// The models each provider sends requests to.
    public static func configured(_ provider: OpenAIChatPersonaProvider) -> [ConfiguredModel] {
        [ConfiguredModel(variable: "OPENAI_CHAT_MODEL", model: provider.settings.chatModel,
                         replacement: OpenAISettings.defaultChatModel, baseURL: provider.settings.baseURL,
                         apiKey: provider.settings.apiKey)]
    }

    public static func configured(_ provider: OpenAIImageProvider) -> [ConfiguredModel] {
        let s = provider.settings
        var models = [ConfiguredModel(variable: "OPENAI_IMAGE_MODEL", model: s.imageModel,
                                      replacement: ImageModelFamily.replacement, baseURL: s.baseURL, apiKey: s.apiKey)]
        if s.editModel != s.imageModel {
            models.append(ConfiguredModel(variable: "OPENAI_EDIT_MODEL", model: s.editModel,
                                          replacement: ImageModelFamily.replacement, baseURL: s.baseURL, apiKey: s.apiKey))
        }
        return models
    }

    /// Looks every model up, one `GET /models` per server.
    public static func review(_ models: [ConfiguredModel], transport: any HTTPTransport,
                              today: Date = Date()) async -> [ModelFinding] {
        var catalogs: [String: Result<ModelCatalog, ModelCatalog.Unavailable>] = [:]
        var findings: [ModelFinding] = []
        for m in models {
            if catalogs[m.baseURL] == nil {
                catalogs[m.baseURL] = await ModelCatalog.fetch(baseURL: m.baseURL, apiKey: m.apiKey, transport: transport)
            }
            switch catalogs[m.baseURL]! {
            case .success(let catalog): findings.append(judge(m, in: catalog, today: today))
            case .failure(let why):
                findings.append(ModelFinding(level: .unknown, variable: m.variable, model: m.model, shutdownDate: nil,
                                             message: "\(m.variable)=\(m.model): not checked: \(why); going on"))
            }
        }
        return findings
    }

    /// The verdict on one model, given its server's list.
    public static func judge(_ m: ConfiguredModel, in catalog: ModelCatalog, today: Date) -> ModelFinding {
        let named = "\(m.variable)=\(m.model)"
        guard let entry = catalog.models[m.model] else {
            let replacement = m.model == m.replacement ? "" : "; use \(m.replacement), or a model the server lists"
            return ModelFinding(level: .error, variable: m.variable, model: m.model, shutdownDate: nil,
                                message: "\(named) is not listed by \(m.baseURL)/models (retired or misspelt)\(replacement)")
        }
        guard let date = entry, let days = daysUntil(date, from: today) else {
            return ModelFinding(level: .ok, variable: m.variable, model: m.model, shutdownDate: nil,
                                message: "\(named) is listed, no shutdown announced")
        }
        if days < 0 {
            return ModelFinding(level: .error, variable: m.variable, model: m.model, shutdownDate: date,
                                message: "\(named) was shut down on \(date); use \(m.replacement)")
        }
        if days <= warningDays {
            return ModelFinding(level: .warning, variable: m.variable, model: m.model, shutdownDate: date,
                                message: "\(named) shuts down on \(date) (in \(days) day\(days == 1 ? "" : "s")); "
                                    + "switch to \(m.replacement) before then")
        }
        return ModelFinding(level: .ok, variable: m.variable, model: m.model, shutdownDate: date,
                            message: "\(named) is listed, shuts down on \(date)")
    }

    /// Whole UTC days from `today` to `date` (YYYY-MM-DD); nil when unreadable.
    static func daysUntil(_ date: String, from today: Date) -> Int? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let day = formatter.date(from: date) else { return nil }
        let start = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: today)
        guard let midnight = Calendar(identifier: .gregorian).date(from: DateComponents(
            timeZone: TimeZone(identifier: "UTC"), year: start.year, month: start.month, day: start.day)) else { return nil }
        return Int((day.timeIntervalSince(midnight) / 86_400).rounded(.down))
    }
}
