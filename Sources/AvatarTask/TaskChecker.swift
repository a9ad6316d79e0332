/// The field-by-field rules of task file version 1. Collects issues; `check`
/// returns a spec built from the valid parts and defaults (meaningful only
/// when `issues` is empty).
struct TaskChecker {
    static let topFields = ["version", "task_id", "count", "persona", "images", "budget_usd"]
    static let personaFields = ["gender", "age_min", "age_max", "country", "language", "description"]
    static let imagesFields = ["enabled", "size", "style"]

    let sizeRule: ImageSizeRule
    var issues: [ValidationIssue] = []

    init(sizeRule: ImageSizeRule) {
        self.sizeRule = sizeRule
    }

    mutating func check(_ document: JSONValue, fileName: String) -> TaskSpec? {
        guard let top = members(of: document, at: nil, expected: "a JSON object like {\"count\": 4}",
                                known: Self.topFields) else { return nil }

        if let v = top["version"], integer(v, "version", in: 1...1) == nil {
            issues[issues.count - 1].hint = "this processor reads task file version 1"
        }

        var taskID = TaskID.derive(fromFileName: fileName)
        if let v = top["task_id"], let id = taskIDValue(v) { taskID = id }

        var count = 1
        if let v = top["count"] {
            count = integer(v, "count", in: TaskValidator.countRange) ?? 1
        } else {
            issue("count", "an integer from 1 to 1000 (required)", "nothing: the field is missing")
        }

        var spec = TaskSpec(taskID: taskID, count: count)
        if let v = top["persona"] { spec.persona = persona(v) }
        if let v = top["images"] { spec.images = images(v) }
        if top["images"] == nil || top["images"]?["size"] == nil { checkAllowed(spec.images.size, defaulted: true) }
        if let v = top["budget_usd"] { spec.budgetUSD = money(v, "budget_usd") }
        return spec
    }

    // MARK: - Sections

    private mutating func persona(_ value: JSONValue) -> PersonaHints {
        var hints = PersonaHints()
        guard let m = members(of: value, at: "persona", expected: "an object", known: Self.personaFields) else { return hints }
        if let v = m["gender"] {
            let choices = PersonaHints.Gender.allCases.map(\.rawValue)
            if case .string(let s) = v, let g = PersonaHints.Gender(rawValue: s) {
                hints.gender = g
            } else {
                issue("persona.gender", "one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))", v.shortDescription,
                      hint: v.stringValue.flatMap { PersonaHints.Gender(rawValue: $0.lowercased()) != nil ? "values are lower case" : nil })
            }
        }
        let minValue = m["age_min"].map { integer($0, "persona.age_min", in: TaskValidator.ageRange) }
        let maxValue = m["age_max"].map { integer($0, "persona.age_max", in: TaskValidator.ageRange) }
        if let a = minValue ?? hints.ageMin { hints.ageMin = a }
        if let b = maxValue ?? hints.ageMax { hints.ageMax = b }
        // Compare only when neither side was itself wrong.
        if minValue != .some(nil) && maxValue != .some(nil) && hints.ageMin > hints.ageMax {
            let maxText = maxValue == nil ? "\(hints.ageMax) (the default age_max)" : "\(hints.ageMax)"
            let minText = minValue == nil ? "\(hints.ageMin) (the default age_min)" : "\(hints.ageMin)"
            issue(minValue == nil ? "persona.age_max" : "persona.age_min",
                  "age_min at most age_max", "age_min \(minText) > age_max \(maxText)",
                  hint: "set both persona.age_min and persona.age_max")
        }
        if let v = m["country"] {
            if case .string(let s) = v, s.utf8.count == 2, ISO3166.isValid(s) {
                hints.country = s.uppercased()
            } else {
                issue("persona.country", "an ISO 3166-1 alpha-2 country code such as \"DE\" or \"JP\"", v.shortDescription,
                      hint: v.stringValue.map { countryHint($0) } ?? nil)
            }
        }
        if let v = m["language"] {
            if case .string(let s) = v, s.utf8.count == 2, ISO639.isValid(s) {
                hints.language = s.lowercased()
            } else {
                issue("persona.language", "an ISO 639-1 two-letter language code such as \"en\" or \"de\"", v.shortDescription)
            }
        }
        if let v = m["description"] {
            hints.description = text(v, "persona.description", max: TaskValidator.maxDescriptionLength, allowNewlines: true)
        }
        return hints
    }

