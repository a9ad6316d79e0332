import ArgumentParser
import AvatarSpool

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Print the effective configuration (secrets masked) and check each endpoint.",
        discussion: """
            Example:
              OPENAI_API_KEY=sk-... AVATAR_IMAGE_PROVIDER=openai avatar-spool doctor
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let values = try global.settings()
        let report = await Doctor.check(values)
        print(report.text, terminator: "")
        if !report.ok { throw ExitCode(1) }
    }
}
