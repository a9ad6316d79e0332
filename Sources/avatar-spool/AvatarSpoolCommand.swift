import ArgumentParser
import AvatarSpool

@main
struct AvatarSpoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avatar-spool",
        abstract: "Generate synthetic personas and their avatars, in batches, from a file-system spool.",
        discussion: """
            Drop task files (JSON) into <spool>/pending/, or use `avatar-spool submit`. A processor (`avatar-spool run`) claims each one, generates persona data and images, and moves it through generating-data, data-generated, generating-images to completed or failed.

            Example:
              avatar-spool submit examples/berlin-devs.json
              avatar-spool run --drain
              avatar-spool status
            """,
        version: AvatarSpoolVersion.string,
        subcommands: [RunCommand.self, SubmitCommand.self, ValidateCommand.self, StatusCommand.self,
                      RetryCommand.self, ReindexCommand.self, VerifyCommand.self, SplitCommand.self, DoctorCommand.self,
                      SpendCommand.self, ThumbnailsCommand.self, ExportCommand.self, GalleryCommand.self,
                      HoldCommand.self, ReleaseCommand.self, CancelCommand.self, GCCommand.self]
    )
}