    private mutating func images(_ value: JSONValue) -> ImageOptions {
        var options = ImageOptions()
        guard let m = members(of: value, at: "images", expected: "an object", known: Self.imagesFields) else { return options }
        if let v = m["enabled"] {
            if case .bool(let b) = v {
                options.enabled = b
            } else {
                issue("images.enabled", "true or false", v.shortDescription,
                      hint: v.stringValue.map { ["true", "false"].contains($0) ? "write it without quotes" : nil } ?? nil)
            }
        }
        if let v = m["size"], let size = imageSize(v) { options.size = size }
        if let v = m["style"], let s = text(v, "images.style", max: TaskValidator.maxStyleLength, allowNewlines: false) {
            options.style = s
        }
        return options
    }

    // MARK: - Field kinds

    /// An integer literal in `range`; nil (with an issue) otherwise.
    /// A positive amount of USD, at most `TaskValidator.maxBudgetUSD` (a fraction is fine: 2.5).
    private mutating func money(_ v: JSONValue, _ path: String) -> Double? {
        let expected = "an amount of US dollars above 0 and at most \(Int(TaskValidator.maxBudgetUSD)), such as 2.5"
        guard case .number(let n) = v else {
            issue(path, expected, v.shortDescription,
                  hint: v.stringValue.flatMap { Double($0.trimmingCharacters(in: ["$", " "])) } != nil ? "write the number without quotes or $" : nil)
            return nil
        }
        let d = n.doubleValue
        guard d.isFinite, d > 0, d <= TaskValidator.maxBudgetUSD else {
            issue(path, expected, v.shortDescription + " (out of range)")
            return nil
        }
        return d
    }

    private mutating func integer(_ v: JSONValue, _ path: String, in range: ClosedRange<Int>) -> Int? {
        let expected = range.count == 1 ? "the integer \(range.lowerBound)" : "an integer from \(range.lowerBound) to \(range.upperBound)"
        switch v {
        case .number(let n):
            guard n.isInteger else {
                let d = n.doubleValue
                let whole = d.isFinite && d == d.rounded()
                issue(path, expected + " written as an integer literal", v.shortDescription,
                      hint: whole ? "only plain integer literals are accepted: no fraction (1.0) and no exponent (1e3)"
                                  : "a fraction is not allowed")
                return nil
            }
            guard let i = n.intValue, range.contains(i) else {
                issue(path, expected, v.shortDescription + " (out of range)")
                return nil
            }
            return i
        case .string(let s):
            issue(path, expected, v.shortDescription, hint: Int(s) != nil ? "write the number without quotes" : nil)
            return nil
        default:
            issue(path, expected, v.shortDescription)
            return nil
        }
    }

