import AvatarSystem
import Foundation

/// The money reserved and spent on one spool, shared by every processor on
/// it (one host): `ledger/ledger.json`, read and rewritten under an
/// exclusive flock on `ledger/.lock`, each write atomic (temp, fsync,
/// rename), so it survives kill -9. A reservation names its process; one
/// whose process is gone is dropped (it was in flight when that process
/// died, and the folders never recorded it). The folders stay the truth:
/// a lost ledger is rebuilt from their usage records.
public final class SpendLedger: Sendable {
    public let directory: String
    let rebuild: @Sendable () -> [SpendEntry]

    /// - Parameters:
    ///   - directory: `spool/ledger`.
    ///   - rebuild: every spend record in the task folders, for a lost ledger.
    public init(directory: String, rebuild: @escaping @Sendable () -> [SpendEntry]) {
        self.directory = directory
        self.rebuild = rebuild
    }

    /// One reservation: an estimate held until the request's answer is recorded.
    public struct Reservation: Codable, Sendable, Equatable {
        public var id: String
        public var task: String
        /// "task/persona/request".
        public var key: String
        public var usd: Double
        public var day: String
        public var pid: Int32
        public var host: String

        public init(id: String, task: String, key: String, usd: Double, day: String, pid: Int32, host: String) {
            (self.id, self.task, self.key, self.usd, self.day, self.pid, self.host) = (id, task, key, usd, day, pid, host)
        }
    }

    /// One settled request: what it cost, the day, its task.
    public struct Settled: Codable, Sendable, Equatable {
        public var usd: Double
        public var day: String
        public var task: String
    }

    /// The ledger's content.
    public struct State: Codable, Sendable, Equatable {
        /// Every settled request by key ("task/persona/request"): a request
        /// redone after a crash replaces its record, as its usage file does.
        public var settled: [String: Settled] = [:]
        public var reserved: [Reservation] = []

        /// Spent per UTC day.
        public var days: [String: Double] {
            Dictionary(grouping: settled.values, by: \.day).mapValues { PriceTable.micro($0.reduce(0) { $0 + $1.usd }) }
        }
        public func spent(day: String) -> Double { PriceTable.micro(settled.values.filter { $0.day == day }.reduce(0) { $0 + $1.usd }) }
        public func spent(task: String) -> Double { PriceTable.micro(settled.values.filter { $0.task == task }.reduce(0) { $0 + $1.usd }) }
        public func reservedUSD(day: String) -> Double { reserved.filter { $0.day == day }.reduce(0) { $0 + $1.usd } }
        public func reservedUSD(task: String) -> Double { reserved.filter { $0.task == task }.reduce(0) { $0 + $1.usd } }
    }

    public enum Verdict: Sendable, Equatable {
        case reserved(Reservation)
        /// The day's spent and reserved money, which leave no room for this request.
        case overDaily(committed: Double)
        case overTask(committed: Double)
    }

    /// Reserves `usd` for `key` unless it would pass the daily budget or the task's.
    public func reserve(task: String, key: String, usd: Double, day: String, dailyBudget: Double?,
                        taskBudget: Double?) throws -> Verdict {
        try update { state in
            let dayCommitted = state.spent(day: day) + state.reservedUSD(day: day)
            if let dailyBudget, dayCommitted + usd > dailyBudget + 1e-9 { return .overDaily(committed: dayCommitted) }
            let taskCommitted = state.spent(task: task) + state.reservedUSD(task: task)
            if let taskBudget, taskCommitted + usd > taskBudget + 1e-9 { return .overTask(committed: taskCommitted) }
            let r = Reservation(id: UUID().uuidString, task: task, key: key, usd: usd, day: day,
                                pid: getpid(), host: Self.host)
            state.reserved.append(r)
            return .reserved(r)
        }
    }

    /// Replaces a reservation by what the request cost (nil: it failed, nothing was spent).
    public func settle(_ r: Reservation, cost: Double?, day: String) throws {
        try update { state -> Void in
            state.reserved.removeAll { $0.id == r.id }
            if let cost { state.settled[r.key] = Settled(usd: cost, day: day, task: r.task) }
        }
    }

    /// The state now (reservations of dead processes dropped).
    public func read() throws -> State { try update { $0 } }

    /// Drops every reservation of this host's dead processes and checks the
    /// spent sums against the folders, rebuilding them when they differ.
    public func reconcile() throws -> State {
        let entries = rebuild()
        return try update { state in
            let truth = Self.state(from: entries, keeping: state.reserved)
            if truth.settled != state.settled { state = truth }
            return state
        }
    }

    static func state(from entries: [SpendEntry], keeping reserved: [Reservation]) -> State {
        var s = State()
        for e in entries {
            guard let cost = e.costUSD else { continue }
            s.settled["\(e.taskID)/\(e.persona)/\(e.request)"] = Settled(usd: cost, day: e.day ?? "undated", task: e.taskID)
        }
        s.reserved = reserved
        return s
    }

    static let host = ProcessInfo.processInfo.hostName

    /// Locks, reads (rebuilding a missing or unreadable ledger from the
    /// folders), drops dead reservations, runs `body`, writes if changed.
    func update<T>(_ body: (inout State) throws -> T) throws -> T {
        do { try Sys.mkdirat(AT_FDCWD, directory, 0o770) } catch let e as SystemError where e.errno == EEXIST {}
        let lockPath = directory + "/.lock"
        let lockFile = try Sys.openOwned(lockPath, O_RDWR | O_CREAT, 0o660) // unlocked when closed, at the end
        try Sys.lock(lockFile.raw, path: lockPath)
        let folder = try Sys.openOwned(directory, O_RDONLY | O_DIRECTORY)
        let dirfd = folder.raw
        var state: State
        var rebuilt = false
        if let bytes = try AtomicFile.read("ledger.json", in: dirfd), let s = try? JSONDecoder().decode(State.self, from: Data(bytes)) {
            state = s
        } else {
            // Lost or unreadable: the folders are the truth.
            state = Self.state(from: rebuild(), keeping: [])
            rebuilt = true
        }
        let before = state
        state.reserved.removeAll { $0.host == Self.host && kill($0.pid, 0) != 0 && errno == ESRCH }
        let result = try body(&state)
        if state != before || rebuilt {
            try AtomicFile.write(try JSONCoding.compactBytes(state), to: "ledger.json", in: dirfd, dirPath: directory)
        }
        return result
    }
}
