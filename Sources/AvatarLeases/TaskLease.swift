import AvatarDomain
import AvatarSpoolEngine
import Foundation

/// One lease held by this processor: a task (with its epoch) or a claim folder.
///
/// Confinement: `lost`, `released` and `handlers` under `lock`.
final class TaskLease: OwnershipToken, @unchecked Sendable {
    let name: OwnedName
    let key: Int64
    let epoch: Int64
    /// The lease connection's session it was taken on.
    let generation: Int
    private weak var manager: LeaseManager?
    private let lock = NSLock()
    private var lost: String?
    private var released = false
    private var handlers: [@Sendable () -> Void] = []

    init(manager: LeaseManager, name: OwnedName, key: Int64, epoch: Int64, generation: Int) {
        self.manager = manager
        self.name = name
        self.key = key
        self.epoch = epoch
        self.generation = generation
    }

    var isLost: Bool { lock.withLock { lost != nil } }

    func check(_ action: GuardedAction, _ what: String) throws {
        if let why = lock.withLock({ lost }) { throw LeaseLost(name: "\(name)", reason: why) }
        guard let manager else { throw LeaseLost(name: "\(name)", reason: "the processor is stopping") }
        if let why = manager.invalidity(of: self) {
            markLost(why)
            throw LeaseLost(name: "\(name)", reason: why)
        }
    }

    func record(_ action: GuardedAction, _ what: String) {
        guard case .task(let id) = name, let manager, let audit = manager.audit else { return }
        audit.append(node: manager.holder, task: id, epoch: epoch, action: action.rawValue, what: what)
    }

    func onLost(_ body: @escaping @Sendable () -> Void) {
        let now: Bool = lock.withLock {
            if lost != nil { return true }
            handlers.append(body)
            return false
        }
        if now { body() }
    }

    /// Ends the lease here: guards refuse from now on, the stop handlers run once.
    func markLost(_ why: String) {
        let run: [@Sendable () -> Void]? = lock.withLock {
            guard lost == nil else { return nil }
            lost = why
            defer { handlers = [] }
            return handlers
        }
        guard let run, let manager else { return }
        if case .task(let id) = name {
            manager.logger.error("[Task \(id)] lease lost (\(why)): this processor stopped touching the task; another host may resume it")
        } else {
            manager.logger.error("\(name): lease lost (\(why))")
        }
        manager.recordLost(self, at: Date())
        run.forEach { $0() }
    }

    func release() {
        let first: Bool = lock.withLock {
            defer { released = true }
            return !released
        }
        guard first, let manager else { return }
        manager.release(self)
    }

    /// Marks it released without asking the server (a duplicate taken by a race).
    func forget() { lock.withLock { released = true } }
}
