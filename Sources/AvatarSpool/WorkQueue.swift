import AvatarDomain

/// Something the processor should look at.
enum WorkItem: Hashable, Sendable {
    /// A name in pending/.
    case pending(String)
    /// A task folder outside pending/ that may have no live processor.
    case orphan(TaskStage, String)

    var key: String {
        switch self {
        case .pending(let name): "pending/" + name
        case .orphan(_, let id): "task/" + id
        }
    }
}

/// The processor's to-do list: deduplicated, with delayed items (files still
/// being written) and a notion of "nothing left" for `--drain`.
actor WorkQueue {
    private var queue: [WorkItem] = []
    private var queued: Set<String> = []
    private var inFlight: Set<String> = []
    private var delayed = 0
    private var waiter: CheckedContinuation<WorkItem?, Never>?
    private var closed = false

    func add(_ item: WorkItem) {
        guard !closed, !queued.contains(item.key), !inFlight.contains(item.key) else { return }
        if let w = waiter {
            waiter = nil
            inFlight.insert(item.key)
            w.resume(returning: item)
        } else {
            queue.append(item)
            queued.insert(item.key)
        }
    }

    /// Adds `item` after `seconds`.
    func add(_ item: WorkItem, after seconds: Double) {
        delayed += 1
        Task {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            self.delayedArrived(item)
        }
    }

    private func delayedArrived(_ item: WorkItem) {
        delayed -= 1
        add(item)
        wakeIfIdle()
    }

    /// The next item; nil once closed, or (when `drain`) once nothing is
    /// queued, delayed or in flight.
    func next(drain: Bool) async -> WorkItem? {
        if let item = popFirst() { return item }
        if closed || (drain && isIdle) { return nil }
        return await withCheckedContinuation { waiter = $0 }
    }

    private func popFirst() -> WorkItem? {
        guard !closed, !queue.isEmpty else { return nil }
        let item = queue.removeFirst()
        queued.remove(item.key)
        inFlight.insert(item.key)
        return item
    }

    var isIdle: Bool { queue.isEmpty && inFlight.isEmpty && delayed == 0 }

    func done(_ item: WorkItem) {
        inFlight.remove(item.key)
        wakeIfIdle()
    }

    /// In drain mode the loop waits for the queue; when everything is done it
    /// must hear that there is nothing left.
    private var drainWaiting = false
    func setDrain() { drainWaiting = true }

    private func wakeIfIdle() {
        if drainWaiting, isIdle, let w = waiter {
            waiter = nil
            w.resume(returning: nil)
        }
    }

    func close() {
        closed = true
        queue.removeAll()
        queued.removeAll()
        if let w = waiter {
            waiter = nil
            w.resume(returning: nil)
        }
    }
}
