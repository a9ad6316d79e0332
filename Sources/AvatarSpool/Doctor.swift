import AvatarConfig
import AvatarProviders
import AvatarSpend
import AvatarStorage
import AvatarSpoolEngine
import AvatarSystem
import Foundation
import Logging

/// `doctor`: the effective configuration with secrets masked, and a verdict
/// per check.
public struct Doctor: Sendable {
    public struct Line: Sendable {
        public var ok: Bool
        public var what: String
        public var detail: String
    }

    public var configuration: [(String, String)]
    public var lines: [Line]
    public var ok: Bool { lines.allSatisfy(\.ok) }

    /// Variables worth showing even when unset: the catalog's, less test switches.
    static var known: [String] { SettingsCatalog.all.filter { $0.readBy != "test" }.map(\.name) }

    public static func check(_ values: Settings) async -> Doctor {
        var config: [(String, String)] = []
        let names = Set(known).union(values.values.keys.filter {
            $0.hasPrefix("AVATAR_") || $0.hasPrefix("S3_") || $0.hasPrefix("OPENAI_") || $0.hasPrefix("FLOWISE_")
        })
        for name in names.sorted() {
            guard let v = values[name] else { config.append((name, "(unset)")); continue }
            config.append((name, Settings.isSecret(name) ? Settings.mask(v) : Settings.maskURL(v)))
        }
        var lines: [Line] = []
        var logger = Logger(label: "avatar-spool.doctor")
        logger.logLevel = .critical
        do {
            let services = try Services.make(values, logger: logger)
            lines.append(Line(ok: true, what: "configuration",
                              detail: "data \(services.context.personas.name), images \(services.context.images.name), storage \(services.context.store.name)"))
            lines.append(spoolCheck(services.layout))
            lines.append(indexCheck(await IndexState.measure(services)))
            if let leases = services.leases {
                do {
                    let detail = try await BlockingPool.shared.run { try leases.probe() }
                    lines.append(Line(ok: true, what: "leases", detail: detail))
                } catch {
                    lines.append(Line(ok: false, what: "leases", detail: "AVATAR_LEASES=postgres: \(error) (leases need PostgreSQL 14 or later, reached directly, never through a transaction pooler)"))
                }
            }
            lines += await EndpointChecks.run(values, services: services)
        } catch {
            lines.append(Line(ok: false, what: "configuration", detail: "\(error)"))
        }
        return Doctor(configuration: config, lines: lines)
    }

    static func spoolCheck(_ layout: SpoolLayout) -> Line {
        do {
            try layout.create()
            let probe = layout.tmp + "/.doctor-\(getpid())"
            try AtomicFile.write(Array("ok".utf8), toPath: probe)
            try? Sys.unlinkat(AT_FDCWD, probe)
            return Line(ok: true, what: "spool", detail: "\(layout.root) is writable")
        } catch {
            return Line(ok: false, what: "spool", detail: "\(layout.root): \(error)")
        }
    }

    /// The index: FAIL when it cannot be read, a warning when it is behind.
    static func indexCheck(_ state: IndexState) -> Line {
        let text = String(state.indexText.dropFirst("index ".count))
        let detail = state.reachable && !state.inStep ? "WARN " + text : text
        return Line(ok: state.reachable || state.error?.hasPrefix("there is no index") == true,
                    what: "index", detail: detail.trimmingCharacters(in: .newlines))
    }

    public var text: String {
        var out = "configuration (flags > environment > config file):\n"
        for (k, v) in configuration { out += "  \(k)=\(v)\n" }
        out += "\nchecks:\n"
        for l in lines { out += "  [\(l.ok ? " ok " : "FAIL")] \(l.what): \(l.detail)\n" }
        return Settings.maskURLs(in: out)
    }
}

/// Reachability and credential checks of the configured endpoints: `GET
/// /models` for OpenAI-compatible servers, Flowise's ping, a HEAD on the S3
/// bucket. Only what is configured is checked.
enum EndpointChecks {
    static func run(_ values: Settings, services: Services) async -> [Doctor.Line] {
        guard let transport = services.transport else {
            return [Doctor.Line(ok: true, what: "endpoints", detail: "none configured (offline: builtin providers, local storage)")]
        }
        var checks: [EndpointCheck] = []
        if let p = services.context.personas as? FlowisePersonaProvider { checks.append(await p.check(transport: transport)) }
        if let p = services.context.personas as? OpenAIChatPersonaProvider { checks.append(await p.check(transport: transport)) }
        let images = (services.context.images as? BudgetedImageProvider)?.inner ?? services.context.images
        if let p = images as? OpenAIImageProvider { checks.append(await p.check(transport: transport)) }
        var lines = checks.map { Doctor.Line(ok: $0.verdict != .failed, what: $0.name, detail: "\($0.verdict.rawValue) \($0.endpoint): \($0.detail)") }
        // Prices: a model the table does not know costs "unknown", never 0.
        for (variable, model) in services.spend.pricedModels {
            let known = services.prices.price(for: model)
            lines.append(Doctor.Line(ok: true, what: "price \(variable)",
                                     detail: known.map { "\(model): \($0.source)" }
                                         ?? "WARN \(model) has no price in the table (as of \(services.prices.asOf)): its cost shows as unknown; add it with AVATAR_PRICES_FILE"))
        }
        // Model lifecycle: listed by the server, and any announced shutdown date.
        for f in await ModelLifecycle.review(services.models, transport: transport) {
            let verdict = f.level == .error ? "FAIL" : f.level == .ok ? "OK" : "WARN"
            lines.append(Doctor.Line(ok: f.level != .error, what: "model \(f.variable)", detail: "\(verdict) \(f.message)"))
        }
        if let s3 = services.store as? S3Store {
            let verdict = await s3.headBucket()
            lines.append(Doctor.Line(ok: verdict == .ok, what: "s3",
                                     detail: "HEAD \(s3.settings.endpoint)/\(s3.settings.bucket): \(verdict)"))
        }
        return lines
    }
}
