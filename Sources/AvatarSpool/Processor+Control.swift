import AvatarDomain
import AvatarPipeline
import AvatarService
import AvatarSpoolEngine
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// Runs one task while watching its folder for `control.json` (left by
/// `hold` or `cancel` in another process): a hold raises this task's own
/// stop flag, so it stops at the next step boundary with requests in flight
/// finished and kept; a cancel cancels the run at once (libcurl aborts the
/// transfers in flight).
final class TaskControl: @unchecked Sendable {
    // Confinement: `requested` only under `lock`.
    private let lock = NSLock()
    private var requestedValue: ControlRequest?
    let folder: TaskFolder
    let stop = StopFlag()
    /// Raised when the task's lease was lost: the run is cancelled at once.
    private let lost = StopFlag()
    static let pollInterval: Duration = .milliseconds(250)

    init(folder: TaskFolder) {
        self.folder = folder
    }

    var requested: ControlRequest? { lock.withLock { requestedValue } }

    /// The task is no longer this processor's: stop and abandon what is in flight.
    func leaseLost() {
        lost.raise()
        stop.raise()
    }

    var isLeaseLost: Bool { lost.isRaised }

    /// Runs `body` as a child task, watching for requests and for the
    /// processor's own stop (`global`), until `body` returns.
    func run<T: Sendable>(global: StopFlag, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let work = Task { try await body() }
        let watcher = Task { [self] in
            while !Task.isCancelled {
                if global.isRaised { stop.raise() }
                if lost.isRaised { work.cancel() }
                if requested == nil, let request = await BlockingPool.shared.run({ QueueControl.request(in: self.folder) }) {
                    lock.withLock { requestedValue = request }
                    switch request.action {
                    case .hold: stop.raise()
                    case .cancel: work.cancel()
                    }
                }
                try? await Task.sleep(for: Self.pollInterval)
            }
        }
        defer { watcher.cancel() }
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
    }
}

extension Processor {
    /// After a run that a hold or cancel request ended: act on it with the
    /// task's lock still held. Returns the stage the task ended in, if it moved.
    func settle(_ control: TaskControl, final: TaskStage?) async -> TaskStage? {
        let folder = control.folder
        guard let request = control.requested else {
            // A request that came after the last look, when the task had finished: too late.
            if let final, final.isTerminal, let late = QueueControl.request(in: folder) {
                try? folder.remove(ControlRequest.fileName)
                logger.notice("[Task \(folder.taskID)] \(late.action.rawValue) request came after the task finished (\(final.rawValue)); ignored")
            }
            return final
        }
        let queue = QueueControl(layout: layout)
        let id = folder.taskID
        switch request.action {
        case .cancel:
            do {
                try await BlockingPool.shared.run { try queue.cancelLocked(folder, reason: request.reason) }
                let why = request.reason.map { ": \($0)" } ?? ""
                logger.notice("[Task \(id)] cancelled by an operator\(why); moved to failed/")
                return .failed
            } catch {
                logger.error("[Task \(id)] cannot cancel: \(error)")
                return final
            }
        case .hold:
            guard final == nil else {
                // It finished before reaching a step boundary: nothing to hold.
                try? folder.remove(ControlRequest.fileName)
                logger.notice("[Task \(id)] finished before the hold took effect")
                return final
            }
            if stopping.isRaised { return nil }  // shutting down: the request stays for the next start
            do {
                try await BlockingPool.shared.run { try queue.holdLocked(folder) }
                logger.notice("[Task \(id)] held by an operator at a step boundary; moved to hold/ (`avatar-spool release \(id)` resumes it)")
            } catch {
                logger.error("[Task \(id)] cannot hold: \(error)")
            }
            return nil
        }
    }
}
