import Foundation

/// The processor's own settings (providers and stores read theirs).
public struct ProcessorSettings: Sendable {
    public var spool: String
    /// Seconds between full rescans of pending/ and orphan checks (WORKER_INTERVAL).
    public var workerInterval: Double
    /// Data-provider requests at once (MULTITHREAD_FLOWISE).
    public var dataConcurrency: Int
    /// Personas in their image steps at once (IMAGE_CONCURRENCY).
    public var imageConcurrency: Int
    /// Tasks worked on at once (TASK_CONCURRENCY).
    public var taskConcurrency: Int
    /// Seconds a file that does not parse may still be being written (AVATAR_SETTLE_SECONDS).
    public var settleSeconds: Double
    /// Seconds in-flight steps get after SIGTERM (AVATAR_GRACE).
    public var grace: Double
    /// umask for new files and folders (AVATAR_UMASK, octal; default 027: 0640 / 0750).
    public var umask: UInt32
    public var dataProvider: String
    public var imageProvider: String
    public var keyPrefix: String
    public var trimTolerance: Int
    /// Longest side of the thumbnails in pixels (AVATAR_THUMB_SIZE); 0: none.
    public var thumbSize: Int
    /// The PostgreSQL index (AVATAR_INDEX_URL, a postgresql:// URI that libpq
    /// reads, PG* variables filling what it leaves out); nil: index.sqlite.
    public var indexURL: String?
    /// Who may work on a task: "flock" (one host) or "postgres" (leases in
    /// the index's database, for hosts sharing one spool) (AVATAR_LEASES).
    public var leases: String
    /// AVATAR_LEASE_SECONDS: how long a silent host keeps its leases.
    public var leaseSeconds: Double
    /// AVATAR_NODE_NAME: this host's name in leases and logs (default: the host name).
    public var nodeName: String

    public init(_ s: Settings) throws {
        // Defaults and ranges come from SettingsCatalog, the one table of variables.
        spool = s["AVATAR_SPOOL_DIR"] ?? SettingsCatalog.spec("AVATAR_SPOOL_DIR")!.defaultValue!
        workerInterval = try s.number("WORKER_INTERVAL")!
        dataConcurrency = try s.int("MULTITHREAD_FLOWISE")!
        imageConcurrency = try s.int("IMAGE_CONCURRENCY")!
        taskConcurrency = try s.int("TASK_CONCURRENCY")!
        settleSeconds = try s.number("AVATAR_SETTLE_SECONDS")!
        grace = try s.number("AVATAR_GRACE")!
        let rawUmask = s["AVATAR_UMASK"] ?? SettingsCatalog.spec("AVATAR_UMASK")!.defaultValue!
        guard let mask = UInt32(rawUmask, radix: 8), mask <= 0o777 else {
            throw SettingsError(variable: "AVATAR_UMASK", message: "must be an octal mask such as 027, got '\(rawUmask)'")
        }
        // A mask that takes the owner's read, write or search bit makes a
        // spool its own processor cannot open.
        guard mask & 0o700 == 0 else {
            throw SettingsError(variable: "AVATAR_UMASK", message: "must leave the owner read, write and search permission (0o700 clear), got '\(rawUmask)'; 027 or 007 are the usual masks")
        }
        umask = mask
        dataProvider = (s["AVATAR_DATA_PROVIDER"] ?? "builtin").lowercased()
        imageProvider = (s["AVATAR_IMAGE_PROVIDER"] ?? "builtin").lowercased()
        guard ["builtin", "flowise", "openai"].contains(dataProvider) else {
            throw SettingsError(variable: "AVATAR_DATA_PROVIDER", message: "must be builtin, flowise or openai, got '\(dataProvider)'")
        }
        guard ["builtin", "openai"].contains(imageProvider) else {
            throw SettingsError(variable: "AVATAR_IMAGE_PROVIDER", message: "must be builtin or openai, got '\(imageProvider)'")
        }
        keyPrefix = s["S3_KEY_PREFIX"] ?? SettingsCatalog.spec("S3_KEY_PREFIX")!.defaultValue!
        trimTolerance = try s.int("AVATAR_TRIM_TOLERANCE")!
        thumbSize = try s.int("AVATAR_THUMB_SIZE")!
        if let url = s["AVATAR_INDEX_URL"], !url.isEmpty {
            guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
                throw SettingsError(variable: "AVATAR_INDEX_URL", message: "must be a postgresql:// URL such as postgresql://db.example/avatars?sslmode=verify-full, got '\(Settings.maskURL(url))'; unset it for index.sqlite in the spool")
            }
            indexURL = url
        }
        leases = (s["AVATAR_LEASES"] ?? SettingsCatalog.spec("AVATAR_LEASES")!.defaultValue!).lowercased()
        guard ["flock", "postgres"].contains(leases) else {
            throw SettingsError(variable: "AVATAR_LEASES", message: "must be flock (one host) or postgres (hosts sharing one spool), got '\(leases)'")
        }
        if leases == "postgres" && indexURL == nil {
            throw SettingsError(variable: "AVATAR_LEASES", message: "postgres needs the index in PostgreSQL: set AVATAR_INDEX_URL=postgresql://… (leases are refused with index.sqlite, which must not be shared between hosts)")
        }
        leaseSeconds = try s.number("AVATAR_LEASE_SECONDS")!
        nodeName = s["AVATAR_NODE_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.hostName
    }
}
