import Foundation

/// Whether the processor's two loops are alive, for the systemd watchdog:
/// the claim loop (takes work off the queue and claims it) and the task loop
/// (runs steps and writes checkpoints). Each loop beats when it makes
/// progress and says when it is idle (nothing to do is not a hang). A loop
/// that is busy and has not beaten for `horizon` seconds is wedged, and the
/// watchdog stops petting, so systemd restarts the processor.
public final class ProgressMonitor: @unchecked Sendable {
    public enum Loop: String, Sendable, CaseIterable { case claim, task }

    struct State {
        var lastBeat: ContinuousClock.Instant
        var busy = 0
    }

    // Confinement: `states` only under `lock`.
    private let lock = NSLock()
    private var states: [Loop: State]
    /// How long a busy loop may go without a beat.
    public let horizon: Duration

    public init(horizon: Duration) {
        self.horizon = horizon
        let now = ContinuousClock.now
        states = [.claim: State(lastBeat: now), .task: State(lastBeat: now)]
    }

    /// The loop made progress (an item claimed, a checkpoint written).
    public func beat(_ loop: Loop) {
        lock.withLock { states[loop]!.lastBeat = .now }
    }

    /// The loop starts work that must end in a beat (a claim, a task).
    public func begin(_ loop: Loop) {
        lock.withLock {
            states[loop]!.busy += 1
            states[loop]!.lastBeat = .now
        }
    }

    /// That work ended.
    public func end(_ loop: Loop) {
        lock.withLock {
            states[loop]!.busy = max(0, states[loop]!.busy - 1)
            states[loop]!.lastBeat = .now
        }
    }

    /// The loops that are busy and have not beaten within the horizon.
    public func wedged(now: ContinuousClock.Instant = .now) -> [Loop] {
        lock.withLock {
            Loop.allCases.filter { loop in
                let s = states[loop]!
                return s.busy > 0 && now - s.lastBeat > horizon
            }
        }
    }
}
