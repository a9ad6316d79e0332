import AvatarSystem
import Foundation

/// What one run of a hook program came to.
public struct HookOutcome: Sendable, Codable, Equatable {
    /// The exit status, when it exited.
    public var exitCode: Int32?
    /// The signal that ended it (9 after a time-out).
    public var signal: Int32?
    public var timedOut: Bool
    /// Why it could not start (not found, not executable), when it did not.
    public var spawnError: String?
    /// Its standard output and error, interleaved, cut at the capture limit.
    public var output: String
    /// Bytes it printed beyond the capture limit (read and dropped).
    public var droppedBytes: Int

    public var succeeded: Bool { exitCode == 0 && !timedOut && spawnError == nil }

    /// "exit 0", "exit 3", "killed by signal 11", "timed out after 60 s; killed", "cannot start: …".
    public func summary(timeout: Double) -> String {
        if let spawnError { return "cannot start: \(spawnError)" }
        if timedOut { return "timed out after \(Int(timeout)) s; killed" }
        if let signal { return "killed by signal \(signal)" }
        return "exit \(exitCode ?? -1)"
    }

    enum CodingKeys: String, CodingKey {
        case exitCode = "exit_code", signal, timedOut = "timed_out", spawnError = "spawn_error", output, droppedBytes = "dropped_bytes"
    }
}

/// Runs a program without a shell: posix_spawn with a given environment,
/// standard input from /dev/null, output into a pipe the caller reads up to
/// a limit (the rest is read and dropped, so a chatty program never blocks
/// on a full pipe), killed with its process group at the time-out.
/// Blocking: call it on a dedicated thread (`BlockingPool`), never on the
/// cooperative pool.
public enum HookProgram {
    public static func run(_ path: String, arguments: [String] = [], environment: [String: String],
                           timeout: Double, outputLimit: Int = 64 << 10) -> HookOutcome {
        var outcome = HookOutcome(exitCode: nil, signal: nil, timedOut: false, spawnError: nil, output: "", droppedBytes: 0)
        let ends: (read: Int32, write: Int32)
        do {
            ends = try Sys.pipe()
        } catch {
            outcome.spawnError = "\(error)"
            return outcome
        }
        let readEnd = OwnedFD(adopting: ends.read)
        let writeEnd = OwnedFD(adopting: ends.write)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd.raw, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd.raw, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The processor ignores SIGTERM/SIGINT (Dispatch handles them) and an
        // ignored signal stays ignored across exec: give the child defaults,
        // an empty mask, and its own process group (killed as a whole).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted(by: { $0.key < $1.key }).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        var rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        // ETXTBSY: the program was just written and a child forked elsewhere
        // in this process still holds it open for writing; it passes.
        for _ in 0..<20 where rc == ETXTBSY {
            usleep(50_000)
            rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        }
        writeEnd.close() // the child holds it now: its end of file is ours
        guard rc == 0 else {
            outcome.spawnError = "\(path): \(String(cString: strerror(rc)))"
            return outcome
        }

        var captured: [UInt8] = []
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        var exited: Int32?
        var exitSeen: ContinuousClock.Instant?
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        let readFD = readEnd.raw
        readLoop: while true {
            let now = ContinuousClock.now
            if now >= deadline && exited == nil {
                kill(-pid, SIGKILL)
                outcome.timedOut = true
                break
            }
            // After the program exits, what it left running (holding the
            // pipe) gets a moment, then we stop reading.
            if let exitSeen, now - exitSeen > .milliseconds(200) { break }
            var poller = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 50)
            if ready > 0 {
                let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if n == 0 { break readLoop }
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    break readLoop
                }
                let room = max(0, outputLimit - captured.count)
                captured += buffer.prefix(min(n, room))
                outcome.droppedBytes += max(0, n - room)
            }
            if exited == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    exited = status
                    exitSeen = .now
                }
            }
        }
        if exited == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exited = status
        }
        if let status = exited {
            if status & 0x7f == 0 {
                outcome.exitCode = (status >> 8) & 0xff
            } else {
                outcome.signal = status & 0x7f
            }
        }
        outcome.output = String(decoding: captured, as: UTF8.self)
        return outcome
    }
}
