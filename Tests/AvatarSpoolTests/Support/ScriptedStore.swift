import AvatarDomain
import Foundation

/// An object store for pipeline tests in memory: records what was stored
/// under which key (never opens the file) and answers `memory://` URLs;
/// keys ending in a scripted suffix fail.
final class ScriptedStore: ObjectStore, @unchecked Sendable {
    // Confinement: `failing` and `stored` only under `lock`.
    private let lock = NSLock()
    private var failing: [String: ProviderError] = [:]
    private var stored: [String: String] = [:]
    let name = "memory"

    /// Makes every key ending in `suffix` fail with `error`.
    func fail(keysEndingIn suffix: String, with error: ProviderError) { lock.withLock { failing[suffix] = error } }
    /// Stored keys and the file path each was stored from.
    var objects: [String: String] { lock.withLock { stored } }

    func put(filePath: String, key: String, contentType: String) async throws -> String {
        try lock.withLock {
            if let error = failing.first(where: { key.hasSuffix($0.key) })?.value { throw error }
            stored[key] = filePath
        }
        return publicURL(for: key)
    }

    func publicURL(for key: String) -> String { "memory://objects/" + key }
}
