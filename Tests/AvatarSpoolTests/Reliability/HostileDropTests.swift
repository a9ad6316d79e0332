import Foundation
import Testing

extension Reliability {
    /// Issue 5, hostile input: everything in the corpus plus links, a FIFO, a
    /// folder and an unreadable file dropped at once into a running
    /// processor's pending/. Each ends in failed/ with an error.json naming
    /// the cause, a valid task dropped afterwards completes, the processor
    /// keeps running, and nothing outside the spool is read or written.
    @Suite(.serialized) struct HostileDropTests {
        /// A special entry and a substring its error.json must contain.
        struct Special {
            var name: String
            var expected: String
        }

        @Test func everyHostileEntryEndsInFailedAndTheProcessorSurvives() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: ProcessSupport.binary), "build first: swift build")
            let base = try TestKit.makeTempDir("hostile")
            defer { TestKit.remove(base) }
            let spool = base + "/spool", cwd = base + "/cwd", corpusDir = base + "/corpus"
            for d in [spool, cwd, corpusDir] {
                try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            }
            // Names a naive join of a hostile task_id would create outside the spool.
            let outside = ["/tmp/x", "/tmp/a", base + "/x", base + "/a", spool + "/x", spool + "/a",
                           spool + "/.hidden", spool + "/etc", cwd + "/x"]
            let existedBefore = Set(outside.filter { FileManager.default.fileExists(atPath: $0) })
            let passwd = try Data(contentsOf: URL(fileURLWithPath: "/etc/passwd"))
            var passwdStat = stat()
            #expect(stat("/etc/passwd", &passwdStat) == 0)

            // The processor, started on an empty spool.
            let env = TestKit.environment(spool: spool)
            let proc = try SpoolProcess(env: env, logPath: base + "/processor.log")
            defer { proc.kill() }
            #expect(await TestKit.waitUntil(timeout: 30) { proc.log.contains("processor started") },
                    "processor did not start:\n\(proc.log)")

            // The corpus, committed and generated.
            var cases = try HostileCorpus.committedCases()
            cases += try HostileCorpus.writeLargeCases(into: corpusDir)
            #expect(cases.count >= 56)

            // Stage everything in tmp/, then rename it all in at once.
            var staged: [(temp: String, name: String)] = []
            func stage(_ name: String, _ make: (String) throws -> Void) throws {
                let temp = spool + "/tmp/stage-" + UUID().uuidString
                try make(temp)
                staged.append((temp, name))
            }
            for c in cases {
                try stage(c.name) { temp in
                    // A hard link is instant even for the 50 MB file, and
                    // keeps the bytes identical.
                    if link(c.path, temp) != 0 {
                        try FileManager.default.copyItem(atPath: c.path, toPath: temp)
                    }
                }
            }
            let isRoot = getuid() == 0
            var specials = [
                Special(name: "x.json", expected: "symbolic link"),            // → /etc/passwd
                Special(name: "w.json", expected: "symbolic link"),            // → ../completed
                Special(name: "v.json", expected: "symbolic link"),            // → ../failed/v (dangling then)
                Special(name: "y.json", expected: "FIFO"),
                Special(name: "z.json", expected: "directory"),
                // Root reads a mode-000 file anyway: then its content decides.
                Special(name: "no-read.json", expected: isRoot ? "got the number 0" : "cannot be read"),
            ]
            try stage("x.json") { #expect(symlink("/etc/passwd", $0) == 0) }
            try stage("w.json") { #expect(symlink("../completed", $0) == 0) }
            try stage("v.json") { #expect(symlink("../failed/v", $0) == 0) }
            try stage("y.json") { #expect(mkfifo($0, 0o644) == 0) }
            try stage("z.json") { temp in
                try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: false)
                try Data(TaskFile.simple(id: "inside-dir")).write(to: URL(fileURLWithPath: temp + "/task.json"))
            }
            try stage("no-read.json") { temp in
                try Data("{\"count\": 0}".utf8).write(to: URL(fileURLWithPath: temp))
                #expect(chmod(temp, 0) == 0)
            }
            // Same-id twins would turn into .dup-N: make sure none is staged twice.
            #expect(Set(staged.map(\.name)).count == staged.count)
            for s in staged {
                #expect(rename(s.temp, spool + "/pending/" + s.name) == 0, "rename \(s.name): errno \(errno)")
            }

            // The valid task, afterwards.
            try await Task.sleep(for: .milliseconds(500))
            try TestKit.drop(TaskFile.simple(id: "valid-after-hostile"), as: "valid-after-hostile.json", spool: spool)

            let total = cases.count + specials.count
            let settled = await TestKit.waitUntil(timeout: 120) {
                TestKit.list(spool + "/pending").isEmpty
                    && !TestKit.list(spool + "/tmp").contains { $0.hasPrefix("claim-") }
                    && TestKit.list(spool + "/failed").count >= total
                    && FileManager.default.fileExists(atPath: spool + "/completed/valid-after-hostile")
            }
            #expect(settled, """
                not settled: pending=\(TestKit.list(spool + "/pending")) failed=\(TestKit.list(spool + "/failed").count)/\(total) \
                completed=\(TestKit.list(spool + "/completed"))\nlog tail:\n\(proc.log.suffix(3000))
                """)
            #expect(proc.isRunning, "the processor died:\n\(proc.log.suffix(3000))")

            // Every bad entry: failed/<id>/error.json whose `file` is its name
            // and whose text names the cause.
            var reports: [String: String] = [:]   // file name → all strings of error.json
            for id in TestKit.list(spool + "/failed") {
                guard let text = TestKit.read(spool + "/failed/\(id)/error.json") else {
                    Issue.record("failed/\(id) has no error.json")
                    continue
                }
                guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                      let file = obj["file"] as? String else {
                    Issue.record("failed/\(id)/error.json has no file: \(text)")
                    continue
                }
                #expect(reports[file] == nil, "two failed folders for \(file)")
                reports[file] = Self.strings(obj).joined(separator: "\n")
            }
            for (name, expected) in cases.map({ ($0.name, $0.expected) }) + specials.map({ ($0.name, $0.expected) }) {
                guard let report = reports[name] else {
                    Issue.record("\(name): no failed/<id>/error.json names it")
                    continue
                }
                #expect(report.contains(expected), "\(name): expected '\(expected)' in error.json, got:\n\(report)")
            }
            #expect(reports.count == total)
            specials.removeAll()

            // The valid task completed; nothing else did, nothing is left in between.
            #expect(TestKit.list(spool + "/completed") == ["valid-after-hostile"])
            for stage in ["pending", "generating-data", "data-generated", "generating-images"] {
                #expect(TestKit.list(spool + "/" + stage).isEmpty, "\(stage) not empty: \(TestKit.list(spool + "/" + stage))")
            }
            #expect(TestKit.list(spool + "/tmp").isEmpty, "tmp/ not empty: \(TestKit.list(spool + "/tmp"))")

            // Security: no link anywhere, no byte of /etc/passwd anywhere,
            // nothing outside the spool.
            let entries = TestKit.walk(spool)
            let links = entries.filter { ($0.mode & S_IFMT) == S_IFLNK }.map(\.path)
            #expect(links.isEmpty, "symlinks left in the spool: \(links)")
            let needles = String(decoding: passwd, as: UTF8.self).split(separator: "\n")
                .filter { $0.count >= 12 }.map { Data($0.utf8) }
            #expect(!needles.isEmpty)
            for e in entries where TestKit.isRegular(e.mode) {
                guard let data = try? Data(contentsOf: URL(fileURLWithPath: spool + "/" + e.path), options: .alwaysMapped) else {
                    continue
                }
                for needle in needles where data.range(of: needle) != nil {
                    Issue.record("\(e.path) contains a line of /etc/passwd: \(String(decoding: needle, as: UTF8.self))")
                }
            }
            for path in outside where !existedBefore.contains(path) {
                #expect(!FileManager.default.fileExists(atPath: path), "\(path) was created outside the spool")
            }
            #expect(TestKit.list(base) == ["corpus", "cwd", "processor.log", "spool"])
            #expect(TestKit.list(cwd).isEmpty)
            let allowedTop: Set<String> = Set(TestKit.stages + ["tmp", "objects", "index.sqlite", "index.sqlite-wal",
                                                           "index.sqlite-shm", "index.sqlite-journal", "index.html"])
            for name in TestKit.list(spool) {
                #expect(allowedTop.contains(name), "unexpected entry in the spool root: \(name)")
            }
            for stage in TestKit.stages {
                for name in TestKit.list(spool + "/" + stage) {
                    #expect(!name.hasPrefix(".") && !name.isEmpty && name.count <= 255,
                            "odd name \(stage)/\(name)")
                }
            }
            var after = stat()
            #expect(stat("/etc/passwd", &after) == 0)
            #expect(after.st_mtim.tv_sec == passwdStat.st_mtim.tv_sec && after.st_size == passwdStat.st_size,
                    "/etc/passwd changed")
            // The FIFO was moved aside, never opened for reading: still a FIFO.
            if let yID = TestKit.list(spool + "/failed").first(where: { reports["y.json"] != nil && $0 == "y" }) {
                var st = stat()
                #expect(lstat(spool + "/failed/\(yID)/rejected-entry", &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
            }

            #expect(proc.isRunning)
            proc.kill()
        }

        /// Every string inside a decoded JSON value.
        static func strings(_ value: Any) -> [String] {
            switch value {
            case let s as String: return [s]
            case let a as [Any]: return a.flatMap(strings)
            case let d as [String: Any]: return d.keys.sorted().flatMap { [$0] + strings(d[$0]!) }
            default: return ["\(value)"]
            }
        }
    }
}
