import ArgumentParser
import AvatarConfig
import AvatarSpool
import AvatarSystem
import Foundation
import Logging

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The spool folder (default: $AVATAR_SPOOL_DIR, else ./spool).", valueName: "dir"))
    var spool: String?

    @Option(name: .long, help: ArgumentHelp("A KEY=VALUE config file (default: $AVATAR_CONFIG). Flags beat the environment, which beats the file.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .long, help: ArgumentHelp("Log lines as text (default) or json, one object per line ($AVATAR_LOG_FORMAT).", valueName: "format"))
    var logFormat: String?
    func validate() throws {
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
    }

    /// Merges file, environment and flags (`extra` holds command flags).
    func settings(extra: [String: String] = [:]) throws -> Settings {
        let env = ProcessInfo.processInfo.environment
        var file: [String: String] = [:]
        if let path = config ?? env["AVATAR_CONFIG"] {
            file = try ConfigFile.load(path: path)
        }
        var flags = extra
        if let spool { flags["AVATAR_SPOOL_DIR"] = spool }
        if let logFormat { flags["AVATAR_LOG_FORMAT"] = logFormat }
        return Settings.merged(file: file, environment: env, flags: flags)
    }

    /// Builds the services, bootstraps logging (secrets masked) and sets the
    /// process umask (AVATAR_UMASK), so every command creates files alike.
    func services(extra: [String: String] = [:]) throws -> Services {
        let values = try settings(extra: extra)
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        let secrets = values.secretValues
        LoggingBootstrap.once(level: level, secrets: secrets, json: values["AVATAR_LOG_FORMAT"]?.lowercased() == "json")
        var logger = Logger(label: "avatar-spool")
        logger.logLevel = level
        do {
            let services = try Services.make(values, logger: logger)
            Sys.umask(mode_t(services.settings.umask))
            return services
        } catch let error as SettingsError {
            throw ValidationError(Settings.maskURLs(in: error.description))
        }
    }
}

/// LoggingSystem.bootstrap may run once per process.
enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false

    static func once(level: Logger.Level, secrets: [String], json: Bool = false) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = ScrubbingLogHandler(label: label, secrets: secrets, json: json)
            handler.logLevel = level
            return handler
        }
    }
}
