/// One problem in a task file: where (`path`), what was expected, what was
/// found, and optionally what to do about it.
public struct ValidationIssue: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Field path like `persona.age_min`; `$` for the document as a whole.
    public var path: String
    public var expected: String
    public var got: String
    public var hint: String?

    public init(path: String, expected: String, got: String, hint: String? = nil) {
        self.path = path
        self.expected = expected
        self.got = got
        self.hint = hint
    }

    /// `persona.age_min: expected an integer from 18 to 100, got the number 12.5 (hint)`.
    public var description: String {
        var s = "\(path): expected \(expected), got \(got)"
        if let hint { s += " (\(hint))" }
        return s
    }

    /// Coded as `{"path", "expected", "got", "hint"?}`, as in error.json.
    enum CodingKeys: String, CodingKey {
        case path, expected, got, hint
    }

    /// The issue as a JSON object for error.json.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("path", .string(path)), ("expected", .string(expected)), ("got", .string(got))]
        if let hint { members.append(("hint", .string(hint))) }
        return .object(members)
    }
}

/// A task file that cannot be run, with every problem found in it.
public struct TaskValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's name as given to the validator.
    public var fileName: String
    /// All problems, in document order; never empty.
    public var issues: [ValidationIssue]
    /// The bytes are not a JSON document (yet): empty, truncated, not UTF-8.
    /// A file still being written looks like this, so the processor gives a
    /// recently modified one time before judging it.
    public var unparsable: Bool

    public init(fileName: String, issues: [ValidationIssue], unparsable: Bool = false) {
        self.fileName = fileName
        self.issues = issues
        self.unparsable = unparsable
    }

    /// A multi-line message: a header naming the file, then one line per issue.
    public var description: String {
        let noun = issues.count == 1 ? "problem" : "problems"
        var s = "task file \(fileName) is invalid (\(issues.count) \(noun)):"
        for issue in issues { s += "\n  - \(issue)" }
        return s
    }

    /// The error as a JSON object for error.json.
    public var json: JSONValue {
        .object([
            ("error", .string("invalid_task")),
            ("file", .string(fileName)),
            ("message", .string(description)),
            ("issues", .array(issues.map(\.json))),
        ])
    }
}
