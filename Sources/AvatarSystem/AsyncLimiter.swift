import Foundation

/// An async semaphore for bounded parallelism: at most `limit` holders at
/// once, waiters served in FIFO order; a waiter whose task is cancelled
/// leaves the line with `CancellationError` and takes no permit. Used for
/// MULTITHREAD_FLOWISE, IMAGE_CONCURRENCY, task slots and each provider's
/// HTTP concurrency.
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

    /// Waits for a permit. Pair with `release()`, or use `withPermit`.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func acquire() async throws {
        let id: UInt64? = lock.withLock {
            if available > 0 && waiters.isEmpty {
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
                } else if available > 0 && waiters.isEmpty {
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

    /// Returns a permit, handing it to the longest waiter if there is one.
    /// Never raises the free permits above `limit` (so `inUse` is never below 0).
    public func release() {
        lock.lock()
        if waiters.isEmpty {
            available = min(limit, available + 1)
            lock.unlock()
        } else {
            let waiter = waiters.removeFirst()
            lock.unlock()
            waiter.cont.resume()
        }
    }

    /// Runs `body` holding one permit.
    public func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Permits free right now (for tests and diagnostics).
    public var availablePermits: Int {
        lock.withLock { available }
    }

    /// Permits held now (for status and tests).
    public var inUse: Int {
        lock.withLock { limit - available }
    }
}
