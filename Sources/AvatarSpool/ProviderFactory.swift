import AvatarConfig
import AvatarDomain
import AvatarHTTP
import AvatarProviders
import AvatarSpend
import AvatarSpoolEngine
import AvatarStorage
import AvatarSystem
import Foundation
import Logging

/// Picks the concrete providers and store the configuration names. A remote
/// provider whose settings are missing is an error naming the variable,
/// never a silent fallback to builtin. Everything that limits requests is
/// made here, once: the one libcurl client (created only when something
/// remote is configured), each remote provider's retrying client with its
/// rate bucket and limiter (`ProviderClients`), and the pipeline's data and
/// image limiters, which are never the providers' own (see `ProviderClients`).
struct ProviderFactory {
    let settings: ProcessorSettings
    let values: Settings
    let logger: Logger

    /// What was chosen, with a one-line summary for the startup log (no keys).
    struct Chosen {
        var personas: any PersonaProvider
        var images: any ImageProvider
        var store: any ObjectStore
        var summary: String
        var transport: CurlHTTPClient?
        /// At most `MULTITHREAD_FLOWISE` personas asked for at once (the pipeline's).
        var dataLimiter: AsyncLimiter
        /// At most `IMAGE_CONCURRENCY` personas in their image steps at once (the pipeline's).
        var imageLimiter: AsyncLimiter
        var models: [ConfiguredModel] = []
        var prices: PriceTable = .shipped
        var spend = SpendConfig()
    }

    var needsTransport: Bool {
        settings.dataProvider != "builtin" || settings.imageProvider != "builtin" || values["S3_ENDPOINT"] != nil
    }

    func make(layout: SpoolLayout) throws -> Chosen {
        // Sized for every request that may be in flight at once: images,
        // data, and the S3 uploads of the personas in their image steps.
        let transport = needsTransport
            ? CurlHTTPClient(maxInFlight: settings.imageConcurrency * 2 + settings.dataConcurrency + 4,
                             version: AvatarSpoolVersion.string)
            : nil
        let clients = transport.map { ProviderClients(transport: $0) }
        var parts: [String] = []
        let personas: any PersonaProvider
        let personaChoice = try RemoteProviders.persona(environment: values.values)
        switch (personaChoice, clients) {
        case (.flowise(let flowise), let clients?):
            personas = clients.flowiseProvider(flowise, logger: logger)
        case (.openAI(let openAI), let clients?):
            personas = clients.openAIChatProvider(openAI, logger: logger)
        default:
            personas = BuiltinPersonaProvider()
        }
        parts.append("data: " + (personaChoice.summary ?? "builtin"))
        let images: any ImageProvider
        let prices: PriceTable
        do { prices = try PriceTable.load(file: values["AVATAR_PRICES_FILE"]) } catch let error as PriceTable.LoadError {
            throw SettingsError(variable: "", message: error.description)
        }
        let imageChoice = try RemoteProviders.images(environment: values.values)
        if case .openAI(let openAI) = imageChoice, let clients {
            images = clients.openAIImageProvider(openAI, prices: prices, logger: logger)
            parts.append("images: " + (imageChoice.summary ?? "openai"))
        } else {
            // AVATAR_BUILTIN_IMAGE_DELAY_MS: a testing knob (scripts/torture.sh)
            // that makes the builtin provider answer like a slow remote one.
            let ms = try values.int("AVATAR_BUILTIN_IMAGE_DELAY_MS", default: 0, range: 0...600_000)
            images = BuiltinImageProvider(delay: .milliseconds(ms))
            parts.append("images: builtin")
        }
        let store: any ObjectStore
        if let transport, values["S3_ENDPOINT"] != nil {
            let s3 = try S3Settings(environment: values.values)
            store = S3Store(settings: s3, transport: transport, logger: logger)
            parts.append("storage: s3 \(s3.endpoint)/\(s3.bucket)")
        } else {
            store = LocalObjectStore(spoolPath: layout.root)
            parts.append("storage: local \(layout.objects)")
        }
        var models: [ConfiguredModel] = []
        var spend = SpendConfig(dataProvider: personas.name, imageProvider: images.name)
        if let chat = personas as? OpenAIChatPersonaProvider {
            models += ModelLifecycle.configured(chat)
            spend.chatModel = chat.settings.chatModel
        }
        if let openAI = images as? OpenAIImageProvider {
            models += ModelLifecycle.configured(openAI)
            (spend.imageModel, spend.editModel, spend.quality) = (openAI.settings.imageModel, openAI.settings.editModel,
                                                                  openAI.settings.imageQuality)
        }
        return Chosen(personas: personas, images: images, store: store,
                      summary: parts.joined(separator: "; "), transport: transport,
                      dataLimiter: AsyncLimiter(limit: settings.dataConcurrency),
                      imageLimiter: AsyncLimiter(limit: settings.imageConcurrency),
                      models: models, prices: prices, spend: spend)
    }
}
