import AvatarDomain
import AvatarTask

/// Offline personas: names, city, occupation and bio picked from built-in
/// lists, deterministically from the task id and the persona's index (the
/// same task always yields the same people, on every machine).
///
/// Countries with their own data are listed in `BuiltinNames.countries`;
/// any other valid country gets international names and its own name as the
/// city. `persona.country` holds the ISO code ("DE").
public struct BuiltinPersonaProvider: PersonaProvider {
    public let name = "builtin"

    public init() {}

    /// Persona `index` of `task`, never one whose full name is in `avoiding`.
    public func persona(for task: TaskSpec, index: Int, avoiding: Set<String>) -> Persona {
        var rng = SeededRandom(hashing: "\(task.taskID)|\(index)")
        let hints = task.persona

        let gender: PersonaHints.Gender
        switch hints.gender {
        case .any: gender = rng.below(2) == 0 ? .female : .male
        case .female, .male: gender = hints.gender
        }
        let low = min(hints.ageMin, hints.ageMax), high = max(hints.ageMin, hints.ageMax)
        let age = low + rng.below(high - low + 1)

        let code = hints.country?.uppercased() ?? rng.pick(BuiltinNames.defaultCountries)
        let countryName = ISO3166.names[code] ?? code
        let data = BuiltinNames.countries[code]
        let pool = data?.pool ?? BuiltinNames.international
        let city = data.map { rng.pick($0.cities) } ?? countryName
        let occupation = rng.pick(Self.occupations(for: hints.description))
        let (first, last) = Self.pickName(pool: pool, gender: gender, rng: &rng, avoiding: avoiding)

        let bio = Self.bio(first: first, age: age, gender: gender, occupation: occupation,
                           place: city == countryName ? countryName : "\(city), \(countryName)", rng: &rng)
        return Persona(firstname: first, lastname: last, gender: gender.rawValue, age: age,
                       country: code, city: city, occupation: occupation, bio: bio)
    }

    /// "A natural smartphone selfie of Lena Fischer, a 34-year-old female
    /// software developer from Berlin, Germany. …"
    public func imagePrompt(for persona: Persona, task: TaskSpec, index: Int) -> String {
        let countryName = ISO3166.names[persona.country.uppercased()] ?? persona.country
        let place = persona.city.isEmpty || persona.city == countryName ? countryName : "\(persona.city), \(countryName)"
        let style = task.images.style.trimmingWhitespace()
        let lead = style.isEmpty ? "A photo" : Self.capitalizedFirst(Self.withArticle(style))
        return "\(lead) of \(persona.fullName), a \(persona.age)-year-old \(persona.gender) \(persona.occupation) from \(place). "
            + "Head and shoulders, looking at the camera, natural expression, realistic skin texture and lighting, "
            + "everyday clothing; one person only, no text, no watermark, no logos."
    }

    // MARK: - Picking

    static func occupations(for description: String?) -> [String] {
        guard let text = description?.lowercased(), !text.isEmpty else { return BuiltinNames.generalOccupations }
        var matched: [String] = []
        for entry in BuiltinNames.occupationsByKeyword where entry.keywords.contains(where: { text.contains($0) }) {
            matched += entry.occupations
        }
        return matched.isEmpty ? BuiltinNames.generalOccupations : matched
    }

    /// A first and last name not in `avoiding`: up to 32 random picks, then
    /// every first × last pair from a random start, then double-barrelled
    /// last names, then a numbered suffix (never reached in practice).
    static func pickName(pool: BuiltinNames.Pool, gender: PersonaHints.Gender,
                         rng: inout SeededRandom, avoiding: Set<String>) -> (String, String) {
        let firsts = gender == .female ? pool.female : pool.male
        let lasts = pool.last
        let takenKeys = PersonaNames.keys(avoiding)
        func free(_ first: String, _ last: String) -> Bool { !takenKeys.contains(PersonaNames.key("\(first) \(last)")) }

        for _ in 0..<32 {
            let first = rng.pick(firsts), last = rng.pick(lasts)
            if free(first, last) { return (first, last) }
        }
        let pairs = firsts.count * lasts.count
        let start = rng.below(pairs)
        for k in 0..<pairs {
            let i = (start + k) % pairs
            if free(firsts[i % firsts.count], lasts[i / firsts.count]) { return (firsts[i % firsts.count], lasts[i / firsts.count]) }
        }
        let triples = pairs * lasts.count
        let start3 = rng.below(triples)
        for k in 0..<triples {
            let i = (start3 + k) % triples
            let first = firsts[i % firsts.count]
            let a = lasts[(i / firsts.count) % lasts.count], b = lasts[i / pairs]
            if a != b && free(first, "\(a)-\(b)") { return (first, "\(a)-\(b)") }
        }
        let first = rng.pick(firsts), last = rng.pick(lasts)
        var n = 2
        while !free(first, "\(last) \(n)") { n += 1 }
        return (first, "\(last) \(n)")
    }

    /// Completes "known among colleagues for …".
    static let strengths = [
        "a calm, practical attitude", "an eye for detail", "a dry sense of humour", "creative problem solving",
        "endless patience", "clear explanations", "keeping every deadline",
    ]

    /// Completes "Friends describe her as …".
    static let characters = [
        "calm and practical", "curious and well organised", "funny in a quiet way", "the reliable one in any group",
        "patient and easy to talk to", "always up for a new idea", "warm and direct",
    ]

    static func bio(first: String, age: Int, gender: PersonaHints.Gender, occupation: String, place: String,
                    rng: inout SeededRandom) -> String {
        let she = gender == .female ? "she" : "he"
        let her = gender == .female ? "her" : "his"
        let herObject = gender == .female ? "her" : "him"
        let hobby = rng.pick(BuiltinNames.hobbies)
        let other = rng.pick(BuiltinNames.hobbies.filter { $0 != hobby })
        let years = max(1, min(age - 18, 1 + rng.below(20)))
        let job = withArticle(occupation)
        switch rng.below(3) {
        case 0:
            let strength = rng.pick(strengths)
            return "\(first) is \(job) based in \(place). \(capitalizedFirst(she)) has worked in the field for \(years) "
                + "year\(years == 1 ? "" : "s") and is known among colleagues for \(strength). Outside work, \(she) enjoys \(hobby)."
        case 1:
            return "\(first), \(age), works as \(job) in \(place). In \(her) free time \(she) loves \(hobby) and \(other)."
        default:
            let character = rng.pick(characters)
            return "\(first) lives in \(place) and works as \(job). Friends describe \(herObject) as \(character). "
                + "\(capitalizedFirst(her)) weekends are for \(hobby)."
        }
    }

    /// "an English teacher", "a UX designer", "a nurse".
    static func withArticle(_ phrase: String) -> String {
        guard let c = phrase.first else { return phrase }
        return ("aeioAEIO".contains(c) || phrase.hasPrefix("u") && !phrase.hasPrefix("uni") ? "an " : "a ") + phrase
    }

    static func capitalizedFirst(_ s: String) -> String {
        s.prefix(1).uppercased() + s.dropFirst()
    }
}

private extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
