import AvatarConfig
import AvatarDomain
import AvatarHTTP
import AvatarImaging
import AvatarPipeline
import AvatarProviders
import AvatarSpoolEngine
import AvatarStorage
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// The composition root: the only place that picks concrete providers and
/// stores and wires them into the pipeline (DESIGN.md §7, floor 4).
public struct Services: Sendable {
    public let settings: ProcessorSettings
    public let layout: SpoolLayout
    public let claimer: Claimer
    public let context: PipelineContext
    public let indexer: Indexer
    public let parse: @Sendable ([UInt8]) -> TaskSpec?
    public let admit: Admit
    public let logger: Logger
    /// "data: …; images: …; storage: …" for the startup log (no keys).
    public let summary: String
    /// The shared libcurl client, when anything remote is configured.
    public let transport: CurlHTTPClient?

    /// Builds everything from merged settings.
    /// - Throws: `SettingsError` naming a missing or malformed variable.
    public static func make(_ values: Settings, logger: Logger) throws -> Services {
        let settings = try ProcessorSettings(values)
        let layout = SpoolLayout(root: settings.spool)
        let chosen: ProviderFactory.Chosen
        do {
            chosen = try ProviderFactory(settings: settings, values: values, logger: logger).make(layout: layout)
        } catch let error as ProviderError {
            throw SettingsError(variable: "", message: error.message)
        } catch let error as SettingsError {
            throw error
        } catch {
            throw SettingsError(variable: "", message: "\(error)")
        }
        let (personas, images, store) = (chosen.personas, chosen.images, chosen.store)
        let allowed = images.supportedSizes
        let admit = Admission.make(allowedSizes: allowed)
        let parse: @Sendable ([UInt8]) -> TaskSpec? = { bytes in
            if case .valid(let spec) = admit(bytes, "task.json") { return spec }
            return nil
        }
        let indexer = Indexer(layout: layout, parse: parse, logger: logger)
        let context = PipelineContext(
            personas: personas, images: images, store: store,
            dataLimiter: AsyncLimiter(limit: settings.dataConcurrency),
            imageLimiter: AsyncLimiter(limit: settings.imageConcurrency),
            keyPrefix: settings.keyPrefix, trimTolerance: settings.trimTolerance, parse: parse,
            onProgress: { ws in await indexer.sync(ws, immediate: false) },
            redact: { [secrets = values.secretValues] text in
                secrets.reduce(Settings.maskURLs(in: text)) { $0.replacingAll($1, with: "***") }
            },
            digest: { path in try await FileDigest.compute(path: path, partSize: nil).sha256Hex },
            logger: logger)
        let claimer = Claimer(layout: layout, admit: admit, settleSeconds: settings.settleSeconds, logger: logger)
        return Services(settings: settings, layout: layout, claimer: claimer, context: context,
                        indexer: indexer, parse: parse, admit: admit, logger: logger, summary: chosen.summary,
                        transport: chosen.transport)
    }
}
