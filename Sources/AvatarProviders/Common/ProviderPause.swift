import AvatarDomain
import Foundation
import Logging

/// Pauses a provider whose model is gone (`404 model_not_found`): the first
/// such answer logs one clear error naming the variable to change, and from
/// then on every call fails at once with `.paused`, without a request, so
/// the pipeline leaves the remaining personas waiting instead of failing
/// them one by one. A restart with a served model resumes them.
final class ProviderPause: @unchecked Sendable {
    // Confinement: `reason` only under `lock`.
    private let lock = NSLock()
    private var reason: ProviderError?
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// - Throws: the pause, when the provider is paused.
    func check() throws {
        if let reason = lock.withLock({ reason }) { throw reason }
    }

    /// Sends through `body`; a `model_not_found` answer pauses the provider.
    /// - Parameters:
    ///   - variable: the setting that names the model ("OPENAI_IMAGE_MODEL").
    ///   - replacement: the model to suggest.
    func guarding<T>(variable: String, model: String, replacement: String,
                     _ body: () async throws -> T) async throws -> T {
        try check()
        do {
            return try await body()
        } catch let error as ProviderError where error.remoteCode == "model_not_found" {
            let pause = ProviderError(
                .paused, provider: error.provider, status: error.status, remoteCode: error.remoteCode,
                message: "\(variable)=\(model) is not served (\(error.message)); requests paused: set \(variable) "
                    + "to a served model such as \(replacement) and restart")
            let first = lock.withLock { () -> Bool in
                guard reason == nil else { return false }
                reason = pause
                return true
            }
            if first { logger.error("\(pause.provider): \(pause.message)") }
            throw pause
        }
    }
}
