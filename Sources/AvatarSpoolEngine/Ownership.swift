import AvatarDomain
import Foundation

/// Who may work on a task or a claim folder. On one host the flock on the
/// folder's `.lock` is enough (`LocalOwnership`); processors on several hosts
/// sharing a spool (NFS, where flock may be local or outlive a dead host)
/// also need a lease that every host sees: `AVATAR_LEASES=postgres`
/// (AvatarLeases). The folder code asks this protocol, never a database.
public protocol Ownership: Sendable {
    /// True when ownership is shared across hosts (leases), so flock and
    /// directory listings are hints only.
    var isShared: Bool { get }
    /// Takes the exclusive right to work on `name`. Blocking: call it on a
    /// blocking-pool thread.
    /// - Returns: nil when another process holds it.
    /// - Throws: when the lease service cannot be asked (the caller leaves
    ///   the thing where it is and tries again later).
    func acquire(_ name: OwnedName) throws -> (any OwnershipToken)?
}

/// What a lease is taken on: a task (by id) or a claim folder in tmp/.
public enum OwnedName: Sendable, Hashable, CustomStringConvertible {
    case task(String)
    case claim(String)

    public var description: String {
        switch self {
        case .task(let id): return "task " + id
        case .claim(let name): return "tmp/" + name
        }
    }
}

/// What a holder does to a task folder, as guards and the audit name it.
public enum GuardedAction: String, Sendable {
    case checkpoint, rename, index, request
}

/// The right to work on one task or claim. Every durable change to the
/// folder (a checkpoint, a rename) asks `check` first; a lease that could
/// not be renewed in time refuses, so a processor that lost its task
/// stops touching it at once.
public protocol OwnershipToken: AnyObject, Sendable {
    /// The task's epoch (incremented at each takeover); 0 without leases.
    var epoch: Int64 { get }
    /// Throws `LeaseLost` when the lease may no longer be ours.
    func check(_ action: GuardedAction, _ what: String) throws
    /// Notes that `action` was done (the test audit, when enabled).
    func record(_ action: GuardedAction, _ what: String)
    /// Called once when the lease is lost (the task's stop flag).
    func onLost(_ body: @escaping @Sendable () -> Void)
    /// Gives the lease back (idempotent). Blocking.
    func release()
}

/// One host: the flock is the ownership; nothing more to take.
public struct LocalOwnership: Ownership {
    public init() {}
    public var isShared: Bool { false }
    public func acquire(_ name: OwnedName) throws -> (any OwnershipToken)? { LocalToken() }
}

final class LocalToken: OwnershipToken {
    var epoch: Int64 { 0 }
    func check(_ action: GuardedAction, _ what: String) throws {}
    func record(_ action: GuardedAction, _ what: String) {}
    func onLost(_ body: @escaping @Sendable () -> Void) {}
    func release() {}
}
