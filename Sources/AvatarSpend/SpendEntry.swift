import AvatarDomain
import Foundation

/// One paid (or priced) request, as the task folders record it: the
/// folders are the source of truth for what was spent.
public struct SpendEntry: Sendable, Equatable, Codable {
    public var taskID: String
    public var persona: Int
    /// "base" or "grid".
    public var request: String
    public var provider: String
    public var model: String
    /// The UTC day the answer arrived; nil for records older than this field.
    public var day: String?
    /// nil: the model has no known price.
    public var costUSD: Double?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", persona, request, provider, model, day, costUSD = "cost_usd"
    }

    public init(taskID: String, persona: Int, request: String, provider: String, model: String, day: String?, costUSD: Double?) {
        self.taskID = taskID
        self.persona = persona
        self.request = request
        self.provider = provider
        self.model = model
        self.day = day
        self.costUSD = costUSD
    }

    /// Every image request recorded in one task folder's `persona_<n>/usage.json`.
    public static func read(taskID: String, folder: String) -> [SpendEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var entries: [SpendEntry] = []
        for name in names where name.hasPrefix("persona_") {
            guard let n = Int(name.dropFirst("persona_".count)),
                  let data = FileManager.default.contents(atPath: "\(folder)/\(name)/usage.json"),
                  let usage = try? JSONDecoder().decode(Recorded.self, from: data) else { continue }
            for (request, u) in [("base", usage.base), ("grid", usage.grid)] {
                guard let u else { continue }
                entries.append(SpendEntry(taskID: taskID, persona: n, request: request, provider: "openai",
                                          model: u.model ?? "unknown", day: u.at.flatMap(SpendDay.day(ofTimestamp:)),
                                          costUSD: u.costUSD))
            }
        }
        return entries.sorted { ($0.persona, $0.request) < ($1.persona, $1.request) }
    }

    /// The shape of usage.json (the pipeline's PersonaUsage).
    struct Recorded: Decodable {
        var base: ImageUsage?
        var grid: ImageUsage?
    }
}
