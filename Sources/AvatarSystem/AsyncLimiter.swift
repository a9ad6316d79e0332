import Foundation

/// Bounded parallelism: at most `limit` holders at once, FIFO, cancellation
/// safe. Used for MULTITHREAD_FLOWISE, IMAGE_CONCURRENCY and task slots.
public final class AsyncLimiter: @unchecked Sendable {
    // Confinement: every stored property is touched only under `lock`.
    private let lock = NSLock()
    private var available: Int
    private var waiters: [(id: UInt64, cont: CheckedContinuation<Void, Error>)] = []
    private var nextID: UInt64 = 0
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
        self.available = self.limit
    }

    /// Waits for a slot. - Throws: `CancellationError` when the task is cancelled while waiting.
    public func acquire() async throws {
        let id: UInt64? = lock.withLock {
            if available > 0 {
                available -= 1
                return nil
            }
            nextID += 1
            return nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Void, Error>) in
                lock.lock()
                if Task.isCancelled {
                    lock.unlock()
                    cont.resume(throwing: CancellationError())
                } else if available > 0 {
                    available -= 1
                    lock.unlock()
                    cont.resume()
                } else {
                    waiters.append((id, cont))
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            let index = waiters.firstIndex { $0.id == id }
            let waiter = index.map { waiters.remove(at: $0) }
            lock.unlock()
            waiter?.cont.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back, waking the longest waiter.
    public func release() {
        lock.lock()
        if waiters.isEmpty {
            available += 1
            lock.unlock()
        } else {
            let waiter = waiters.removeFirst()
            lock.unlock()
            waiter.cont.resume()
        }
    }

    /// Runs `body` holding one slot.
    public func withSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Slots in use now (for status and tests).
    public var inUse: Int {
        lock.lock()
        defer { lock.unlock() }
        return limit - available
    }
}
