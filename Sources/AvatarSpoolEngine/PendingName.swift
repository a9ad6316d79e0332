/// Which names in pending/ are task files: `*.json`, not dot-files (rsync's
/// `.name.XXXXXX`), not `x.json.filepart`, `x.json~` and the like.
public enum PendingName {
    public static func isCandidate(_ name: String) -> Bool {
        !name.hasPrefix(".") && name.hasSuffix(".json") && name.count > 5 && !name.contains("/")
    }
}
