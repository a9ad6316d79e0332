import AvatarDomain

/// Object keys: the old service's layout, and the one encoding used in URLs.
public enum S3Keys {
    /// `{prefix}/task_{taskID}/persona_{persona}/{file}`, e.g.
    /// `avatars/task_42/persona_1/base.png`. An empty prefix drops the first segment.
    public static func key(prefix: String = S3Settings.defaultKeyPrefix, taskID: String, persona: Int, file: String) -> String {
        let p = S3Settings.trimSlashes(prefix, leading: true)
        return (p.isEmpty ? "" : p + "/") + "task_\(taskID)/persona_\(persona)/\(file)"
    }

    /// The key as it appears in a request path and a public URL: bytes outside
    /// `[A-Za-z0-9._~/-]` percent-encoded (upper-case hex), `/` kept.
    ///
    /// libcurl 7.88 signs the path exactly as given (it does not canonicalise
    /// it), so the path must already be in SigV4's canonical form: encoded once,
    /// with S3's unreserved set. `~` is unreserved there and stays literal, or
    /// the server's canonical form would differ from what was signed.
    public static func encode(_ key: String) -> String {
        encode(key, keepSlash: true)
    }

    /// Percent-encodes a query value (`uploadId`): as `encode` but `/` encoded too.
    public static func encodeQueryValue(_ value: String) -> String {
        encode(value, keepSlash: false)
    }

    static func encode(_ s: String, keepSlash: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Refuses keys that a URL cannot carry unchanged: empty, starting with `/`,
    /// or with an empty, `.` or `..` segment (libcurl would normalise those away
    /// and the local store would leave its folder). Control characters too.
    /// - Throws: `ProviderError` (`.storage`) naming the key.
    public static func validate(_ key: String, provider: String = "s3") throws {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        let bad = key.isEmpty || key.utf8.count > 1024
            || segments.contains { $0.isEmpty || $0 == "." || $0 == ".." }
            || key.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
        if bad {
            throw ProviderError(.storage, provider: provider,
                                message: "invalid object key \"\(key)\": it must be 1-1024 bytes of "
                                    + "non-empty segments separated by '/', none of them '.' or '..'")
        }
    }
}
