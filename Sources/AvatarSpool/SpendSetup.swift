import AvatarConfig
import AvatarSystem
import AvatarSpend
import AvatarSpoolEngine
import Logging

/// Builds the budgets when images cost money: the ledger in `spool/ledger/`,
/// rebuilt from the task folders when lost; `AVATAR_BUDGET_DAILY_USD`; the
/// clock (`AVATAR_CLOCK_FILE`, a test switch).
enum SpendSetup {
    /// - Throws: `SettingsError` for a malformed budget, or a budget whose
    ///   image model has no known price (its cost would be unknown, never 0).
    static func guardIfPaid(_ chosen: ProviderFactory.Chosen, values: Settings, layout: SpoolLayout,
                            logger: Logger) throws -> SpendGuard? {
        let daily = try dailyBudget(values)
        guard chosen.spend.imageProvider != "builtin" else { return nil }
        if daily != nil {
            for (variable, model) in chosen.spend.pricedModels where variable != "OPENAI_CHAT_MODEL" {
                if chosen.prices.price(for: model) == nil {
                    throw SettingsError(variable: "AVATAR_BUDGET_DAILY_USD",
                                        message: "needs a price for \(variable)=\(model), which the price table does not know; add it with AVATAR_PRICES_FILE")
                }
            }
        }
        let ledger = SpendLedger(directory: layout.root + "/ledger", rebuild: { SpendScan.entries(in: layout) })
        return SpendGuard(ledger: ledger, clock: SpendClock(file: values["AVATAR_CLOCK_FILE"]), dailyBudget: daily,
                          config: chosen.spend, prices: chosen.prices, logger: logger)
    }

    /// AVATAR_BUDGET_DAILY_USD: nil when unset.
    static func dailyBudget(_ values: Settings) throws -> Double? {
        guard let text = values["AVATAR_BUDGET_DAILY_USD"], !text.isEmpty else { return nil }
        guard let usd = Double(text), usd.isFinite, usd >= 0 else {
            throw SettingsError(variable: "AVATAR_BUDGET_DAILY_USD", message: "=\(text) is not an amount of US dollars (such as 25 or 7.5)")
        }
        return usd
    }
}

extension Services {
    /// AVATAR_BUDGET_DAILY_USD from reloaded settings (SIGHUP).
    /// - Throws: `SettingsError` when malformed.
    public static func dailyBudget(_ values: Settings) throws -> Double? { try SpendSetup.dailyBudget(values) }

    /// At start: reservations of dead processes dropped, the spent sums
    /// checked against the folders (rebuilt when lost or different).
    func reconcileLedger() async {
        guard let spendGuard else { return }
        let ledger = spendGuard.ledger
        do {
            let state = try await BlockingPool.shared.run { try ledger.reconcile() }
            let today = spendGuard.clock.today
            let budget = spendGuard.budget.map { " of a daily budget of \(USD.text($0))" } ?? ""
            logger.info("spend ledger: \(USD.text(state.spent(day: today))) spent today (\(today))\(budget)")
        } catch {
            logger.error("spend ledger \(ledger.directory): \(error)")
        }
    }
}
