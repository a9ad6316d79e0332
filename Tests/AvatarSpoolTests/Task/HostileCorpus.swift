import Foundation

/// The hostile-input corpus of issue 5: the committed small files in
/// Fixtures/bad-tasks (with expected.json) and the large ones written at
/// test time, so that 60 MB never reach git.
enum HostileCorpus {
    /// A corpus file and a substring its validation error must contain.
    struct Case: Sendable {
        var path: String
        var name: String
        var expected: String
    }

    /// The committed folder (inside the test bundle's resources).
    static var committedDirectory: String {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        return url.appendingPathComponent("bad-tasks").path
    }

    /// The committed cases, from expected.json.
    static func committedCases() throws -> [Case] {
        let dir = committedDirectory
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json"))
        let map = try JSONDecoder().decode([String: String].self, from: data)
        return map.keys.sorted().map { Case(path: dir + "/" + $0, name: $0, expected: map[$0]!) }
    }

    /// Writes the large cases into `directory` (which must exist) and
    /// returns them: a 50 MB file (sparse after its first bytes, refused by
    /// its size), a 10 MB string value, and 100 000-deep arrays and objects
    /// (under the size cap, so they reach the parser's depth limit).
    static func writeLargeCases(into directory: String) throws -> [Case] {
        var cases: [Case] = []
        func write(_ name: String, _ bytes: [UInt8], expected: String) throws {
            let path = directory + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            cases.append(Case(path: path, name: name, expected: expected))
        }

        // 50 MB: a valid-looking start, then a hole up to 50 MB.
        let bigPath = directory + "/big-50mb.json"
        try Data("{\"count\": 1, \"persona\": {\"description\": \"".utf8).write(to: URL(fileURLWithPath: bigPath))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bigPath))
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        cases.append(Case(path: bigPath, name: "big-50mb.json", expected: "at most 1 MiB"))

        var tenMB = Array("{\"count\": 1, \"persona\": {\"description\": \"".utf8)
        tenMB += [UInt8](repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024)
        tenMB += Array("\"}}".utf8)
        try write("string-10mb.json", tenMB, expected: "at most 1 MiB")

        let depth = 100_000
        try write("nested-arrays-100k.json",
                  [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth),
                  expected: "nested deeper than 64")
        try write("nested-arrays-100k-unclosed.json",
                  [UInt8](repeating: UInt8(ascii: "["), count: depth), expected: "nested deeper than 64")
        var objects = Array("{\"count\": 1, \"persona\": ".utf8)
        for _ in 0..<depth { objects += Array("{\"a\":".utf8) }
        objects += Array("1".utf8) + [UInt8](repeating: UInt8(ascii: "}"), count: depth + 1)
        try write("nested-objects-100k.json", objects, expected: "nested deeper than 64")

        // Just over the cap with nothing wrong but the size.
        var justOver = Array("{\"count\": 1}".utf8)
        justOver += [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 1 - justOver.count)
        try write("just-over-1mib.json", justOver, expected: "at most 1 MiB")
        return cases
    }

    /// A fresh temporary directory; remove it with `removeDirectory`.
    static func makeTemporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "avatar-spool-corpus-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
