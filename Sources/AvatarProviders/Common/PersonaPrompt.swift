import AvatarDomain
import AvatarTask
import Foundation

/// What we ask an LLM for, shared by Flowise and OpenAI chat.
enum PersonaPrompt {
    /// The JSON schema of one persona: strict (every field required, no others).
    static var schema: [String: Any] { [
        "type": "object",
        "additionalProperties": false,
        "required": fields.map(\.name),
        "properties": Dictionary(uniqueKeysWithValues: fields.map { ($0.name, ["type": $0.type, "description": $0.about] as [String: Any]) }),
    ] }

    static let fields: [(name: String, type: String, about: String)] = [
        ("firstname", "string", "given name"),
        ("lastname", "string", "family name"),
        ("gender", "string", "female or male"),
        ("age", "integer", "age in whole years"),
        ("country", "string", "country of residence"),
        ("city", "string", "city of residence"),
        ("occupation", "string", "job or occupation"),
        ("bio", "string", "a short first-person biography, 2-4 sentences"),
    ]

    static var schemaText: String {
        let data = (try? JSONSerialization.data(withJSONObject: schema, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The request for persona `index` of `task`.
    static func persona(for task: TaskSpec, index: Int, avoiding: Set<String>, problem: String? = nil) -> String {
        let hints = task.persona
        var lines = ["Invent one realistic, fictional persona (number \(index) of \(task.count)) for a synthetic data set."]
        if hints.gender != .any { lines.append("Gender: \(hints.gender.rawValue).") }
        lines.append("Age: between \(hints.ageMin) and \(hints.ageMax).")
        if let country = hints.country { lines.append("Country (ISO 3166-1): \(country).") }
        if let language = hints.language { lines.append("Write the bio in the language with ISO 639-1 code \(language).") }
        if let description = hints.description { lines.append("The group: \(description)") }
        if !avoiding.isEmpty {
            lines.append("Do not use any of these names: \(avoiding.sorted().prefix(200).joined(separator: ", ")).")
        }
        if let problem { lines.append("Your previous answer was rejected: \(problem). Answer again, correctly.") }
        lines.append("Answer with only a JSON object matching this JSON schema, no prose: \(schemaText)")
        return lines.joined(separator: "\n")
    }

    /// The request for the base selfie's prompt.
    static func imagePrompt(for persona: Persona, task: TaskSpec) -> String {
        """
        Write one prompt for an image model: a photorealistic \(task.images.style) of this person, \
        head and shoulders, face clearly visible, looking at the camera. Describe appearance, clothing, \
        setting and light in 60 words or fewer. Answer with the prompt only, no quotes, no preamble.
        Person: \(persona.firstname) \(persona.lastname), \(persona.gender), \(persona.age), \
        \(persona.occupation) in \(persona.city), \(persona.country). \(persona.bio)
        """
    }

    /// Trims a prompt answer: whitespace, code fences, surrounding quotes, a "Prompt:" label.
    static func cleanPrompt(_ text: String) -> String {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.hasPrefix("```") {
            t = t.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
                .filter { !$0.hasPrefix("```") }.joined(separator: "\n")
        }
        t = t.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.lowercased().hasPrefix("prompt:") { t = String(t.dropFirst(7)) }
        t = t.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.count >= 2, let f = t.first, let l = t.last, (f == "\"" && l == "\"") || (f == "'" && l == "'") {
            t = String(t.dropFirst().dropLast())
        }
        return t.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
