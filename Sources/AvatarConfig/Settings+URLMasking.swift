import Foundation

/// Credentials inside URLs (`http://admin:pw@host/…`, `?token=…`): the one
/// place that decides what of a URL may be shown. `doctor`, the log handler,
/// the pipeline's redact hook and the command line's error output all go
/// through `maskURL` / `maskURLs(in:)`.
extension Settings {
    /// Query parameter names whose values are credentials: every name
    /// `isSecret` flags, plus the usual short spellings and presigned-URL fields.
    public static func isSecretParameter(_ name: String) -> Bool {
        let n = name.lowercased()
        return isSecret(n) || ["sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
                               "access_token", "auth", "authorization", "pass", "pwd", "passwd", "apikey",
                               "credential", "credentials", "session"].contains(n)
    }

    /// `url` with its user-info replaced by `***` and the values of
    /// secret-looking query parameters by `***`; anything else unchanged.
    /// Text that is not a URL is returned as is.
    public static func maskURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        if let at = authority.lastIndex(of: "@") {
            authority = "***" + authority[at...]
        }
        var tail = String(rest[authorityEnd...])
        if let q = tail.firstIndex(of: "?") {
            let fragmentStart = tail[q...].firstIndex(of: "#") ?? tail.endIndex
            let query = tail[tail.index(after: q)..<fragmentStart]
            let masked = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
                let name = String(pair[..<eq]).removingPercentEncoding ?? String(pair[..<eq])
                return isSecretParameter(name) ? pair[..<eq] + "=***" : String(pair)
            }.joined(separator: "&")
            tail = String(tail[..<q]) + "?" + masked + String(tail[fragmentStart...])
        }
        return String(url[..<schemeEnd.upperBound]) + authority + tail
    }

    /// Every URL inside free text (a log line, an error message) masked by `maskURL`.
    public static func maskURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var out = ""
        var rest = Substring(text)
        while let sep = rest.range(of: "://") {
            // The scheme: letters, digits, + - . back from "://".
            var start = sep.lowerBound
            while start > rest.startIndex {
                let before = rest.index(before: start)
                let c = rest[before]
                guard c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-" || c == ".") else { break }
                start = before
            }
            let end = rest[sep.upperBound...].firstIndex { $0.isWhitespace || "\"'<>`".contains($0) } ?? rest.endIndex
            out += rest[..<start]
            out += maskURL(String(rest[start..<end]))
            rest = rest[end...]
        }
        return out + rest
    }

    /// The credentials inside a URL value (user-info, its password alone,
    /// secret query values): added to `secretValues`, so they are scrubbed
    /// wherever they appear, in a URL or not.
    static func urlSecrets(_ value: String) -> [String] {
        guard let schemeEnd = value.range(of: "://") else { return [] }
        let rest = value[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var found: [String] = []
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            let userInfo = String(rest[..<at])
            found.append(userInfo)
            if let colon = userInfo.firstIndex(of: ":") { found.append(String(userInfo[userInfo.index(after: colon)...])) }
        }
        if let q = value.firstIndex(of: "?") {
            for pair in value[value.index(after: q)...].split(whereSeparator: { $0 == "&" || $0 == "#" }) {
                guard let eq = pair.firstIndex(of: "=") else { continue }
                if isSecretParameter(String(pair[..<eq])) { found.append(String(pair[pair.index(after: eq)...])) }
            }
        }
        return found
    }
}
