import Foundation

/// A real SeaweedFS S3 server for the tests, on 127.0.0.1.
///
/// `shared` uses the server `scripts/test.sh` started (AVATAR_TEST_S3_ENDPOINT,
/// AVATAR_TEST_S3_ACCESS, AVATAR_TEST_S3_SECRET) or, when those are not set,
/// starts one through `scripts/seaweedfs.sh` and stops it when the test process
/// exits, so `swift test` alone works. `start()` gives a test a private server
/// it may stop and start again (same ports, same data).
final class SeaweedServer: Sendable {
    let endpoint: String
    let accessKey: String
    let secretKey: String
    let bucket = "avatar-images"
    /// The server's folder when this process started it; nil for an external one.
    let directory: String?

    private init(endpoint: String, accessKey: String, secretKey: String, directory: String?) {
        self.endpoint = endpoint
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.directory = directory
    }

    static let script = ProcessSupport.packageRoot + "/scripts/seaweedfs.sh"

    /// The server every S3 test shares.
    static let shared: Result<SeaweedServer, SeaweedError> = {
        let env = ProcessInfo.processInfo.environment
        if let endpoint = env["AVATAR_TEST_S3_ENDPOINT"], !endpoint.isEmpty {
            return .success(SeaweedServer(endpoint: endpoint,
                                          accessKey: env["AVATAR_TEST_S3_ACCESS"] ?? "avatar-test-access",
                                          secretKey: env["AVATAR_TEST_S3_SECRET"] ?? "avatar-test-secret",
                                          directory: nil))
        }
        do {
            let server = try start()
            sharedDirectory = server.directory
            atexit {
                guard let dir = sharedDirectory else { return }
                _ = try? SeaweedServer.run(["stop", dir])
                _ = try? FileManager.default.removeItem(atPath: dir)
            }
            return .success(server)
        } catch let error as SeaweedError {
            return .failure(error)
        } catch {
            return .failure(SeaweedError(message: "\(error)"))
        }
    }()

    nonisolated(unsafe) private static var sharedDirectory: String?

    /// Starts a private server in a new temporary folder.
    static func start(accessKey: String = "avatar-test-access", secretKey: String = "avatar-test-secret") throws -> SeaweedServer {
        let dir = NSTemporaryDirectory() + "avatar-seaweed-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try run(["start", dir], accessKey: accessKey, secretKey: secretKey)
        let endpoint = try String(contentsOfFile: dir + "/endpoint", encoding: .utf8)
        return SeaweedServer(endpoint: endpoint.trimmingCharacters(in: .whitespacesAndNewlines),
                             accessKey: accessKey, secretKey: secretKey, directory: dir)
    }

    /// Stops a server this process started.
    func stop() throws {
        guard let directory else { return }
        try Self.run(["stop", directory])
    }

    /// Starts it again on the same ports with the same data.
    func restart() throws {
        guard let directory else { return }
        try Self.run(["start", directory], accessKey: accessKey, secretKey: secretKey)
    }

    /// Stops it and removes its folder.
    func destroy() {
        try? stop()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Runs `scripts/seaweedfs.sh ARGS` (the last one a folder) with system(3),
    /// its output in `<folder>/script.log`. (Foundation's `Process` left the
    /// script a zombie and never returned when run from a test's static
    /// initialiser; system(3) waits by itself.)
    static func run(_ args: [String], accessKey: String = "avatar-test-access", secretKey: String = "avatar-test-secret") throws {
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let log = (args.last ?? NSTemporaryDirectory()) + "/script.log"
        let command = "AWS_ACCESS_KEY_ID=\(quote(accessKey)) AWS_SECRET_ACCESS_KEY=\(quote(secretKey)) /bin/bash "
            + ([script] + args).map(quote).joined(separator: " ") + " >>\(quote(log)) 2>&1 </dev/null"
        let status = system(command)
        guard status == 0 else {
            let out = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw SeaweedError(message: "seaweedfs.sh \(args.joined(separator: " ")) failed (status \(status)): \(out)")
        }
    }
}

struct SeaweedError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
