import Foundation

/// A small pool of dedicated threads for blocking C calls (libcurl, libpng,
/// fsync), so they never occupy Swift's cooperative pool, which has one
/// thread per core. Work is resumed through a continuation.
public final class BlockingPool: @unchecked Sendable {
    // Confinement: `queue` and `stopped` are only touched under `condition`.
    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var stopped = false
    public let name: String

    /// Starts `threads` threads named `name-<n>`.
    public init(name: String, threads: Int) {
        self.name = name
        for n in 0..<max(1, threads) {
            let thread = Thread { [self] in self.loop() }
            thread.name = "\(name)-\(n)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Shared pool for file and image work. Most of its jobs wait on the
    /// disk (fsync), not the CPU, so it has more threads than cores: eight
    /// personas' checkpoints must not queue behind each other's fsyncs.
    public static let shared = BlockingPool(name: "avatar-io", threads: 16)

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped {
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, Error>) in
            enqueue {
                do { cont.resume(returning: try body()) } catch { cont.resume(throwing: error) }
            }
        }
    }

    /// Runs a non-throwing `body` on one of the pool's threads.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (cont: CheckedContinuation<T, Never>) in
            enqueue { cont.resume(returning: body()) }
        }
    }

    /// Runs `job` on one of the pool's threads and returns at once, for a
    /// caller on a thread that may block (a command's main thread, a pool
    /// job) and waits for the job itself.
    public func execute(_ job: @escaping @Sendable () -> Void) {
        enqueue(job)
    }

    private func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads finish queued work and exit.
    public func shutdown() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
