import AvatarDomain
import AvatarTask
import Logging

/// The "ask again" loop both LLM providers share: a persona that does not
/// validate (or repeats a taken name) is asked for again, telling the model
/// what was wrong, at most `maxAsks` times in all.
enum PersonaAsking {
    /// - Parameter answer: sends one question and parses the answer; throws
    ///   `PersonaJSON.Invalid` for an answer to ask again about.
    /// - Throws: what `answer` throws otherwise, or `ProviderError(.badResponse)`
    ///   when no valid persona came back.
    static func ask(maxAsks: Int, provider: String, task: TaskSpec, index: Int, avoiding: Set<String>,
                    logger: Logger, answer: (_ question: String) async throws -> Persona) async throws -> Persona {
        var problem: String?
        for ask in 1...max(1, maxAsks) {
            let question = PersonaPrompt.persona(for: task, index: index, avoiding: avoiding, problem: problem)
            do {
                let persona = try await answer(question)
                if PersonaNames.isTaken(persona.fullName, in: avoiding) {
                    throw PersonaJSON.Invalid(reason: "the name \(persona.fullName) is already taken")
                }
                return persona
            } catch let invalid as PersonaJSON.Invalid {
                problem = invalid.reason
                logger.warning("invalid persona, asking again", metadata: [
                    "task": "\(task.taskID)", "persona": "\(index)", "ask": "\(ask)", "problem": "\(invalid.reason)"])
            }
        }
        throw ProviderError(.badResponse, provider: provider,
                            message: "no valid persona after \(maxAsks) answers; last problem: \(problem ?? "?")")
    }
}
