import AvatarSpend
import AvatarSystem
import Foundation

/// What `status` says about money: today's spend and the daily budget (and
/// when paid requests wait, until when), and what each task has cost.
public struct SpendStatus: Codable, Sendable {
    public var day: String
    public var spentTodayUSD: Double
    public var reservedTodayUSD: Double
    public var dailyBudgetUSD: Double?
    /// Set when the day's budget leaves no room for one more image request.
    public var waitingUntil: String?
    /// Spent per task (every task the ledger knows).
    public var tasks: [String: Double]

    enum CodingKeys: String, CodingKey {
        case day, spentTodayUSD = "spent_today_usd", reservedTodayUSD = "reserved_today_usd"
        case dailyBudgetUSD = "daily_budget_usd", waitingUntil = "waiting_until", tasks = "task_cost_usd"
    }

    /// nil when images cost nothing (builtin).
    public static func make(_ services: Services) async -> SpendStatus? {
        guard let spendGuard = services.spendGuard else { return nil }
        let ledger = spendGuard.ledger
        guard let state = try? await BlockingPool.shared.run({ try ledger.read() }) else { return nil }
        let day = spendGuard.clock.today
        let spent = state.spent(day: day), reserved = PriceTable.micro(state.reservedUSD(day: day))
        var waiting: String?
        if let budget = spendGuard.budget {
            let smallest = services.spend.imageModel.map { _ in spendGuard.estimate(edit: false, spec: .init(taskID: "-", count: 1)) } ?? 0
            if spent + reserved + smallest > budget + 1e-9 {
                waiting = SpendDay.timestamp(SpendDay.nextMidnight(after: spendGuard.clock.now))
            }
        }
        var tasks: [String: Double] = [:]
        for s in state.settled.values { tasks[s.task, default: 0] += s.usd }
        return SpendStatus(day: day, spentTodayUSD: spent, reservedTodayUSD: reserved, dailyBudgetUSD: spendGuard.budget,
                           waitingUntil: waiting, tasks: tasks.mapValues(PriceTable.micro))
    }

    public var text: String {
        var out = "\nspend \(day): \(USD.text(spentTodayUSD)) spent"
        if reservedTodayUSD > 0 { out += ", \(USD.text(reservedTodayUSD)) reserved by requests in flight" }
        if let budget = dailyBudgetUSD { out += ", daily budget \(USD.text(budget))" }
        out += "\n"
        if let waitingUntil {
            out += "  daily budget reached: paid requests wait until \(waitingUntil) or a raised AVATAR_BUDGET_DAILY_USD (SIGHUP)\n"
        }
        return out
    }
}
