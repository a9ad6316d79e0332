import CCurl

/// Process-wide libcurl state. `curl_global_init` is not thread-safe, so it
/// runs exactly once, inside a `static let` (which Swift initialises once,
/// under a lock).
enum CurlGlobal {
    /// The result of `curl_global_init(CURL_GLOBAL_ALL)`.
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// "libcurl/7.88.1", the first word of `curl_version()`.
    static let versionToken: String = {
        guard let raw = curl_version() else { return "libcurl" }
        let full = String(cString: raw)
        return full.split(separator: " ").first.map(String.init) ?? "libcurl"
    }()
}
