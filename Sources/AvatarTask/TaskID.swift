/// Task ids: folder names in the spool and parts of S3 keys, so they are
/// restricted to `^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`.
public enum TaskID {
    public static let maxLength = 100

    /// Whether `id` matches `^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`.
    public static func isValid(_ id: String) -> Bool {
        let u = id.utf8
        guard let first = u.first, u.count <= maxLength, isAlphanumeric(first) else { return false }
        return u.allSatisfy(isAllowed)
    }

    /// The id of a task file without `task_id`, from its file name:
    /// 1. only the last path component is used, and a final `.json` (any case) is dropped;
    /// 2. every character outside `[A-Za-z0-9._-]` becomes one `-`
    ///    (`"my task (1).json"` → `"my-task--1-"`, `"é"` → `"-"`);
    /// 3. leading `.`, `_` and `-` are dropped (no hidden folders, no `..`);
    /// 4. the result is cut to 100 characters; an empty result becomes `"task"`.
    /// The result always satisfies `isValid`.
    public static func derive(fromFileName fileName: String) -> String {
        var name = Substring(fileName)
        if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
        if name.count >= 5 && name.suffix(5).lowercased() == ".json" { name = name.dropLast(5) }
        var out = ""
        for ch in name {
            if ch.utf8.count == 1, let b = ch.utf8.first, isAllowed(b) {
                out.append(ch)
            } else {
                out.append("-")
            }
        }
        let trimmed = out.drop(while: { $0 == "." || $0 == "-" || $0 == "_" })
        let id = String(trimmed.prefix(maxLength))
        return id.isEmpty ? "task" : id
    }

    @inline(__always) static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    @inline(__always) static func isAllowed(_ b: UInt8) -> Bool {
        isAlphanumeric(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }
}
