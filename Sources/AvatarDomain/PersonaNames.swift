/// One rule for "the same name", used by the pipeline's registry of a
/// task's names and by every provider that avoids taken names: two full
/// names are one when they match ignoring case and runs of white space.
public enum PersonaNames {
    /// The comparison key of a full name.
    public static func key(_ fullName: String) -> String {
        fullName.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    /// The keys of many names, for repeated checks (`keys.contains(key(name))`).
    public static func keys(_ names: Set<String>) -> Set<String> { Set(names.map(key)) }

    /// True when `fullName` is one of `taken` under this rule.
    public static func isTaken(_ fullName: String, in taken: Set<String>) -> Bool {
        let k = key(fullName)
        return taken.contains { key($0) == k }
    }
}
