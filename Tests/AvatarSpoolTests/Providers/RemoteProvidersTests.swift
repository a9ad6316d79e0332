import AvatarDomain
import AvatarProviders
import Testing

@Suite("RemoteProviders: choosing from the environment")
struct RemoteProvidersTests {
    @Test("builtin or unset gives builtin; flowise and openai give settings whose summary hides the key")
    func choose() throws {
        #expect(try RemoteProviders.persona(environment: [:]).summary == nil)
        #expect(try RemoteProviders.images(environment: ["AVATAR_IMAGE_PROVIDER": "builtin"]).summary == nil)
        let flowise = try RemoteProviders.persona(environment: [
            "AVATAR_DATA_PROVIDER": "flowise", "FLOWISE_URL": "http://h:3000/api/v1/prediction/abc", "FLOWISE_API_KEY": "fk-secret"])
        guard case .flowise(let flowiseSettings) = flowise else { Issue.record("flowise chosen"); return }
        #expect(ProviderTest.clients.flowiseProvider(flowiseSettings).name == "flowise")
        #expect(flowise.summary?.contains("http://h:3000/api/v1/prediction/abc") == true)
        #expect(flowise.summary?.contains("fk-secret") == false)
        let images = try RemoteProviders.images(environment: [
            "AVATAR_IMAGE_PROVIDER": "openai", "OPENAI_API_KEY": "sk-secret", "OPENAI_IMAGE_MODEL": "dall-e-3"])
        guard case .openAI(let imageSettings) = images else { Issue.record("openai chosen"); return }
        let provider = ProviderTest.clients.openAIImageProvider(imageSettings)
        if case .oneOf(let sizes, _) = provider.sizeRule { #expect(sizes.count == 3) } else { Issue.record("dall-e-3 has three sizes") }
        #expect(images.summary?.contains("sk-secret") == false)
    }

    @Test("an unknown provider or a missing setting is a startup error naming it")
    func errors() {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "ok" } catch { return "\(error)" }
        }
        #expect(message { _ = try RemoteProviders.persona(environment: ["AVATAR_DATA_PROVIDER": "gpt"]) }
                    .contains("AVATAR_DATA_PROVIDER=gpt is not one of builtin, flowise, openai"))
        #expect(message { _ = try RemoteProviders.persona(environment: ["AVATAR_DATA_PROVIDER": "flowise"]) }
                    .contains("AVATAR_DATA_PROVIDER=flowise needs FLOWISE_URL"))
        #expect(message { _ = try RemoteProviders.images(environment: ["AVATAR_IMAGE_PROVIDER": "openai"]) }
                    .contains("AVATAR_IMAGE_PROVIDER=openai needs OPENAI_API_KEY"))
    }
}
