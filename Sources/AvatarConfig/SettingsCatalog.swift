/// One configuration variable: its name, default, range, whether its value
/// is a secret, and which part of the program reads it.
public struct SettingSpec: Sendable, Equatable {
    public var name: String
    /// The default as text; nil when unset means "none" (or "unlimited").
    public var defaultValue: String?
    /// The range of a numeric setting.
    public var range: ClosedRange<Double>?
    public var secret: Bool
    /// "processor", "openai", "flowise", "s3", "spend", "service", "index", "retry", "test".
    public var readBy: String

    public init(_ name: String, _ defaultValue: String?, range: ClosedRange<Double>? = nil, secret: Bool = false, readBy: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.range = range
        self.secret = secret
        self.readBy = readBy
    }
}

/// Every variable avatar-spool reads, in one table: the readers take their
/// defaults and ranges from it (`Settings.int`/`number`), `doctor` lists it,
/// and a test checks that the README's configuration table and the example
/// environment file (contrib/avatar-spool.env) name exactly these.
public enum SettingsCatalog {
    public static let all: [SettingSpec] = [
        // The processor (ProcessorSettings)
        SettingSpec("AVATAR_SPOOL_DIR", "./spool", readBy: "processor"),
        SettingSpec("WORKER_INTERVAL", "30", range: 0.1...86_400, readBy: "processor"),
        SettingSpec("MULTITHREAD_FLOWISE", "5", range: 1...256, readBy: "processor, flowise, openai"),
        SettingSpec("IMAGE_CONCURRENCY", "4", range: 1...256, readBy: "processor, openai"),
        SettingSpec("TASK_CONCURRENCY", "4", range: 1...256, readBy: "processor"),
        SettingSpec("AVATAR_SETTLE_SECONDS", "5", range: 0...3600, readBy: "processor"),
        SettingSpec("AVATAR_GRACE", "20", range: 0...3600, readBy: "processor"),
        SettingSpec("AVATAR_UMASK", "027", readBy: "processor"),
        SettingSpec("AVATAR_DATA_PROVIDER", "builtin", readBy: "processor"),
        SettingSpec("AVATAR_IMAGE_PROVIDER", "builtin", readBy: "processor"),
        SettingSpec("AVATAR_TRIM_TOLERANCE", "10", range: 0...255, readBy: "processor"),
        SettingSpec("AVATAR_THUMB_SIZE", "256", range: 0...2048, readBy: "processor"),
        // Flowise
        SettingSpec("FLOWISE_URL", nil, readBy: "flowise"),
        SettingSpec("FLOWISE_API_KEY", nil, secret: true, readBy: "flowise"),
        SettingSpec("FLOWISE_REQUESTS_PER_MINUTE", nil, range: 1...1_000_000, readBy: "flowise"),
        SettingSpec("FLOWISE_TIMEOUT_SECONDS", "120", range: 1...3600, readBy: "flowise"),
        // OpenAI and compatible servers
        SettingSpec("OPENAI_BASE_URL", "https://api.openai.com/v1", readBy: "openai"),
        SettingSpec("OPENAI_API_KEY", nil, secret: true, readBy: "openai"),
        SettingSpec("OPENAI_CHAT_MODEL", "gpt-6-luna", readBy: "openai"),
        SettingSpec("OPENAI_IMAGE_MODEL", "gpt-image-2.6-flare", readBy: "openai"),
        SettingSpec("OPENAI_EDIT_MODEL", nil, readBy: "openai"),
        SettingSpec("OPENAI_IMAGE_QUALITY", nil, readBy: "openai"),
        SettingSpec("OPENAI_IMAGE_COMPLEXITY", nil, readBy: "openai"),
        SettingSpec("OPENAI_REQUESTS_PER_MINUTE", nil, range: 1...1_000_000, readBy: "openai"),
        SettingSpec("OPENAI_IMAGES_PER_MINUTE", nil, range: 1...1_000_000, readBy: "openai"),
        SettingSpec("OPENAI_CHAT_TIMEOUT_SECONDS", "120", range: 1...3600, readBy: "openai"),
        SettingSpec("OPENAI_IMAGE_TIMEOUT_SECONDS", "300", range: 180...3600, readBy: "openai"),
        // Retries of every remote call
        SettingSpec("AVATAR_RETRY_MAX_ATTEMPTS", "6", range: 1...20, readBy: "retry"),
        SettingSpec("AVATAR_RETRY_BASE_MS", "500", range: 1...60_000, readBy: "retry"),
        SettingSpec("AVATAR_RETRY_CAP_MS", "30000", range: 1...600_000, readBy: "retry"),
        // Spend
        SettingSpec("AVATAR_PRICES_FILE", nil, readBy: "spend"),
        SettingSpec("AVATAR_BUDGET_DAILY_USD", nil, range: 0...1_000_000_000, readBy: "spend"),
        // The index: PostgreSQL instead of index.sqlite (a URL password is a secret: masked as a URL credential)
        SettingSpec("AVATAR_INDEX_URL", nil, readBy: "processor"),
        // Hosts sharing one spool: leases in the index's PostgreSQL
        SettingSpec("AVATAR_LEASES", "flock", readBy: "processor"),
        SettingSpec("AVATAR_LEASE_SECONDS", "30", range: 3...600, readBy: "processor"),
        SettingSpec("AVATAR_NODE_NAME", nil, readBy: "processor"),
        // S3
        SettingSpec("S3_ENDPOINT", nil, readBy: "s3"),
        SettingSpec("S3_ACCESS_KEY", nil, secret: true, readBy: "s3"),
        SettingSpec("S3_SECRET_KEY", nil, secret: true, readBy: "s3"),
        SettingSpec("S3_BUCKET_NAME", "avatar-images", readBy: "s3"),
        SettingSpec("S3_REGION", "us-east-1", readBy: "s3"),
        SettingSpec("S3_PUBLIC_URL", nil, readBy: "s3"),
        SettingSpec("S3_ADDRESSING", "path", readBy: "s3"),
        SettingSpec("S3_KEY_PREFIX", "avatars", readBy: "s3, processor"),
        SettingSpec("S3_MULTIPART_THRESHOLD", "16777216", readBy: "s3"),
        // Running as a service
        SettingSpec("AVATAR_WATCHDOG_HORIZON", "900", range: 1...86_400, readBy: "service"),
        SettingSpec("AVATAR_STALL_SECONDS", "3600", range: 1...2_592_000, readBy: "service"),
        SettingSpec("AVATAR_LOG_FORMAT", "text", readBy: "service"),
        SettingSpec("AVATAR_METRICS_FILE", nil, readBy: "service"),
        SettingSpec("AVATAR_METRICS_LISTEN", nil, readBy: "service"),
        SettingSpec("AVATAR_ON_FINISH", nil, readBy: "service"),
        SettingSpec("AVATAR_HOOK_TIMEOUT", "60", range: 0.1...86_400, readBy: "service"),
        SettingSpec("AVATAR_WEBHOOK_URL", nil, readBy: "service"),
        SettingSpec("AVATAR_WEBHOOK_SECRET", nil, secret: true, readBy: "service"),
        // Test switches (documented as such; not in the example environment file)
        SettingSpec("AVATAR_CLOCK_FILE", nil, readBy: "test"),
        SettingSpec("AVATAR_BUILTIN_IMAGE_DELAY_MS", "0", range: 0...600_000, readBy: "test"),
        SettingSpec("AVATAR_TEST_NO_RENAME_NOREPLACE", nil, readBy: "test"),
        SettingSpec("AVATAR_TEST_NO_FLOCK", nil, readBy: "test"),
        SettingSpec("AVATAR_TEST_AUDIT_FILE", nil, readBy: "test"),
    ]

