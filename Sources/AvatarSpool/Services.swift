import AvatarConfig
import AvatarDomain
import AvatarHTTP
import AvatarImaging
import AvatarIndex
import AvatarLeases
import AvatarPipeline
import AvatarProviders
import AvatarService
import AvatarSpend
import AvatarSpoolEngine
import AvatarStorage
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// The composition root: the only place that picks concrete providers and
/// stores and wires them into the pipeline (DESIGN.md §7, floor 5).
public struct Services: Sendable {
    public let settings: ProcessorSettings
    public let layout: SpoolLayout
    public let claimer: Claimer
    public let context: PipelineContext
    public let indexer: Indexer
    /// The spool's index.html (task pages are written through `context.onFinish`).
    public let spoolPage: SpoolPageWriter
    public let parse: @Sendable ([UInt8]) -> TaskSpec?
    public let admit: Admit
    public let logger: Logger
    /// "data: …; images: …; storage: …" for the startup log (no keys).
    public let summary: String
    /// The shared libcurl client, when anything remote is configured.
    public let transport: CurlHTTPClient?
    /// Running as a service: watchdog, metrics, hooks (README, "Running as a service").
    public let service: ServiceSettings
    public let hooks: FinishHooks
    /// Whether the claim and task loops make progress (the watchdog's view).
    public let monitor: ProgressMonitor
    /// The store as chosen (the pipeline gets it wrapped in a metered store).
    public let store: any ObjectStore
    /// The remote models requests go to (checked at start and daily).
    public let models: [ConfiguredModel]
    /// The price table (shipped, or with AVATAR_PRICES_FILE) and what it prices.
    public let prices: PriceTable
    public let spend: SpendConfig
    /// The budgets and the ledger, when images cost money (a remote image provider).
    public let spendGuard: SpendGuard?
    /// Leases in PostgreSQL (AVATAR_LEASES=postgres), also `layout.ownership`; nil: flock on one host.
    public let leases: LeaseManager?

    /// Builds everything from merged settings.
    /// - Throws: `SettingsError` naming a missing or malformed variable.
    public static func make(_ values: Settings, logger: Logger) throws -> Services {
        let settings = try ProcessorSettings(values)
        let service = try ServiceSettings(values)
        var layout = SpoolLayout(root: settings.spool)
        let leases = settings.leases == "postgres" ? settings.indexURL.map {
            LeaseManager(conninfo: $0, node: settings.nodeName, timings: LeaseTimings(seconds: settings.leaseSeconds),
                         logger: logger, audit: LeaseAudit(path: values["AVATAR_TEST_AUDIT_FILE"]))
        } : nil
        if let leases { layout.ownership = leases }
        let chosen: ProviderFactory.Chosen
        do {
            chosen = try ProviderFactory(settings: settings, values: values, logger: logger).make(layout: layout)
        } catch let error as ProviderError {
            // A provider's or store's configuration error names its variable in the message.
            throw SettingsError(variable: SettingsCatalog.variable(namedIn: error.message) ?? "", message: error.message)
        } catch let error as SettingsError {
            throw error
        } catch {
            throw SettingsError(variable: "", message: "\(error)")
        }
        let store = chosen.store
        // Under leases no request starts for a task that is not ours (LeasedProviders.swift).
        let personas: any PersonaProvider = leases.map { LeasedPersonaProvider(chosen.personas, leases: $0) } ?? chosen.personas
        let hooks = try makeHooks(service, values: values, transport: chosen.transport, logger: logger)
        let monitor = ProgressMonitor(horizon: .seconds(service.watchdogHorizon))
        let spendGuard = try SpendSetup.guardIfPaid(chosen, values: values, layout: layout, logger: logger)
        let budgeted: any ImageProvider = spendGuard.map { BudgetedImageProvider(chosen.images, spendGuard: $0) } ?? chosen.images
        let images: any ImageProvider = leases.map { LeasedImageProvider(budgeted, leases: $0) } ?? budgeted
        let admit = Admission.make(sizeRule: images.sizeRule)
        let parse: @Sendable ([UInt8]) -> TaskSpec? = { bytes in
            if case .valid(let spec) = admit(bytes, "task.json") { return spec }
            return nil
        }
        let indexer = Indexer(layout: layout, parse: parse, logger: logger,
                              postgres: settings.indexURL.map { PostgresIndex(conninfo: $0, location: Settings.maskURL($0)) })
        let spoolPage = SpoolPageWriter(layout: layout, indexer: indexer, logger: logger)
        let taskPage = TaskPageBuilder(thumbSize: settings.thumbSize, logger: logger)
        let context = PipelineContext(
            personas: personas, images: images, store: MeteredObjectStore(store),
            dataLimiter: chosen.dataLimiter, imageLimiter: chosen.imageLimiter,
            keyPrefix: settings.keyPrefix, trimTolerance: settings.trimTolerance, thumbSize: settings.thumbSize,
            parse: parse,
            onProgress: { ws in
                monitor.beat(.task)
                await indexer.sync(ws, immediate: false)
                await spoolPage.changed()
            },
            onFinish: { ws, snapshot, manifest in await taskPage.write(ws, snapshot: snapshot, manifest: manifest) },
            redact: { [masker = SecretMasker(values.secretValues)] text in
                masker.mask(text)
            },
            digest: { path in try await FileDigest.compute(path: path, partSize: nil).sha256Hex },
            logger: logger)
        let claimer = Claimer(layout: layout, admit: admit, settleSeconds: settings.settleSeconds, logger: logger)
        return Services(settings: settings, layout: layout, claimer: claimer, context: context,
                        indexer: indexer, spoolPage: spoolPage, parse: parse, admit: admit, logger: logger, summary: chosen.summary,
                        transport: chosen.transport, service: service, hooks: hooks, monitor: monitor, store: store,
                        models: chosen.models, prices: chosen.prices, spend: chosen.spend, spendGuard: spendGuard,
                        leases: leases)
    }
}
