import AvatarConfig
import AvatarDomain
@testable import AvatarIndex
@testable import AvatarLeases
import AvatarSpoolEngine
import AvatarPipeline
import AvatarSystem
import Foundation
import Logging
import Testing

/// Leases in a real PostgreSQL (AVATAR_LEASES=postgres): exclusive per task
/// across processes, epochs that grow at each takeover, fenced index
/// writes, and a lease that ends when its session is killed.
@Suite("Leases in PostgreSQL", .serialized, .enabled(if: TestPostgres.url != nil, TestPostgres.skipReason))
struct LeaseTests {
    static func manager(_ url: String, node: String, seconds: Double = 6) -> LeaseManager {
        var logger = Logger(label: "lease-test")
        logger.logLevel = .critical
        return LeaseManager(conninfo: url, node: node, timings: LeaseTimings(seconds: seconds), logger: logger)
    }

    /// Makes the index schema (and so the lease tables) in `url`.
    static func migrated(_ label: String) async throws -> (url: String, index: PostgresIndex) {
        let url = try TestPostgres.database(label)
        let index = PostgresIndex(conninfo: url, location: "test")
        try await index.check()
        return (url, index)
    }

    @Test("a task's lease is held by one manager at a time; each takeover gets the next epoch")
    func exclusive() async throws {
        let (url, _) = try await Self.migrated("lease_excl")
        let a = Self.manager(url, node: "a"), b = Self.manager(url, node: "b")
        let first = try #require(try await BlockingPool.shared.run { try a.acquire(.task("t1")) })
        #expect(first.epoch == 1)
        #expect(try await BlockingPool.shared.run { try b.acquire(.task("t1")) } == nil)
        // The same process does not take what it holds twice (advisory locks are re-entrant).
        #expect(try await BlockingPool.shared.run { try a.acquire(.task("t1")) } == nil)
        // Claims have no epoch, and other names are free.
        let claim = try #require(try await BlockingPool.shared.run { try b.acquire(.claim("claim-x")) })
        #expect(claim.epoch == 0)
        await BlockingPool.shared.run { first.release() }
        let second = try #require(try await BlockingPool.shared.run { try b.acquire(.task("t1")) })
        #expect(second.epoch == 2)
        let events = try TestPostgres.psql(url, "SELECT string_agg(epoch || ':' || split_part(holder, ':', 1) || ':' || event, ',' ORDER BY at) FROM task_lease_events")
        #expect(events == "1:a:acquired,1:a:released,2:b:acquired\n")
        await BlockingPool.shared.run { a.releaseAll(); b.releaseAll() }
    }

    @Test("the lease connection can be the first to reach a new database: it makes the tables itself")
    func firstToConnect() async throws {
        let url = try TestPostgres.database("lease_first")
        let a = Self.manager(url, node: "a")
        let lease = try #require(try await BlockingPool.shared.run { try a.acquire(.task("n1")) })
        #expect(lease.epoch == 1)
        #expect(try TestPostgres.psql(url, "SELECT count(*) FROM lease_holders") == "1\n")
        await BlockingPool.shared.run { a.releaseAll() }
    }

