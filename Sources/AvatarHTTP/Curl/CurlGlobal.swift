import CCurl
import Foundation

/// Process-wide libcurl state. `curl_global_init` is not thread-safe, so it
/// runs exactly once, inside a `static let` (which Swift initialises once,
/// under a lock).
enum CurlGlobal {
    /// The result of `curl_global_init(CURL_GLOBAL_ALL)`.
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// CURLOPT_NOPROXY: the environment's `no_proxy`/`NO_PROXY` plus loopback,
    /// which is never reached through a proxy (setting the option replaces
    /// libcurl's own reading of the variable, so both are kept).
    static let noProxy: String = {
        let env = ProcessInfo.processInfo.environment
        let own = env["no_proxy"] ?? env["NO_PROXY"] ?? ""
        if own.trimmingCharacters(in: .whitespaces) == "*" { return "*" }
        return (own.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            + ["localhost", "127.0.0.1", "::1"]).joined(separator: ",")
    }()

    /// "libcurl/7.88.1", the first word of `curl_version()`.
    static let versionToken: String = {
        guard let raw = curl_version() else { return "libcurl" }
        let full = String(cString: raw)
        return full.split(separator: " ").first.map(String.init) ?? "libcurl"
    }()
}
