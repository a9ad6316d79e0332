import Foundation
import Testing

extension Reliability {
    /// Issue 5, secrets and permissions: configured keys never reach logs,
    /// error.json, result.json, status output or the index; new folders are
    /// 0750 and files 0640 unless --umask says otherwise.
    @Suite(.serialized) struct SecretsTests {
        static let secrets = [
            "OPENAI_API_KEY": "sk-test-SECRET123456",
            "FLOWISE_API_KEY": "fl-SECRET-abcdef",
            "S3_SECRET_KEY": "s3-SECRET-xyz",
        ]

        @Test func secretsAppearNowhere() throws {
            #expect(FileManager.default.isExecutableFile(atPath: ProcessSupport.binary), "build first: swift build")
            let base = try TestKit.makeTempDir("secrets")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, Self.secrets)
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "secret-ok"), as: "secret-ok.json", spool: spool)
            try TestKit.drop(Array("{\"count\": 0, \"persona\": {\"country\": \"XX\"}}".utf8), as: "secret-bad.json", spool: spool)
            let run = try TestKit.run(["run", "--drain", "--log-level", "trace"], env: env)
            #expect(run.status == 0, "\(run.output)")
            #expect(TestKit.list(spool + "/completed") == ["secret-ok"])
            #expect(TestKit.list(spool + "/failed") == ["secret-bad"])

            var texts: [(String, String)] = [("run log", run.output)]
            for args in [["status"], ["status", "--json"], ["status", "secret-ok"], ["status", "secret-bad"],
                         ["status", "--json", "secret-ok"], ["validate", spool + "/failed/secret-bad/task.json"],
                         ["doctor"], ["reindex"]] {
                let r = try TestKit.run(args, env: env)
                texts.append((args.joined(separator: " "), r.output))
            }
            #expect(texts[3].1.contains("secret-ok"), "status secret-ok does not show the task: \(texts[3].1)")
            // Every file of the spool, raw bytes: error.json, result.json, the index.
            var files = 0
            for e in TestKit.walk(spool) where TestKit.isRegular(e.mode) {
                if let data = try? Data(contentsOf: URL(fileURLWithPath: spool + "/" + e.path)) {
                    texts.append((e.path, String(decoding: data, as: UTF8.self)))
                    files += 1
                }
            }
            #expect(texts.contains { $0.0.hasSuffix("completed/secret-ok/result.json") })
            #expect(texts.contains { $0.0.hasSuffix("failed/secret-bad/error.json") })
            #expect(texts.contains { $0.0 == "index.sqlite" })
            // The index as rows, too (text columns could be compressed... they are not, but dump anyway).
            let dump = try TestKit.pythonDump(spool + "/index.sqlite")
            #expect(dump.contains("secret-ok"))
            texts.append(("index dump", dump))
            for (what, text) in texts {
                for (name, secret) in Self.secrets {
                    #expect(!text.contains(secret), "\(name)'s value appears in \(what)")
                    #expect(!text.contains(String(secret.suffix(8))), "the end of \(name)'s value appears in \(what)")
                }
            }
        }

        @Test func defaultUmaskGivesOwnerAndGroupOnly() throws {
            let modes = try Self.modesAfterRun(extraArgs: [])
            #expect(!modes.dirs.isEmpty && !modes.files.isEmpty)
            for (path, mode) in modes.dirs { #expect(mode == 0o750, "\(path) is \(String(mode, radix: 8))") }
            for (path, mode) in modes.files { #expect(mode == 0o640, "\(path) is \(String(mode, radix: 8))") }
        }

        @Test func umaskFlagOpensToTheGroup() throws {
            let modes = try Self.modesAfterRun(extraArgs: ["--umask", "002"])
            #expect(!modes.dirs.isEmpty && !modes.files.isEmpty)
            for (path, mode) in modes.dirs { #expect(mode == 0o775, "\(path) is \(String(mode, radix: 8))") }
            for (path, mode) in modes.files { #expect(mode == 0o664, "\(path) is \(String(mode, radix: 8))") }
        }

        /// Runs a processor (with `extraArgs`) on a new spool, once to make
        /// the folders and once more for a task. Returns the modes of what
        /// the processor created: not task.json, which is the submitter's file.
        static func modesAfterRun(extraArgs: [String]) throws -> (dirs: [(String, UInt16)], files: [(String, UInt16)]) {
            let base = try TestKit.makeTempDir("umask")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool)
            var r = try TestKit.run(["run", "--drain"] + extraArgs, env: env)
            #expect(r.status == 0, "\(r.output)")
            try TestKit.drop(TaskFile.simple(id: "modes"), as: "modes.json", spool: spool)
            try TestKit.drop(Array("[]".utf8), as: "modes-bad.json", spool: spool)
            r = try TestKit.run(["run", "--drain"] + extraArgs, env: env)
            #expect(r.status == 0, "\(r.output)")
            #expect(TestKit.list(spool + "/completed") == ["modes"])
            var dirs: [(String, UInt16)] = [("spool", Self.perm(spool))]
            var files: [(String, UInt16)] = []
            for e in TestKit.walk(spool) {
                let name = (e.path as NSString).lastPathComponent
                if name == "task.json" { continue }
                let mode = UInt16(e.mode & 0o7777)
                if (e.mode & S_IFMT) == S_IFDIR { dirs.append((e.path, mode)) } else { files.append((e.path, mode)) }
            }
            #expect(files.contains { $0.0.hasSuffix("persona_1/base.png") })
            #expect(files.contains { $0.0.hasSuffix("failed/modes-bad/error.json") })
            return (dirs, files)
        }

        static func perm(_ path: String) -> UInt16 {
            var st = stat()
            lstat(path, &st)
            return UInt16(st.st_mode & 0o7777)
        }
    }
}

extension TestKit {
    /// Every row of every table of an SQLite file, as text (python3's sqlite3).
    static func pythonDump(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
            for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                for row in db.execute(f'SELECT * FROM "{t}"'):
                    print(t, row)
            """, path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return out
    }
}
