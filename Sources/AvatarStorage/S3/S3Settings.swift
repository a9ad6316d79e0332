import AvatarDomain
import Foundation

/// Where and how to reach the S3 store, from the old service's environment
/// variables. The secret is kept out of every description.
public struct S3Settings: Sendable {
    public enum Addressing: String, Sendable {
        /// `{endpoint}/{bucket}/{key}`: the default, and what custom endpoints need.
        case path
        /// `{scheme}://{bucket}.{host}/{key}`.
        case virtual
    }

    /// `S3_ENDPOINT`, without a trailing slash: `http://127.0.0.1:8333`.
    public var endpoint: String
    public var accessKey: String
    public var secretKey: String
    public var bucket: String
    public var region: String
    /// `S3_PUBLIC_URL`: base for public URLs (a CDN); nil = `{endpoint}/{bucket}`.
    public var publicURL: String?
    public var addressing: Addressing
    /// `S3_KEY_PREFIX`, without slashes at either end.
    public var keyPrefix: String
    /// Files larger than this many bytes go up as multipart uploads.
    public var multipartThreshold: Int64
    /// Bytes per part (S3's minimum is 5 MiB for all but the last part).
    public var partSize: Int64
    /// Parts in flight at once.
    public var partConcurrency: Int

    public static let defaultBucket = "avatar-images"
    public static let defaultRegion = "us-east-1"
    public static let defaultKeyPrefix = "avatars"
    public static let defaultMultipartThreshold: Int64 = 16 << 20

    public init(endpoint: String, accessKey: String, secretKey: String,
                bucket: String = S3Settings.defaultBucket, region: String = S3Settings.defaultRegion,
                publicURL: String? = nil, addressing: Addressing = .path,
                keyPrefix: String = S3Settings.defaultKeyPrefix,
                multipartThreshold: Int64 = S3Settings.defaultMultipartThreshold,
                partSize: Int64 = 8 << 20, partConcurrency: Int = 4) {
        self.endpoint = Self.trimSlashes(endpoint, leading: false)
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.bucket = bucket
        self.region = region
        self.publicURL = publicURL.map { Self.trimSlashes($0, leading: false) }
        self.addressing = addressing
        self.keyPrefix = Self.trimSlashes(keyPrefix, leading: true)
        self.multipartThreshold = multipartThreshold
        self.partSize = max(partSize, 5 << 20)
        self.partConcurrency = max(1, partConcurrency)
    }

