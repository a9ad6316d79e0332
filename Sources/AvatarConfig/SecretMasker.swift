/// The one masking function for text that leaves the process (logs, error
/// files, pages, the index): every credential inside a URL, then every
/// secret value, longest first, so a secret that contains another is
/// masked whole rather than leaving a tail.
public struct SecretMasker: Sendable {
    let secrets: [String]

    /// - Parameter secrets: values to mask; ones shorter than 4 characters are
    ///   ignored (masking "a" would garble every line).
    public init(_ secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
    }

    public func mask(_ text: String) -> String {
        var out = Settings.maskURLs(in: text)
        for secret in secrets where out.contains(secret) {
            out = out.components(separatedBy: secret).joined(separator: "***")
        }
        return out
    }
}
