import AvatarSpend
import AvatarTask

/// The text of `validate --estimate` and `submit --estimate`: per task the
/// requests each provider will receive and a cost range, then the total.
public enum EstimateReport {
    public static func text(_ estimates: [TaskEstimate], prices: PriceTable) -> String {
        var out = ""
        for e in estimates {
            out += "\(e.taskID): \(e.personas) persona\(e.personas == 1 ? "" : "s")\n"
            for part in e.parts {
                let requests = part.requests.map { "\($0.count) \($0.kind)" }.joined(separator: ", ")
                out += "  \(part.what): \(requests): \(part.cost.text)\n"
            }
            out += "  task total: \(e.total.text)\n"
        }
        if estimates.count > 1 {
            let total = estimates.reduce(CostRange.zero) { $0 + $1.total }
            out += "all \(estimates.count) tasks: \(total.text)\n"
        }
        out += "(prices as of \(prices.asOf); \(SpendEstimator.method))\n"
        return out
    }
}