    /// Reads `S3_ENDPOINT`, `S3_ACCESS_KEY`, `S3_SECRET_KEY`, `S3_BUCKET_NAME`,
    /// `S3_REGION`, `S3_PUBLIC_URL`, `S3_ADDRESSING` (path|virtual),
    /// `S3_KEY_PREFIX` and `S3_MULTIPART_THRESHOLD` (bytes, or with a K/M/G suffix).
    /// - Throws: `ProviderError` (`.configuration`) naming the variable that is
    ///   missing or wrong, and what it should be.
    public init(environment env: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingSpaces, !v.isEmpty else { return nil }
            return v
        }
        func required(_ name: String, _ what: String) throws -> String {
            guard let v = value(name) else {
                throw ProviderError(.configuration, provider: "s3",
                                    message: "\(name) is not set: it must hold \(what) when S3_ENDPOINT is set")
            }
            return v
        }
        guard let endpoint = value("S3_ENDPOINT") else {
            throw ProviderError(.configuration, provider: "s3",
                                message: "S3_ENDPOINT is not set: set it to the store's URL, e.g. http://127.0.0.1:8333")
        }
        guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://"),
              Self.host(of: endpoint).map({ !$0.isEmpty }) == true else {
            throw ProviderError(.configuration, provider: "s3",
                                message: "S3_ENDPOINT must be an http:// or https:// URL, got \"\(endpoint)\"")
        }
        if let publicURL = value("S3_PUBLIC_URL"), !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw ProviderError(.configuration, provider: "s3",
                                message: "S3_PUBLIC_URL must be an http:// or https:// URL, got \"\(publicURL)\"")
        }
        let accessKey = try required("S3_ACCESS_KEY", "the access key id")
        let secretKey = try required("S3_SECRET_KEY", "the secret access key")
        let addressing: Addressing
        switch value("S3_ADDRESSING")?.lowercased() {
        case nil, "path": addressing = .path
        case "virtual": addressing = .virtual
        case let other?:
            throw ProviderError(.configuration, provider: "s3",
                                message: "S3_ADDRESSING must be \"path\" or \"virtual\", got \"\(other)\"")
        }
        var threshold = Self.defaultMultipartThreshold
        if let raw = value("S3_MULTIPART_THRESHOLD") {
            guard let bytes = Self.parseBytes(raw), bytes > 0 else {
                throw ProviderError(.configuration, provider: "s3",
                                    message: "S3_MULTIPART_THRESHOLD must be a size in bytes (e.g. 16777216 or 16M), got \"\(raw)\"")
            }
            threshold = bytes
        }
        let bucket = value("S3_BUCKET_NAME") ?? Self.defaultBucket
        guard Self.isValidBucket(bucket) else {
            throw ProviderError(.configuration, provider: "s3",
                                message: "S3_BUCKET_NAME must be 3-63 characters of a-z, 0-9, '.' and '-', got \"\(bucket)\"")
        }
        self.init(endpoint: endpoint, accessKey: accessKey, secretKey: secretKey,
                  bucket: bucket, region: value("S3_REGION") ?? Self.defaultRegion,
                  publicURL: value("S3_PUBLIC_URL"), addressing: addressing,
                  keyPrefix: value("S3_KEY_PREFIX") ?? Self.defaultKeyPrefix,
                  multipartThreshold: threshold)
    }

    /// Settings from `env` when `S3_ENDPOINT` is set, nil when S3 is not configured.
    /// - Throws: as `init(environment:)` when S3 is configured but incompletely.
    public static func fromEnvironment(_ env: [String: String]) throws -> S3Settings? {
        guard let e = env["S3_ENDPOINT"], !e.trimmingSpaces.isEmpty else { return nil }
        return try S3Settings(environment: env)
    }

    /// `12345`, `16M`, `16MiB`, `1G`, `512k` (binary multiples).
    static func parseBytes(_ raw: String) -> Int64? {
        var digits = Substring(raw.lowercased())
        var factor: Int64 = 1
        let suffixes: [(String, Int64)] = [
            ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("kb", 1 << 10), ("mb", 1 << 20),
            ("gb", 1 << 30), ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30),
        ]
        if let (suffix, f) = suffixes.first(where: { digits.hasSuffix($0.0) }) {
            digits = digits.dropLast(suffix.count)
            factor = f
        }
        guard let n = Int64(digits.trimmingSpaces) else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: factor)
        return overflow ? nil : v
    }

    static func isValidBucket(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count) && name.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2e || $0 == 0x2d
        }
    }

    /// `host[:port]` of an http(s) URL.
    static func host(of url: String) -> String? {
        guard let r = url.range(of: "://") else { return nil }
        let rest = url[r.upperBound...]
        return String(rest.prefix { $0 != "/" && $0 != "?" })
    }

    static func trimSlashes(_ s: String, leading: Bool) -> String {
        var v = Substring(s.trimmingSpaces)
        while v.hasSuffix("/") { v = v.dropLast() }
        while leading && v.hasPrefix("/") { v = v.dropFirst() }
        return String(v)
    }
}

extension S3Settings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Every setting but the secret, which shows as `***`.
    public var redacted: String {
        "S3(endpoint: \(endpoint), bucket: \(bucket), region: \(region), addressing: \(addressing.rawValue), "
            + "prefix: \(keyPrefix), public URL: \(publicURL ?? "\(endpoint)/\(bucket)"), "
            + "access key: \(accessKey), secret key: ***, multipart above: \(multipartThreshold) bytes)"
    }

    public var description: String { redacted }
    public var debugDescription: String { redacted }
    /// `dump()` and the debugger see the redacted form too.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }
}

extension StringProtocol {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
