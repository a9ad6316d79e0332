import Foundation

/// Every time bound of a lease, derived from AVATAR_LEASE_SECONDS (L, default 30).
///
/// The server drops a session that sent nothing for L seconds
/// (`idle_session_timeout`), and with it the session's advisory locks. A
/// heartbeat runs every L/6 seconds; the processor counts its lease valid
/// for 2L/3 after the *start* of the last heartbeat that succeeded. So the
/// processor stops touching its tasks at least L/3 seconds before the
/// server can hand them to another host, whatever the network does: a
/// partition or a SIGSTOP makes heartbeats fail or not run, and the local
/// clock alone ends the lease. libpq's keepalives and `tcp_user_timeout`
/// (L/3) make a dead connection an error within the same bound, so the
/// next heartbeat reconnects instead of hanging.
public struct LeaseTimings: Sendable, Equatable {
    /// L: how long a silent holder keeps its leases on the server.
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public var heartbeat: Duration { .milliseconds(Int(seconds * 1000 / 6)) }
    /// How long after a confirmed heartbeat the processor trusts its leases.
    public var validity: Duration { .milliseconds(Int(seconds * 1000 * 2 / 3)) }
    /// The margin between the processor's own end of a lease and the
    /// server's: a write checked just before the end has this long to land.
    public var margin: Double { seconds / 3 }

    /// libpq keywords for the lease connection (the URI may override them).
    public var connectionOptions: [(key: String, value: String)] {
        let idle = max(1, Int(seconds / 6)), interval = max(1, Int(seconds / 12))
        return [
            ("keepalives", "1"), ("keepalives_idle", String(idle)), ("keepalives_interval", String(interval)),
            ("keepalives_count", "3"), ("tcp_user_timeout", String(Int(seconds * 1000 / 3))),
        ]
    }

    /// Session settings run on every new lease connection.
    public var sessionSettings: [String] {
        let ms = Int(seconds * 1000)
        return [
            "SET idle_session_timeout = \(ms)",
            // A takeover waits at most this long behind an index rebuild's table lock.
            "SET lock_timeout = \(min(2000, ms / 6))",
            "SET statement_timeout = \(ms / 3)",
            "SET client_min_messages = warning",
        ]
    }
}