    @Test("index writes are fenced: a holder whose epoch was superseded is refused, an observer skips a held task")
    func fenced() async throws {
        let (url, index) = try await Self.migrated("lease_fence")
        let a = Self.manager(url, node: "a"), b = Self.manager(url, node: "b")
        let old = try #require(try await BlockingPool.shared.run { try a.acquire(.task("f1")) })
        let row = IndexedTask(taskID: "f1", status: "generating-images", count: 1, personaParams: nil, imageParams: nil,
                              completedPersonas: 0, failedPersonas: 0, currentStep: "images", errorLog: nil, createdAt: Date(),
                              results: [])
        #expect(try await index.sync(row, fence: .holder(epoch: old.epoch, holder: old.holder)))
        // While a holds it, an observer's write is skipped.
        #expect(try await index.sync(row, fence: .observer(epoch: old.epoch)) == false)
        await BlockingPool.shared.run { old.release() }
        let new = try #require(try await BlockingPool.shared.run { try b.acquire(.task("f1")) })
        #expect(new.waitBeforeUse == .zero, "given back cleanly: no wait")
        await #expect(throws: IndexFenced.self) { try await index.sync(row, fence: .holder(epoch: old.epoch, holder: old.holder)) }
        #expect(try await index.sync(row, fence: .holder(epoch: new.epoch, holder: new.holder)))
        // A holder whose last heartbeat is no longer trusted is refused too (a write held up by a partition).
        try TestPostgres.psql(url, "UPDATE lease_holders SET beat_at = beat_at - interval '1 hour' WHERE holder = '\(new.holder)'")
        await #expect(throws: IndexFenced.self) { try await index.sync(row, fence: .holder(epoch: new.epoch, holder: new.holder)) }
        // An observer that read the folder before the takeover is skipped too, even once it is free.
        await BlockingPool.shared.run { new.release() }
        #expect(try await index.sync(row, fence: .observer(epoch: old.epoch)) == false)
        #expect(try await index.sync(row, fence: .observer(epoch: new.epoch)))
        await BlockingPool.shared.run { a.releaseAll(); b.releaseAll() }
    }

    @Test("pg_terminate_backend of the lease session ends the lease: guards refuse, the stop handler runs, another host takes it")
    func terminated() async throws {
        let (url, _) = try await Self.migrated("lease_kill")
        let a = Self.manager(url, node: "a", seconds: 3), b = Self.manager(url, node: "b", seconds: 3)
        a.start()
        let lease = try #require(try await BlockingPool.shared.run { try a.acquire(.task("k1")) })
        try lease.check(.checkpoint, "before")
        let stopped = StopFlag()
        lease.onLost { stopped.raise() }
        try TestPostgres.psql(url, """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'avatar-spool lease a:%'
            """)
        // Hang guard: the heartbeat (every 0.5 s) finds the connection gone; ten times that and more.
        let deadline = ContinuousClock.now + .seconds(30)
        while !stopped.isRaised && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(stopped.isRaised)
        #expect(throws: LeaseLost.self) { try lease.check(.checkpoint, "after") }
        let taken = try #require(try await BlockingPool.shared.run { try b.acquire(.task("k1")) })
        #expect(taken.epoch == 2)
        // Not given back: the new holder waits until a's last beat plus its trust (2 s of a 3 s lease) has passed.
        #expect(taken.waitBeforeUse > .zero && taken.waitBeforeUse <= .seconds(2))
        await BlockingPool.shared.run { a.releaseAll(); b.releaseAll() }
    }

    @Test("AVATAR_LEASES: postgres needs AVATAR_INDEX_URL, other values are refused, naming the variable")
    func settings() throws {
        #expect(try ProcessorSettings(Settings()).leases == "flock")
        for values in [["AVATAR_LEASES": "postgres"], ["AVATAR_LEASES": "nfs"]] {
            do {
                _ = try ProcessorSettings(Settings(values))
                Issue.record("accepted \(values)")
            } catch let error as SettingsError {
                #expect(error.variable == "AVATAR_LEASES")
            }
        }
        let ok = try ProcessorSettings(Settings(["AVATAR_LEASES": "postgres", "AVATAR_INDEX_URL": "postgresql://db/x",
                                                  "AVATAR_LEASE_SECONDS": "12", "AVATAR_NODE_NAME": "h1"]))
        #expect(ok.leases == "postgres" && ok.leaseSeconds == 12 && ok.nodeName == "h1")
        #expect(throws: SettingsError.self) { try ProcessorSettings(Settings(["AVATAR_LEASE_SECONDS": "1"])) }
    }

    @Test("the lease's bounds follow from AVATAR_LEASE_SECONDS: heartbeat L/6, trusted for 2L/3, TCP gives up after L/3")
    func timings() {
        let t = LeaseTimings(seconds: 30)
        #expect(t.heartbeat == .seconds(5) && t.validity == .seconds(20) && t.margin == 10)
        let options = Dictionary(uniqueKeysWithValues: t.connectionOptions.map { ($0.key, $0.value) })
        #expect(options["tcp_user_timeout"] == "10000" && options["keepalives"] == "1")
        #expect(t.sessionSettings.contains("SET idle_session_timeout = 30000"))
    }
}
