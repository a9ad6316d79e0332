import AvatarConfig
import AvatarProviders
import AvatarSpool
import Foundation
import Logging
import Testing

@Suite("One table of settings")
struct SettingsCatalogTests {
    static let operatorNames = Set(SettingsCatalog.all.filter { $0.readBy != "test" }.map(\.name))

    /// Backticked upper-case names in the first column of the README's configuration table.
    static func readmeNames() throws -> Set<String> {
        let text = try String(contentsOfFile: ProcessSupport.packageRoot + "/README.md", encoding: .utf8)
        let section = text.components(separatedBy: "\n## Configuration")[1].components(separatedBy: "\n## ")[0]
        var names = Set<String>()
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let first = line.split(separator: "|")[0]
            for part in first.split(separator: "`").enumerated() where part.offset % 2 == 1 {
                let word = String(part.element)
                if word.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) { names.insert(word) }
            }
        }
        return names
    }

    @Test("the README's configuration table and the example environment file name exactly the catalog's variables")
    func agree() throws {
        #expect(try Self.readmeNames() == Self.operatorNames)
        let env = try String(contentsOfFile: ProcessSupport.packageRoot + "/contrib/avatar-spool.env", encoding: .utf8)
        var listed = Set<String>()
        for line in env.split(separator: "\n") {
            let body = line.hasPrefix("# ") ? line.dropFirst(2) : line[...]
            if let eq = body.firstIndex(of: "="), body[..<eq].allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }), eq > body.startIndex {
                listed.insert(String(body[..<eq]))
            }
        }
        #expect(listed == Self.operatorNames)
    }

    @Test("one default per variable: the processor and both chat providers read MULTITHREAD_FLOWISE as 5")
    func oneDefault() throws {
        let processor = try ProcessorSettings(Settings())
        let openAI = try OpenAISettings(environment: ["OPENAI_API_KEY": "k"], for: .data)
        let flowise = try FlowiseSettings(environment: ["FLOWISE_URL": "http://127.0.0.1:9/api/v1/prediction/x"])
        #expect(SettingsCatalog.spec("MULTITHREAD_FLOWISE")?.defaultValue == "5")
        #expect(processor.dataConcurrency == 5 && openAI.chatConcurrency == 5 && flowise.maxConcurrent == 5)
        #expect(Settings.isSecret("S3_SECRET_KEY") && Settings.isSecret("AVATAR_WEBHOOK_SECRET"))
    }

    @Test("a malformed value is an error naming its variable, also when a provider reads it")
    func namesTheVariable() throws {
        #expect(throws: SettingsError.self) { try ProcessorSettings(Settings(["TASK_CONCURRENCY": "0"])) }
        do {
            _ = try ProcessorSettings(Settings(["TASK_CONCURRENCY": "0"]))
        } catch let error as SettingsError {
            #expect(error.variable == "TASK_CONCURRENCY" && error.description.contains("from 1 to 256"))
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        do {
            _ = try Services.make(Settings(["AVATAR_DATA_PROVIDER": "flowise", "FLOWISE_URL": "http://127.0.0.1:9/api/v1/prediction/x",
                                            "FLOWISE_TIMEOUT_SECONDS": "soon"]), logger: logger)
            Issue.record("accepted FLOWISE_TIMEOUT_SECONDS=soon")
        } catch let error as SettingsError {
            #expect(error.variable == "FLOWISE_TIMEOUT_SECONDS", "\(error)")
            #expect(error.description.contains("FLOWISE_TIMEOUT_SECONDS=soon"))
        }
    }

    @Test("one masking function: URL credentials, then secrets longest first (a secret inside another is masked whole)")
    func masking() {
        let masker = SecretMasker(["sk-abcd", "sk-abcd-efgh-long", "ab"])
        #expect(masker.mask("key sk-abcd-efgh-long and sk-abcd") == "key *** and ***")
        #expect(masker.mask("http://admin:pw1234@host/v1") == "http://***@host/v1")
        #expect(masker.mask("ab stays") == "ab stays")
    }
}
