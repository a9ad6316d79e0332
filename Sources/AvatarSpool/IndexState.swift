import AvatarDomain
import AvatarIndex
import AvatarSpoolEngine
import Foundation

/// Whether the index agrees with the folders, for `status` and `doctor`:
/// one readdir per status folder and one query. A task whose indexed status
/// differs from its folder (or that has no row) is behind; a row whose
/// folder is gone is stale. A running processor catches up by itself; so
/// does `avatar-spool reindex`.
public struct IndexState: Codable, Sendable {
    /// Where the index is (a path, or the URL with its password masked).
    public var location: String
    /// False when the index could not be read (server down, file missing).
    public var reachable: Bool
    /// Tasks whose row is missing or shows another status than their folder.
    public var behind: [String]
    /// Rows of tasks whose folders are gone.
    public var stale: [String]
    /// Why it could not be read.
    public var error: String?
    /// AVATAR_LEASES=postgres: holder ("<node>:<pid>") → the tasks it holds now.
    public var leases: [String: [String]]?

    public var inStep: Bool { reachable && behind.isEmpty && stale.isEmpty }

    public static func measure(_ services: Services) async -> IndexState {
        let indexer = services.indexer
        let layout = services.layout
        var state = IndexState(location: indexer.location, reachable: false, behind: [], stale: [], error: nil)
        // `status` must not create index.sqlite: a missing one is reported.
        guard indexer.postgres != nil || FileManager.default.fileExists(atPath: layout.indexPath) else {
            state.error = "there is no index yet (a processor or `avatar-spool reindex` creates it)"
            return state
        }
        do {
            guard let store = await indexer.current() else { throw IndexUnavailable(path: indexer.location) }
            let indexed = try await store.statuses()
            state.reachable = true
            var present: Set<String> = []
            for stage in TaskStage.allCases where stage != .pending {
                for id in layout.taskIDs(in: stage) {
                    present.insert(id)
                    if indexed[id] != stage.rawValue { state.behind.append(id) }
                }
            }
            state.stale = indexed.keys.filter { !present.contains($0) }.sorted()
            state.behind.sort()
            if services.leases != nil, let postgres = indexer.postgres { state.leases = try await postgres.leaseHolders() }
        } catch {
            state.error = "\(error)"
        }
        return state
    }

    /// One line: "index <where>: in step …" / "behind by n task(s) …" / "unreachable …",
    /// and under leases one more: who holds which tasks.
    public var text: String { indexText + leasesText }

    var leasesText: String {
        guard let leases else { return "" }
        guard !leases.isEmpty else { return "leases (PostgreSQL): no task is held by any host now\n" }
        let holders = leases.sorted { $0.key < $1.key }.map { holder, tasks in
            "\(holder) holds \(tasks.count) (\(tasks.prefix(5).joined(separator: ", "))\(tasks.count > 5 ? ", …" : ""))"
        }
        return "leases (PostgreSQL): " + holders.joined(separator: "; ") + "\n"
    }

    var indexText: String {
        if !reachable, let error, error.hasPrefix("there is no index") { return "index \(location): \(error)\n" }
        guard reachable else { return "index \(location): unreachable (\(error ?? "unknown error")); the folders remain the truth and a running processor catches up when it is back\n" }
        if inStep { return "index \(location): in step with the folders\n" }
        var parts: [String] = []
        if !behind.isEmpty { parts.append("\(behind.count) task(s) not yet indexed as their folder says (\(behind.prefix(5).joined(separator: ", "))\(behind.count > 5 ? ", …" : ""))") }
        if !stale.isEmpty { parts.append("\(stale.count) row(s) of tasks whose folders are gone") }
        return "index \(location): behind the folders: " + parts.joined(separator: "; ")
            + "; a running processor catches up, or run `avatar-spool reindex`\n"
    }
}
