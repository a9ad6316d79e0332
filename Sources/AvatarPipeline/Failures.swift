import AvatarDomain
import AvatarSystem

/// Which errors fail a persona (provider refusals, exhausted retries, bad
/// images) and which stop the task (its own folder cannot be written, shutdown).
enum Failures {
    static func isPersonaFailure(_ error: Error) -> Bool {
        switch error {
        case is Stopping, is CancellationError, is SystemError, is LeaseLost: return false
        case let p as ProviderError where p.code == .paused: return false
        default: return true
        }
    }

    static func describe(_ error: Error, persona: Int, name: String?, step: String) -> PersonaFailure {
        switch error {
        case let f as PersonaFailure:
            var f = f
            f.name = f.name ?? name
            return f
        case let p as ProviderError:
            return PersonaFailure(persona: persona, name: name, step: step, message: p.message,
                                  provider: p.provider, status: p.status, code: p.remoteCode ?? p.code.rawValue)
        default:
            return PersonaFailure(persona: persona, name: name, step: step, message: String(describing: error))
        }
    }
}
