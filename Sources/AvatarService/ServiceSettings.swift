import AvatarConfig
import AvatarSystem
import Foundation

/// The settings of running as a service (README, "Running as a service").
public struct ServiceSettings: Sendable {
    /// Seconds a busy loop may go without progress before the watchdog stops petting.
    public var watchdogHorizon: Double
    /// Seconds without a new checkpoint after which a live task is stalled.
    public var stallSeconds: Double
    public var logFormat: LogFormat
    public var metricsFile: String?
    public var metricsListen: (host: String, port: UInt16)?
    public var onFinish: String?
    public var hookTimeout: Double
    public var webhookURL: String?
    public var webhookSecret: String?

    public enum LogFormat: String, Sendable { case text, json }

    /// - Throws: `SettingsError` naming the variable: a metrics file in a
    ///   missing or read-only folder, a hook that is not an absolute path, …
    public init(_ s: Settings) throws {
        watchdogHorizon = try s.number("AVATAR_WATCHDOG_HORIZON")!
        stallSeconds = try s.number("AVATAR_STALL_SECONDS")!
        let format = (s["AVATAR_LOG_FORMAT"] ?? "text").lowercased()
        guard let parsed = LogFormat(rawValue: format) else {
            throw SettingsError(variable: "AVATAR_LOG_FORMAT", message: "must be text or json, got '\(format)'")
        }
        logFormat = parsed
        metricsFile = s["AVATAR_METRICS_FILE"]
        if let listen = s["AVATAR_METRICS_LISTEN"] {
            guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
                throw SettingsError(variable: "AVATAR_METRICS_LISTEN", message: "must be HOST:PORT such as 127.0.0.1:9464, got '\(listen)'")
            }
            var host = String(listen[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            metricsListen = (host.isEmpty ? "0.0.0.0" : host, port)
        }
        onFinish = s["AVATAR_ON_FINISH"]
        if let program = onFinish, !program.hasPrefix("/") {
            throw SettingsError(variable: "AVATAR_ON_FINISH", message: "must be an absolute path (it runs without a shell), got '\(program)'")
        }
        hookTimeout = try s.number("AVATAR_HOOK_TIMEOUT")!
        webhookURL = s["AVATAR_WEBHOOK_URL"]
        if let url = webhookURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw SettingsError(variable: "AVATAR_WEBHOOK_URL", message: "must be an http:// or https:// URL, got '\(url)'")
        }
        webhookSecret = s["AVATAR_WEBHOOK_SECRET"]
    }

    /// What only `run` needs to hold (other commands ignore these settings).
    /// - Throws: `SettingsError` naming AVATAR_METRICS_FILE when its folder is
    ///   missing or not writable.
    public func checkForRun() throws {
        if let path = metricsFile { try Self.checkWritableFolder(of: path, variable: "AVATAR_METRICS_FILE") }
    }

    /// The folder of `path` must exist and be writable by this process (the
    /// file is replaced by rename, so the folder is what matters).
    static func checkWritableFolder(of path: String, variable: String) throws {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        guard let st = try? Sys.statFollowingLinks(folder), (st.st_mode & S_IFMT) == S_IFDIR else {
            throw SettingsError(variable: variable, message: "names \(path), but the folder \(folder) does not exist")
        }
        // A real probe, not access(2): root passes access() on a read-only mount.
        let probe = folder + "/.avatar-spool-probe-\(getpid())"
        do {
            try Sys.openOwned(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600).close()
        } catch let error as SystemError {
            throw SettingsError(variable: variable, message: "names \(path), but the folder \(folder) is not writable (\(error.message))")
        }
        try? Sys.unlinkat(AT_FDCWD, probe)
    }
}
