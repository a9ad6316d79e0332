import AvatarHTTP
import AvatarProviders
import AvatarSpend
import AvatarSystem
import Logging

/// The retrying client of each remote provider, over the one shared
/// transport: its retry policy, its rate bucket and its concurrency limiter
/// are made here, in the composition root, and handed to the provider, which
/// makes none of its own.
///
/// Each limiter bounds one provider's HTTP attempts (released during a
/// backoff wait). The pipeline's own limiters (`PipelineContext.dataLimiter`,
/// `imageLimiter`, made by `ProviderFactory`) are other objects on purpose:
/// a pipeline slot is held around the whole provider call, so taking a
/// permit of the same limiter inside it would deadlock once all are held.
public struct ProviderClients: Sendable {
    public let transport: any HTTPTransport

    public init(transport: any HTTPTransport) {
        self.transport = transport
    }

    /// At most `MULTITHREAD_FLOWISE` requests at once, `FLOWISE_REQUESTS_PER_MINUTE`.
    public func flowise(_ settings: FlowiseSettings, logger: Logger) -> RetryingClient {
        RetryingClient(transport: transport, policy: settings.retry,
                       bucket: TokenBucket(perMinute: settings.requestsPerMinute),
                       limiter: AsyncLimiter(limit: settings.maxConcurrent), name: "flowise", logger: logger)
    }

    /// At most `MULTITHREAD_FLOWISE` chat requests at once, at OpenAI's request rate.
    public func openAIChat(_ settings: OpenAISettings, logger: Logger) -> RetryingClient {
        RetryingClient(transport: transport, policy: settings.retry,
                       bucket: TokenBucket(perMinute: settings.requestsPerMinute),
                       limiter: AsyncLimiter(limit: settings.chatConcurrency), name: "openai-chat", logger: logger)
    }

    /// At most `IMAGE_CONCURRENCY` image requests at once, `OPENAI_IMAGES_PER_MINUTE`.
    public func openAIImages(_ settings: OpenAISettings, logger: Logger) -> RetryingClient {
        RetryingClient(transport: transport, policy: settings.retry,
                       bucket: TokenBucket(perMinute: settings.imagesPerMinute),
                       limiter: AsyncLimiter(limit: settings.imageConcurrency), name: "openai-images", logger: logger)
    }

    /// The finish webhook's (AVATAR_WEBHOOK_URL): the providers' retry policy, no rate or concurrency limit.
    public func webhook(policy: RetryPolicy, logger: Logger) -> RetryingClient {
        RetryingClient(transport: transport, policy: policy, name: "webhook", logger: logger)
    }

    /// The Flowise persona provider over its own client.
    public func flowiseProvider(_ settings: FlowiseSettings, logger: Logger = Logger(label: "avatar-spool.flowise")) -> FlowisePersonaProvider {
        FlowisePersonaProvider(settings: settings, client: flowise(settings, logger: logger), logger: logger)
    }

    /// The OpenAI chat persona provider over its own client.
    public func openAIChatProvider(_ settings: OpenAISettings, logger: Logger = Logger(label: "avatar-spool.openai-chat")) -> OpenAIChatPersonaProvider {
        OpenAIChatPersonaProvider(settings: settings, client: openAIChat(settings, logger: logger), logger: logger)
    }

    /// The OpenAI image provider over its own client.
    public func openAIImageProvider(_ settings: OpenAISettings, prices: PriceTable = .shipped,
                                    logger: Logger = Logger(label: "avatar-spool.openai-images")) -> OpenAIImageProvider {
        OpenAIImageProvider(settings: settings, client: openAIImages(settings, logger: logger), prices: prices, logger: logger)
    }
}
