import AvatarDomain
import Foundation

/// Finding a persona in an LLM's answer and checking it.
public enum PersonaJSON {
    /// Why an answer was not a valid persona; said back to the model when asking again.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// JSON object candidates in `text`, best first: the whole text, the
    /// contents of ``` fences, then every balanced `{…}` outside strings.
    public static func candidates(in text: String) -> [String] {
        var out: [String] = []
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") { out.append(trimmed) }
        // Fenced blocks: ```json … ``` or ``` … ```.
        var rest = Substring(text)
        while let open = rest.range(of: "```") {
            let afterOpen = rest[open.upperBound...]
            guard let newline = afterOpen.firstIndex(of: "\n") ?? afterOpen.firstIndex(of: "{"),
                  let close = afterOpen[newline...].range(of: "```") else { break }
            out.append(afterOpen[newline..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines))
            rest = afterOpen[close.upperBound...]
        }
        out.append(contentsOf: balancedObjects(in: text))
        var seen = Set<String>()
        return out.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Every top-level balanced `{…}` span, aware of JSON strings and escapes.
    static func balancedObjects(in text: String) -> [String] {
        var out: [String] = []
        let scalars = Array(text.unicodeScalars)
        var depth = 0, start = 0, inString = false, escaped = false
        for (i, c) in scalars.enumerated() {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"" where depth > 0: inString = true
            case "{":
                if depth == 0 { start = i }
                depth += 1
            case "}" where depth > 0:
                depth -= 1
                if depth == 0 {
                    var s = String.UnicodeScalarView()
                    s.append(contentsOf: scalars[start...i])
                    out.append(String(s))
                }
            default: break
            }
        }
        return out
    }

    /// The first candidate in `text` that is a valid persona.
    /// - Throws: `Invalid` saying what was wrong with the most promising candidate.
    public static func persona(in text: String) throws -> Persona {
        var firstProblem: Invalid?
        for candidate in candidates(in: text) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(candidate.utf8)) else { continue }
            do { return try persona(from: object) } catch let error as Invalid {
                if firstProblem == nil { firstProblem = error }
            }
        }
        throw firstProblem ?? Invalid(reason: "no JSON object found in the answer")
    }

    /// Validates a decoded JSON value as a persona: an object with every field, typed.
    public static func persona(from value: Any) throws -> Persona {
        guard let object = value as? [String: Any] else { throw Invalid(reason: "the answer is not a JSON object") }
        // Some flows wrap the persona: {"persona": {…}}.
        if object["firstname"] == nil, object.count == 1, let inner = object.values.first as? [String: Any] {
            return try persona(from: inner)
        }
        func string(_ key: String) throws -> String {
            guard let raw = object[key] else { throw Invalid(reason: "missing field '\(key)'") }
            guard let s = raw as? String, !isNumber(raw) else { throw Invalid(reason: "field '\(key)' must be a string, got \(kind(raw))") }
            let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !t.isEmpty else { throw Invalid(reason: "field '\(key)' is empty") }
            return t
        }
        let firstname = try string("firstname"), lastname = try string("lastname"), gender = try string("gender")
        guard let rawAge = object["age"] else { throw Invalid(reason: "missing field 'age'") }
        guard isNumber(rawAge), let number = rawAge as? NSNumber, !isBool(rawAge),
              number.doubleValue == number.doubleValue.rounded(), (0...130).contains(number.intValue) else {
            throw Invalid(reason: "field 'age' must be a whole number of years, got \(kind(rawAge))")
        }
        return Persona(firstname: firstname, lastname: lastname, gender: gender, age: number.intValue,
                       country: try string("country"), city: try string("city"),
                       occupation: try string("occupation"), bio: try string("bio"))
    }

    private static func isBool(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        // JSONSerialization gives booleans as NSNumbers whose objCType is "c" (char).
        let objCType = String(cString: n.objCType)
        return objCType == "c" || objCType == "B" || String(describing: type(of: value)).contains("Boolean")
    }

    private static func isNumber(_ value: Any) -> Bool {
        !(value is String) && value is NSNumber
    }

    private static func kind(_ value: Any) -> String {
        switch value {
        case is String: "a string"
        case is NSNull: "null"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        case let n as NSNumber: "the number \(n)"
        default: "\(type(of: value))"
        }
    }
}
