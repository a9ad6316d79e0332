import AvatarService
import Foundation
import Testing

@Suite(.serialized) struct HookProgramTests {
    /// Writes an executable script (O_CLOEXEC: a child spawned meanwhile by
    /// another test must not hold it open, or exec fails with ETXTBSY).
    static func script(_ body: String) throws -> String {
        let path = "/tmp/as-hook-\(UUID().uuidString.prefix(8)).sh"
        let bytes = Array(("#!/bin/sh\n" + body + "\n").utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return path
    }

    @Test("a hook gets exactly the environment it is given, no shell, and its output")
    func environment() throws {
        let path = try Self.script("echo \"id=$AVATAR_TASK_ID status=$AVATAR_TASK_STATUS secret=${OPENAI_API_KEY:-none}\"; echo err >&2")
        defer { unlink(path) }
        let out = HookProgram.run(path, environment: ["AVATAR_TASK_ID": "t1", "AVATAR_TASK_STATUS": "completed", "PATH": "/usr/bin:/bin"], timeout: 30)
        #expect(out.succeeded)
        #expect(out.output.contains("id=t1 status=completed secret=none"))
        #expect(out.output.contains("err"))
    }

    @Test("exit status and signals are reported")
    func failures() throws {
        let exits = try Self.script("exit 3")
        let crashes = try Self.script("kill -SEGV $$")
        defer { unlink(exits); unlink(crashes) }
        let a = HookProgram.run(exits, environment: [:], timeout: 30)
        #expect(a.exitCode == 3 && !a.succeeded && a.summary(timeout: 30) == "exit 3", "\(a)")
        let b = HookProgram.run(crashes, environment: [:], timeout: 30)
        #expect(b.signal == SIGSEGV && !b.succeeded)
    }

    @Test("a hook that hangs is killed at the time-out, with what it started")
    func hangs() throws {
        let path = try Self.script("sleep 300 & sleep 300")
        defer { unlink(path) }
        let out = HookProgram.run(path, environment: ["PATH": "/usr/bin:/bin"], timeout: 0.5)
        #expect(out.timedOut)
        #expect(out.summary(timeout: 0.5) == "timed out after 0 s; killed")
    }

    @Test("a megabyte of output is read and dropped past the limit")
    func chatty() throws {
        let path = try Self.script("head -c 1048576 /dev/zero | tr '\\\\0' x; echo")
        defer { unlink(path) }
        let out = HookProgram.run(path, environment: ["PATH": "/usr/bin:/bin"], timeout: 60, outputLimit: 1000)
        #expect(out.succeeded)
        #expect(out.output.utf8.count == 1000)
        #expect(out.droppedBytes == 1048577 - 1000)
    }

    @Test("a program that is missing or not executable cannot start, and says why")
    func notExecutable() throws {
        let path = try Self.script("exit 0")
        defer { unlink(path) }
        chmod(path, 0o644)
        let out = HookProgram.run(path, environment: [:], timeout: 10)
        #expect(out.spawnError?.contains("Permission denied") == true, "\(out)")
        let missing = HookProgram.run("/nonexistent/hook", environment: [:], timeout: 10)
        #expect(missing.spawnError?.contains("No such file") == true)
    }

    @Test("the webhook signature is HMAC-SHA256 of the body, as a receiver recomputes it")
    func signature() throws {
        // python3 -c 'import hmac,hashlib;print(hmac.new(b"s3cret",b"{\"a\":1}",hashlib.sha256).hexdigest())'
        #expect(try Webhook.signature(of: Array(#"{"a":1}"#.utf8), secret: Array("s3cret".utf8))
                == "sha256=" + "5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d")
    }
}