    private mutating func taskIDValue(_ v: JSONValue) -> String? {
        let expected = "a task id: 1 to 100 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit"
        guard case .string(let s) = v else {
            issue("task_id", expected, v.shortDescription)
            return nil
        }
        if TaskID.isValid(s) { return s }
        var why: String
        if s.isEmpty {
            why = "an empty id names no folder"
        } else if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            why = "control characters (NUL, newline, …) are not allowed: the id becomes a folder name and a log field"
        } else if s.contains("/") || s.contains("\\") {
            why = "'/' is not allowed: the id is a folder name inside the spool and must not reach outside it"
        } else if s.hasPrefix(".") {
            why = "a leading '.' is not allowed: it would make a hidden folder, or '..' a parent folder"
        } else if s.count > TaskID.maxLength {
            why = "the id has \(s.count) characters; at most \(TaskID.maxLength) are allowed"
        } else {
            why = "only letters, digits, '.', '_' and '-' are allowed, because the id becomes a folder name and part of S3 keys"
        }
        if s.isEmpty == false { why += "; omit task_id to derive the id from the file name" }
        issue("task_id", expected, v.shortDescription, hint: why)
        return nil
    }

    private mutating func text(_ v: JSONValue, _ path: String, max: Int, allowNewlines: Bool) -> String? {
        let expected = "a string of at most \(max) characters"
        guard case .string(let s) = v else {
            issue(path, expected, v.shortDescription)
            return nil
        }
        if s.count > max {
            issue(path, expected, "a string of \(s.count) characters")
            return nil
        }
        let allowed: Set<UInt32> = allowNewlines ? [0x09, 0x0A, 0x0D] : []
        if s.unicodeScalars.contains(where: { ($0.value < 0x20 || $0.value == 0x7F) && !allowed.contains($0.value) }) {
            issue(path, expected + (allowNewlines ? " without control characters (tab and newline are fine)" : " without control characters"),
                  v.shortDescription)
            return nil
        }
        return s
    }

    private mutating func imageSize(_ v: JSONValue) -> ImageSize? {
        let expected = "a size \"WIDTHxHEIGHT\" such as \"1024x1024\", each side from \(TaskValidator.sideRange.lowerBound) to \(TaskValidator.sideRange.upperBound) pixels, or \"auto\""
        guard case .string(let s) = v else {
            issue("images.size", expected, v.shortDescription)
            return nil
        }
        if s == "auto" { return checkAllowed(.auto, defaulted: false) ? .auto : nil }
        let parts = s.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) else {
            issue("images.size", expected, v.shortDescription,
                  hint: s.contains("X") || s.contains("×") ? "use a lower-case x between the numbers"
                      : s.lowercased() == "auto" ? "write auto in lower case" : nil)
            return nil
        }
        // Sides with more than 9 digits cannot be in range; keep them out of Int.
        let w = parts[0].count > 9 ? Int.max : Int(parts[0])!
        let h = parts[1].count > 9 ? Int.max : Int(parts[1])!
        guard TaskValidator.sideRange.contains(w), TaskValidator.sideRange.contains(h) else {
            issue("images.size", expected, v.shortDescription + " (out of range)")
            return nil
        }
        let size = ImageSize(width: w, height: h)
        return checkAllowed(size, defaulted: false) ? size : nil
    }

    /// Checks `size` against the image model's size rule; the issue states
    /// the rule that failed.
    @discardableResult
    private mutating func checkAllowed(_ size: ImageSize, defaulted: Bool) -> Bool {
        guard let problem = sizeRule.problem(with: size) else { return true }
        issue("images.size", sizeRule.expectation,
              defaulted ? "no size, and the default \"\(size)\" is not allowed: \(problem)" : "\"\(size)\": \(problem)",
              hint: defaulted ? "set images.size" : nil)
        return false
    }

    // MARK: - Unknown fields

    /// The members of the object `value` at `parent` (nil: the top level),
    /// unknown ones reported; a repeated name keeps its first value. Nil,
    /// with an issue, when `value` is not an object.
    private mutating func members(of value: JSONValue, at parent: String?, expected: String,
                                  known: [String]) -> [String: JSONValue]? {
        guard case .object(let members) = value else {
            issue(parent ?? "$", expected, value.shortDescription)
            return nil
        }
        unknownFields(members, known: known, parent: parent)
        return Dictionary(members, uniquingKeysWith: { a, _ in a })
    }

    private mutating func unknownFields(_ members: [(String, JSONValue)], known: [String], parent: String?) {
        for (key, _) in members where !known.contains(key) {
            let path = parent.map { "\($0).\(key)" } ?? key
            let list = known.joined(separator: ", ")
            issue(path, "no unknown fields (\(parent ?? "the top level") allows \(list))",
                  "an unknown field \(JSONValue.quoteForMessage(key))", hint: suggestion(for: key, known: known, parent: parent))
        }
    }

    /// "did you mean …?" for a near name at this level, or a pointer to the
    /// section where the name belongs.
    private func suggestion(for key: String, known: [String], parent: String?) -> String? {
        let lower = key.lowercased()
        let ranked = known.map { (name: $0, distance: editDistance(lower, $0)) }.min { $0.distance < $1.distance }
        if let best = ranked, best.distance <= 2, best.distance < best.name.count {
            return "did you mean \"\(best.name)\"?"
        }
        let sections: [(String?, [String])] = [(nil, Self.topFields), ("persona", Self.personaFields), ("images", Self.imagesFields)]
        for (section, fields) in sections where section != parent {
            if let name = fields.first(where: { editDistance(lower, $0) <= 1 }) {
                let target = section.map { "\($0).\(name)" } ?? "\(name) at the top level"
                return "did you mean \(target)?"
            }
        }
        return nil
    }

    private mutating func issue(_ path: String, _ expected: String, _ got: String, hint: String? = nil) {
        issues.append(ValidationIssue(path: path, expected: expected, got: got, hint: hint))
    }

    private func countryHint(_ s: String) -> String? {
        if s.utf8.count == 3 { return "use the two-letter code, not the three-letter one" }
        if let code = ISO3166.names.first(where: { $0.value.lowercased() == s.lowercased() })?.key {
            return "use the code \"\(code)\""
        }
        return s.utf8.count == 2 ? "\"\(s.uppercased())\" is not an assigned ISO 3166-1 code" : nil
    }
}

/// Levenshtein distance over Unicode scalars; cheap for field names.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    if abs(x.count - y.count) > 8 { return abs(x.count - y.count) }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