    /// The spec of `name`, when it is one of ours.
    public static func spec(_ name: String) -> SettingSpec? { byName[name] }

    static let byName: [String: SettingSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The first of our variables a message names (a provider's or store's
    /// configuration error), so the error keeps naming it as a SettingsError.
    public static func variable(namedIn text: String) -> String? {
        all.compactMap { spec in text.range(of: spec.name).map { (spec.name, $0.lowerBound) } }
            .min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0.count > $1.0.count) }?.0
    }
}

extension Settings {
    /// A numeric setting: its value, else the catalog's default (nil: none).
    /// - Throws: `SettingsError` naming the variable when it is not a number in the catalog's range.
    public func number(_ name: String) throws -> Double? {
        let spec = SettingsCatalog.spec(name)
        guard let raw = self[name] ?? spec?.defaultValue else { return nil }
        guard let n = Double(raw), n.isFinite else {
            throw SettingsError(variable: name, message: "must be a number\(Self.rangeText(spec)), got '\(raw)'")
        }
        if let range = spec?.range, !range.contains(n) {
            throw SettingsError(variable: name, message: "must be a number\(Self.rangeText(spec)), got '\(raw)'")
        }
        return n
    }

    /// A whole-number setting: its value, else the catalog's default (nil: none).
    /// - Throws: `SettingsError` naming the variable when it is not a whole number in range.
    public func int(_ name: String) throws -> Int? {
        let spec = SettingsCatalog.spec(name)
        guard let raw = self[name] ?? spec?.defaultValue else { return nil }
        guard let n = Int(raw), spec?.range.map({ $0.contains(Double(n)) }) ?? true else {
            throw SettingsError(variable: name, message: "must be a whole number\(Self.rangeText(spec)), got '\(raw)'")
        }
        return n
    }

    static func rangeText(_ spec: SettingSpec?) -> String {
        guard let r = spec?.range else { return "" }
        func t(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
        return " from \(t(r.lowerBound)) to \(t(r.upperBound))"
    }
}
