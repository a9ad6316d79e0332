import AvatarImaging
import AvatarIndex
import Foundation
import Testing

/// Helpers of the gallery's end-to-end and browser tests.
enum Gallery {
    /// Width and height from a spool PNG's header.
    static func pngSize(_ spool: TempSpool, _ relative: String) -> [Int]? {
        spool.read(relative).flatMap { PNGHeader.size($0) }.map { [$0.width, $0.height] }
    }

    static func mtime(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Drops one builtin task and runs `run --drain` to its end.
    @discardableResult
    static func complete(_ spool: TempSpool, id: String, count: Int, env: [String: String] = [:],
                         sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try spool.dropByRename(TaskFile.json(id: id, count: count), as: id + ".json")
        let run = try await spool.runToEnd(["run", "--drain"], env: env, timeout: 120)
        #expect(run.status == 0, "\(run.err.suffix(3000))", sourceLocation: sourceLocation)
        #expect(spool.stage(of: id) == "completed", "\(spool.overview())", sourceLocation: sourceLocation)
        return run.err
    }

    static func query(_ spool: TempSpool, _ sql: String) async throws -> [[String: String]] {
        try await SpoolIndex(path: spool.indexPath).query(sql)
    }
}

/// Headless Chromium, driven by Tests/browser/check_pages.py.
enum Browser {
    static var chromium: String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    /// `make test` installs chromium and sets AVATAR_REQUIRE_BROWSER=1: then a missing browser fails the test.
    static var available: Bool {
        chromium != nil || ProcessInfo.processInfo.environment["AVATAR_REQUIRE_BROWSER"] == "1"
    }

    struct PageReport {
        var url: String
        var images: Int
        var broken: [String]
        var missingSize: Int
        var pwned: Any?
        var scripts: Int
        var text: String
        var errors: [String]
    }

    /// Opens each URL and reports what the page did.
    static func check(_ urls: [String]) throws -> [PageReport] {
        let script = ProcessSupport.packageRoot + "/Tests/browser/check_pages.py"
        let out = try ProcessSupport.runToEnd("/usr/bin/env", ["python3", script] + urls)
        // The report is the last line (stderr shares the pipe).
        let last = out.output.split(separator: "\n").last.map(String.init) ?? ""
        guard out.status == 0, let list = (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [[String: Any]] else {
            throw BrowserFailed(output: out.output)
        }
        return list.map {
            PageReport(url: $0["url"] as? String ?? "", images: $0["images"] as? Int ?? -1,
                       broken: $0["broken"] as? [String] ?? ["?"], missingSize: $0["missingSize"] as? Int ?? -1,
                       pwned: $0["pwned"] is NSNull ? nil : $0["pwned"], scripts: $0["scripts"] as? Int ?? -1,
                       text: $0["text"] as? String ?? "", errors: $0["errors"] as? [String] ?? ["?"])
        }
    }

    struct BrowserFailed: Error, CustomStringConvertible {
        let output: String
        var description: String { "check_pages.py failed: \(output.suffix(3000))" }
    }
}
