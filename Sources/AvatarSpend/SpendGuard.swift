import AvatarDomain
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// The budgets: before an image request starts, its estimated cost is
/// reserved in the spool's ledger; a request that would pass the day's
/// budget (`AVATAR_BUDGET_DAILY_USD`, across every processor on the spool)
/// waits, never fails, until the next UTC day or a raised budget; one that
/// would pass its task's `budget_usd` fails that persona with "task budget
/// reached". When the answer is recorded, the reservation becomes its cost.
public final class SpendGuard: @unchecked Sendable {
    // Confinement: `dailyBudget`, `waiting` and `loggedDay` only under `lock`.
    private let lock = NSLock()
    private var dailyBudget: Double?
    private var waiting: Waiting?
    private var loggedDay: String?

    public let ledger: SpendLedger
    public let clock: SpendClock
    let config: SpendConfig
    let prices: PriceTable
    let logger: Logger
    /// How often a waiting request looks again (the day, the budget).
    let recheck: Duration

    /// Why paid requests wait, for `status` and systemd's STATUS=.
    public struct Waiting: Sendable, Equatable {
        public var day: String
        public var committed: Double
        public var budget: Double
        public var until: Date

        public var text: String {
            "daily budget reached: \(USD.text(committed)) of \(USD.text(budget)) spent or reserved on \(day); "
                + "paid requests wait until \(SpendDay.timestamp(until)) or a raised AVATAR_BUDGET_DAILY_USD"
        }
    }

    public init(ledger: SpendLedger, clock: SpendClock, dailyBudget: Double?, config: SpendConfig, prices: PriceTable,
                logger: Logger, recheck: Duration = .seconds(2)) {
        self.ledger = ledger
        self.clock = clock
        self.dailyBudget = dailyBudget
        self.config = config
        self.prices = prices
        self.logger = logger
        self.recheck = recheck
    }

    /// A new daily budget (SIGHUP reloads the configuration): waiting requests look again at once.
    public func setDailyBudget(_ usd: Double?) {
        lock.withLock { dailyBudget = usd }
        logger.notice("daily budget now \(usd.map { USD.text($0) } ?? "unlimited")")
    }

    public var budget: Double? { lock.withLock { dailyBudget } }
    public var waitingNow: Waiting? { lock.withLock { waiting } }

    /// The upper end of one image request's estimate (reserved before it starts).
    public func estimate(edit: Bool, spec: TaskSpec) -> Double {
        let model = (edit ? config.editModel : nil) ?? config.imageModel ?? "builtin"
        return SpendEstimator.image(model: model, edit: edit, spec: spec, quality: config.quality, prices: prices, count: 1).high
    }

    /// Runs one paid request under the budgets.
    /// - Throws: `ProviderError(.budget)` when the task's budget is reached;
    ///   `CancellationError` when cancelled while waiting; what `body` throws.
    public func spend(task spec: TaskSpec, persona: Int, request: String, edit: Bool,
                      _ body: () async throws -> GeneratedImage) async throws -> GeneratedImage {
        let usd = estimate(edit: edit, spec: spec)
        let key = "\(spec.taskID)/\(persona)/\(request)"
        while true {
            try Task.checkCancellation()
            let day = clock.today
            let daily = budget
            let ledger = self.ledger
            let verdict = try await BlockingPool.shared.run {
                try ledger.reserve(task: spec.taskID, key: key, usd: usd, day: day, dailyBudget: daily, taskBudget: spec.budgetUSD)
            }
            switch verdict {
            case .reserved(let r):
                lock.withLock { waiting = nil }
                var image: GeneratedImage
                do {
                    image = try await body()
                } catch {
                    try? await BlockingPool.shared.run { try ledger.settle(r, cost: nil, day: day) }
                    throw error
                }
                // The spend's time is this clock's, so the folders and the ledger agree on the day.
                let now = SpendDay.timestamp(clock.now)
                image.usage?.at = now
                let cost = image.usage?.costUSD
                let paidDay = SpendDay.day(ofTimestamp: now) ?? day
                try await BlockingPool.shared.run { try ledger.settle(r, cost: cost, day: paidDay) }
                return image
            case .overTask(let committed):
                throw ProviderError(.budget, provider: "budget",
                                    message: "task budget reached: \(USD.text(committed)) of budget_usd \(USD.text(spec.budgetUSD ?? 0)) "
                                        + "spent or reserved; this request (up to \(USD.text(usd))) would pass it")
            case .overDaily(let committed):
                let w = Waiting(day: day, committed: committed, budget: daily ?? 0, until: SpendDay.nextMidnight(after: clock.now))
                let first = lock.withLock { () -> Bool in
                    waiting = w
                    defer { loggedDay = day }
                    return loggedDay != day
                }
                if first { logger.warning("\(w.text)") }
                try await Task.sleep(for: recheck)
            }
        }
    }
}

/// An image provider whose paid requests go through the budgets.
public struct BudgetedImageProvider: ImageProvider {
    public let inner: any ImageProvider
    public let spendGuard: SpendGuard

    public init(_ inner: any ImageProvider, spendGuard: SpendGuard) {
        self.inner = inner
        self.spendGuard = spendGuard
    }

    public var name: String { inner.name }
    public var sizeRule: ImageSizeRule { inner.sizeRule }

    public func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        try await spendGuard.spend(task: task, persona: index, request: "base", edit: false) {
            try await inner.baseImage(prompt: prompt, persona: persona, task: task, index: index)
        }
    }

    public func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        try await spendGuard.spend(task: task, persona: index, request: "grid", edit: true) {
            try await inner.gridImage(base: base, prompt: prompt, persona: persona, task: task, index: index)
        }
    }
}
