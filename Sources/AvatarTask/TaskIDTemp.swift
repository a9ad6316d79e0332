// TEMP until the task branch merges (it brings the real TaskID).
public enum TaskID {
    public static func derive(fromFileName name: String) -> String {
        var base = name.hasSuffix(".json") ? String(name.dropLast(5)) : name
        base = String(base.map { c in (c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-")) ? c : "-" })
        while base.hasPrefix(".") || base.hasPrefix("-") { base.removeFirst() }
        return base.isEmpty ? "task" : String(base.prefix(100))
    }
}
