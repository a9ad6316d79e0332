import AvatarHTTP
import AvatarSystem
import Foundation
import Testing

@Suite("TokenBucket and AsyncLimiter")
struct LimitsTests {
    @Test("a bucket lets the burst through at once, then one token per 60/perMinute s")
    func bucketRate() async throws {
        let bucket = TokenBucket(perMinute: 600, burst: 2)   // 10 per second: one per 100 ms
        let start = ContinuousClock.now
        try await bucket.acquire()
        try await bucket.acquire()
        // No upper bounds on time here: a busy machine only makes waits longer.
        try await bucket.acquire()
        try await bucket.acquire()
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(190))
    }

    @Test("an unlimited bucket never waits, unless paused")
    func unlimited() async throws {
        let bucket = TokenBucket(perMinute: nil)
        let start = ContinuousClock.now
        for _ in 0..<1000 { try await bucket.acquire() }
        #expect(ContinuousClock.now - start < .seconds(10))  // generous: only a wait per token would take this long
        await bucket.pause(for: .milliseconds(150))
        try await bucket.acquire()
        #expect(ContinuousClock.now - start >= .milliseconds(150))
    }

    @Test("a pause holds every caller, and is never shortened")
    func pause() async throws {
        let bucket = TokenBucket(perMinute: nil)
        await bucket.pause(for: .milliseconds(200))
        await bucket.pause(for: .milliseconds(10))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await bucket.acquire() } }
            try await group.waitForAll()
        }
        #expect(ContinuousClock.now - start >= .milliseconds(180))
    }

    @Test("a limiter never exceeds its limit, reaches it, and serves in FIFO order")
    func limiter() async throws {
        let limiter = AsyncLimiter(limit: 3)
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await limiter.withPermit {
                        await counter.enter()
                        try await Task.sleep(for: .milliseconds(20))
                        await counter.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await counter.max == 3)
        #expect(limiter.availablePermits == 3)

        // FIFO: with one permit, waiters run in the order they queued.
        let one = AsyncLimiter(limit: 1)
        try await one.acquire()
        let order = Counter()
        var tasks: [Task<Void, Error>] = []
        for n in 0..<5 {
            tasks.append(Task { try await one.withPermit { await order.record(n) } })
            try await Task.sleep(for: .milliseconds(10))
        }
        one.release()
        for task in tasks { try await task.value }
        #expect(await order.log == [0, 1, 2, 3, 4])
    }

    @Test("a cancelled waiter leaves the line and takes no permit")
    func limiterCancellation() async throws {
        let limiter = AsyncLimiter(limit: 1)
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(30))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        limiter.release()
        #expect(limiter.availablePermits == 1)
        // A task cancelled before it asks never waits.
        try await limiter.acquire()
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await limiter.acquire()
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        limiter.release()
        #expect(limiter.availablePermits == 1)
    }
}

actor Counter {
    var current = 0
    var max = 0
    var log: [Int] = []
    func enter() { current += 1; max = Swift.max(max, current) }
    func leave() { current -= 1 }
    func record(_ n: Int) { log.append(n) }
}
