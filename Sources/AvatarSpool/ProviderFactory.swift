import AvatarConfig
import AvatarDomain
import AvatarHTTP
import AvatarProviders
import AvatarSpoolEngine
import AvatarStorage
import Foundation

/// Picks the concrete providers and store the configuration names. A remote
/// provider whose settings are missing is an error naming the variable,
/// never a silent fallback to builtin.
enum ProviderFactory {
    static func personaProvider(_ settings: ProcessorSettings, _ values: Settings) throws -> any PersonaProvider {
        switch settings.dataProvider {
        default: return BuiltinPersonaProvider()
        }
    }

    static func imageProvider(_ settings: ProcessorSettings, _ values: Settings) throws -> any ImageProvider {
        switch settings.imageProvider {
        default:
            // AVATAR_BUILTIN_IMAGE_DELAY_MS: a testing knob (scripts/torture.sh)
            // that makes the builtin provider answer like a slow remote one.
            let ms = try values.int("AVATAR_BUILTIN_IMAGE_DELAY_MS", default: 0, range: 0...600_000)
            return BuiltinImageProvider(delay: .milliseconds(ms))
        }
    }

    static func store(_ values: Settings, layout: SpoolLayout) throws -> any ObjectStore {
        LocalObjectStore(spoolPath: layout.root)
    }
}
