import AvatarConfig
import AvatarHTTP
import AvatarProviders
import AvatarService
import Logging

extension Services {
    /// AVATAR_ON_FINISH and AVATAR_WEBHOOK_URL. The webhook goes through the
    /// shared libcurl client (its own when nothing else is remote) with the
    /// providers' retry policy (AVATAR_RETRY_*).
    static func makeHooks(_ service: ServiceSettings, values: Settings, transport: CurlHTTPClient?,
                          logger: Logger) throws -> FinishHooks {
        var webhook: Webhook?
        if let url = service.webhookURL {
            let policy: RetryPolicy
            do {
                policy = try RetrySettings.policy(environment: values.values)
            } catch {
                throw SettingsError(variable: "", message: "\(error)")
            }
            let clients = ProviderClients(transport: transport ?? CurlHTTPClient(maxInFlight: 2, version: AvatarSpoolVersion.string))
            let client = clients.webhook(policy: policy, logger: logger)
            webhook = Webhook(url: url, secret: service.webhookSecret, client: client)
        }
        return FinishHooks(program: service.onFinish, timeout: service.hookTimeout, webhook: webhook, logger: logger)
    }
}
