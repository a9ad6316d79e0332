import AvatarService
import Foundation
import Logging
import Testing

@Suite struct NotifyTests {
    static func tempSocketPath() -> String { "/tmp/as-notify-\(UUID().uuidString.prefix(8)).sock" }

    @Test("sd_notify messages arrive as one datagram on a socket path")
    func pathSocket() async throws {
        let receiver = try DatagramReceiver(address: Self.tempSocketPath())
        let socket = NotifySocket(address: receiver.address)
        try socket.send("READY=1\nSTATUS=pending 0, working 0 (0/0 personas), completed 0, failed 0")
        #expect(receiver.receive(timeout: 10) == "READY=1\nSTATUS=pending 0, working 0 (0/0 personas), completed 0, failed 0")
    }

    @Test("an abstract @name reaches the abstract socket of that name")
    func abstractSocket() async throws {
        let receiver = try DatagramReceiver(address: "@avatar-spool-test-\(UUID().uuidString.prefix(8))")
        try NotifySocket(address: receiver.address).send("WATCHDOG=1")
        #expect(receiver.receive(timeout: 10) == "WATCHDOG=1")
    }

    @Test("no NOTIFY_SOCKET: nothing is sent and nothing fails; a relative address is refused")
    func absent() throws {
        #expect(NotifySocket(environment: [:]) == nil)
        #expect(NotifySocket(environment: ["NOTIFY_SOCKET": ""]) == nil)
        let notifier = ServiceNotifier(environment: [:], logger: Logger(label: "test"))
        #expect(!notifier.isActive)
        #expect(notifier.petInterval == nil)
        notifier.ready(status: "x")  // a no-op
        #expect(throws: (any Error).self) { try NotifySocket(address: "relative.sock").send("READY=1") }
    }

    @Test("the watchdog pets every half WATCHDOG_USEC, and only for this process")
    func watchdogInterval() {
        let log = Logger(label: "test")
        let env = ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "30000000"]
        #expect(ServiceNotifier(environment: env, logger: log).petInterval == .seconds(15))
        var other = env
        other["WATCHDOG_PID"] = "1"
        #expect(ServiceNotifier(environment: other, logger: log).petInterval == nil)
        var mine = env
        mine["WATCHDOG_PID"] = String(getpid())
        #expect(ServiceNotifier(environment: mine, logger: log).petInterval == .seconds(15))
    }

    @Test("STOPPING=1 asks systemd for the grace and some seconds more")
    func stopping() throws {
        let receiver = try DatagramReceiver(address: Self.tempSocketPath())
        let notifier = ServiceNotifier(environment: ["NOTIFY_SOCKET": receiver.address], logger: Logger(label: "test"))
        notifier.stopping(grace: 20)
        let message = receiver.receive(timeout: 10) ?? ""
        #expect(message.contains("STOPPING=1"))
        #expect(message.contains("EXTEND_TIMEOUT_USEC=25000000"))
    }

    @Test("a loop that is busy without a beat past the horizon is wedged; an idle one never is")
    func monitor() {
        let monitor = ProgressMonitor(horizon: .seconds(10))
        let now = ContinuousClock.now
        #expect(monitor.wedged(now: now + .seconds(60)).isEmpty)  // idle: nothing to do is not a hang
        monitor.begin(.task)
        #expect(monitor.wedged(now: .now + .seconds(5)).isEmpty)
        #expect(monitor.wedged(now: .now + .seconds(11)) == [.task])
        monitor.beat(.task)
        #expect(monitor.wedged(now: .now + .seconds(5)).isEmpty)
        monitor.begin(.claim)
        #expect(monitor.wedged(now: .now + .seconds(11)) == [.claim, .task])
        monitor.end(.task)
        monitor.end(.claim)
        #expect(monitor.wedged(now: .now + .seconds(100)).isEmpty)
    }

    @Test("the status line reads like the issue's example, and says until when the daily budget holds requests")
    func statusLine() {
        let line = ServiceStatusLine(pending: 3, working: 2, personasDone: 7, personasTotal: 20, completed: 41, failed: 1)
        #expect(line.text == "pending 3, working 2 (7/20 personas), completed 41, failed 1")
        #expect(ServiceStatusLine(held: 1, stalled: 2).text.hasSuffix(", held 1, stalled 2"))
        var waiting = ServiceStatusLine()
        waiting.budgetReachedUntil = "2026-12-01T00:00:00Z"
        #expect(waiting.text.hasSuffix(", daily budget reached until 2026-12-01T00:00:00Z"))
    }
}
