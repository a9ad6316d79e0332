import AvatarConfig
import AvatarProviders
import Foundation
import Logging

/// Model lifecycle at start-up and once a day (OpenAI retires models within
/// months; a model that disappears fails every request with a 404).
extension Services {
    /// Checks every configured remote model against its server's list.
    /// - Throws: `SettingsError` naming the variable of a model that is not
    ///   listed or was shut down; a shutdown within 30 days is a warning.
    public func checkModelsAtStart() async throws {
        guard let transport, !models.isEmpty else { return }
        let findings = await ModelLifecycle.review(models, transport: transport)
        log(findings)
        if let bad = findings.first(where: { $0.level == .error }) {
            throw SettingsError(variable: "", message: bad.message) // the message names the variable
        }
    }

    /// Logs the warnings again every day while the processor runs.
    func watchModels(every interval: Duration = .seconds(86_400), stopping: @escaping @Sendable () -> Bool) -> Task<Void, Never>? {
        guard let transport, !models.isEmpty else { return nil }
        let (models, logger) = (self.models, self.logger)
        return Task {
            while !Task.isCancelled && !stopping() {
                try? await Task.sleep(for: interval)
                if Task.isCancelled || stopping() { return }
                for f in await ModelLifecycle.review(models, transport: transport) where f.level == .warning || f.level == .error {
                    logger.warning("model check: \(f.message)")
                }
            }
        }
    }

    private func log(_ findings: [ModelFinding]) {
        for f in findings {
            switch f.level {
            case .ok: logger.info("model check: \(f.message)")
            case .unknown, .warning: logger.warning("model check: \(f.message)")
            case .error: logger.error("model check: \(f.message)")
            }
        }
    }
}
