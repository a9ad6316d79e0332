import ArgumentParser
import AvatarSpool

@main
struct AvatarSpoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avatar-spool",
        abstract: "Generate synthetic personas and their avatars, in batches, from a file-system spool."
    )
}
