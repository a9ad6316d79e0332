import Foundation

/// An async semaphore: at most `limit` holders at once, waiters served in
/// FIFO order; a waiter whose task is cancelled leaves the line with
/// `CancellationError` and takes no permit.
public final class ConcurrencyLimiter: @unchecked Sendable {
    // Confinement: `available`, `waiters`, `nextID` only under `lock`.
    private let lock = NSLock()
    private var available: Int
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, Error>)] = []
    private var nextID: UInt64 = 0
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
        self.available = self.limit
    }

    /// Waits for a permit. Pair with `release()`, or use `withPermit`.
    /// - Throws: `CancellationError` when cancelled while waiting.
    public func acquire() async throws {
        guard let id = takeOrTicket() else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                lock.lock()
                if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if available > 0 && waiters.isEmpty {
                    available -= 1
                    lock.unlock()
                    continuation.resume()
                } else {
                    waiters.append((id, continuation))
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            if let index = waiters.firstIndex(where: { $0.id == id }) {
                let waiter = waiters.remove(at: index)
                lock.unlock()
                waiter.continuation.resume(throwing: CancellationError())
            } else {
                lock.unlock()
            }
        }
    }

    /// Takes a permit and returns nil, or returns a ticket for the line.
    private func takeOrTicket() -> UInt64? {
        lock.withLock {
            if available > 0 && waiters.isEmpty {
                available -= 1
                return nil
            }
            nextID += 1
            return nextID
        }
    }

    /// Returns a permit, handing it to the first waiter if there is one.
    public func release() {
        lock.lock()
        if waiters.isEmpty {
            available = min(limit, available + 1)
            lock.unlock()
        } else {
            let waiter = waiters.removeFirst()
            lock.unlock()
            waiter.continuation.resume()
        }
    }

    /// Runs `body` holding a permit.
    public func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Permits free right now (for tests and diagnostics).
    public var availablePermits: Int {
        lock.lock(); defer { lock.unlock() }
        return available
    }
}
