import AvatarTask
import Foundation

/// A cost range in USD; nil bounds when a part is priced "unknown".
public struct CostRange: Sendable, Equatable {
    public var low: Double
    public var high: Double
    /// Parts that could not be priced (an unknown model, Flowise).
    public var unpriced: [String]

    public static let zero = CostRange(low: 0, high: 0, unpriced: [])

    public static func + (a: CostRange, b: CostRange) -> CostRange {
        CostRange(low: a.low + b.low, high: a.high + b.high, unpriced: a.unpriced + b.unpriced.filter { !a.unpriced.contains($0) })
    }

    public var text: String {
        let range = low == high ? USD.text(low) : "\(USD.number(low)) – \(USD.text(high))"
        return unpriced.isEmpty ? range : "\(range) + unknown (\(unpriced.joined(separator: ", ")))"
    }
}

/// The requests one task will send and what they may cost, before anything
/// is spent (`validate --estimate`, `submit --estimate`).
public struct TaskEstimate: Sendable {
    public struct Part: Sendable {
        /// "data openai gpt-6-luna", "images openai gpt-image-2.6-flare".
        public var what: String
        public var requests: [(kind: String, count: Int)]
        public var cost: CostRange
    }
    public var taskID: String
    public var personas: Int
    public var parts: [Part]
    public var total: CostRange { parts.reduce(.zero) { $0 + $1.cost } }
}

/// How an estimate's range is made (printed under every estimate and in the README).
///
/// - Image requests priced by tokens: output tokens per image from OpenAI's
///   published table for a 1024x1024 image (low 272, medium 1056, high 4160;
///   xhigh and max assumed 1.5x and 2x high), scaled by the pixel count; the
///   low end at the configured quality (or `low` when it is unset or `auto`),
///   the high end at the configured quality (or `high`); `auto` size spans
///   1024x1024 to 1536x1024. Text input 60–200 tokens per request; the grid's
///   edit adds the base as image input (1290 tokens per 1024x1024, scaled).
/// - Images priced per image (DALL·E): that price, both ends.
/// - Chat requests (persona data, image prompts): 350–600 input tokens and
///   250–1500 output tokens per persona (a reasoning model's hidden tokens
///   are output), 300–500 and 80–800 per image prompt.
/// - Retries of transient failures are not charged by OpenAI and not counted;
///   Flowise reports no usage: its requests are counted, not priced.
public enum SpendEstimator {
    public static let method = """
        range: image output tokens from OpenAI's table per quality (unset/auto: low to high), scaled by pixels \
        (auto size: 1024x1024 to 1536x1024); text input 60-200 tokens, the grid's base image as image input; \
        chat 350-600 in and 250-1500 out per persona, 300-500 in and 80-800 out per image prompt; \
        per-image prices as listed; Flowise counted, not priced
        """

    static let outputTokens1024: [String: Double] = ["low": 272, "medium": 1056, "high": 4160, "xhigh": 6240, "max": 8320]

    public static func estimate(_ spec: TaskSpec, config: SpendConfig, prices: PriceTable) -> TaskEstimate {
        let n = spec.count
        var parts: [TaskEstimate.Part] = []
        let dataRequests = [("persona data", n)] + (spec.images.enabled ? [("image prompts", n)] : [])
        switch config.dataProvider {
        case "openai":
            let model = config.chatModel ?? "?"
            var cost = chat(model: model, calls: n, input: 350...600, output: 250...1500, prices: prices)
            if spec.images.enabled { cost = cost + chat(model: model, calls: n, input: 300...500, output: 80...800, prices: prices) }
            parts.append(.init(what: "data openai \(model)", requests: dataRequests, cost: cost))
        case "flowise":
            parts.append(.init(what: "data flowise", requests: dataRequests,
                               cost: CostRange(low: 0, high: 0, unpriced: ["flowise reports no usage"])))
        default:
            parts.append(.init(what: "data builtin (local)", requests: dataRequests, cost: .zero))
        }
        guard spec.images.enabled else { return TaskEstimate(taskID: spec.taskID, personas: n, parts: parts) }
        if config.imageProvider == "openai", let base = config.imageModel {
            let edit = config.editModel ?? base
            let cost = image(model: base, edit: false, spec: spec, quality: config.quality, prices: prices, count: n)
                + image(model: edit, edit: true, spec: spec, quality: config.quality, prices: prices, count: n)
            let models = edit == base ? base : "\(base) + \(edit)"
            parts.append(.init(what: "images openai \(models)", requests: [("base images", n), ("grids", n)], cost: cost))
        } else {
            parts.append(.init(what: "images builtin (local)", requests: [("base images", n), ("grids", n)], cost: .zero))
        }
        return TaskEstimate(taskID: spec.taskID, personas: n, parts: parts)
    }

    static func chat(model: String, calls: Int, input: ClosedRange<Int>, output: ClosedRange<Int>, prices: PriceTable) -> CostRange {
        guard let low = prices.chatCost(model: model, input: input.lowerBound, output: output.lowerBound),
              let high = prices.chatCost(model: model, input: input.upperBound, output: output.upperBound) else {
            return CostRange(low: 0, high: 0, unpriced: [model])
        }
        return CostRange(low: low * Double(calls), high: high * Double(calls), unpriced: [])
    }

    static func image(model: String, edit: Bool, spec: TaskSpec, quality: String?, prices: PriceTable, count: Int) -> CostRange {
        guard let price = prices.price(for: model) else { return CostRange(low: 0, high: 0, unpriced: [model]) }
        let sizes = spec.images.size.isAuto ? [ImageSize(width: 1024, height: 1024), ImageSize(width: 1536, height: 1024)]
                                            : [spec.images.size]
        guard price.byTokens else {
            let each = sizes.compactMap { price.imagePrice(size: $0, quality: quality) }
            guard let low = each.min(), let high = each.max() else { return CostRange(low: 0, high: 0, unpriced: [model]) }
            return CostRange(low: low * Double(count), high: high * Double(count), unpriced: [])
        }
        let fixed = quality.flatMap { $0 == "auto" ? nil : outputTokens1024[$0] }
        func cost(_ size: ImageSize, quality q: Double, textIn: Double) -> Double {
            let scale = Double(size.width * size.height) / (1024 * 1024)
            let imageIn = edit ? 1290 * scale : 0
            return (textIn * (price.textInput ?? 0) + imageIn * (price.imageInput ?? price.textInput ?? 0)
                    + q * scale * (price.imageOutput ?? 0)) / 1_000_000
        }
        let low = cost(sizes.first!, quality: fixed ?? outputTokens1024["low"]!, textIn: 60)
        let high = cost(sizes.last!, quality: fixed ?? outputTokens1024["high"]!, textIn: 200)
        return CostRange(low: PriceTable.micro(low * Double(count)), high: PriceTable.micro(high * Double(count)), unpriced: [])
    }
}

/// Dollar amounts as people read them: cents for large sums, more digits for small ones.
public enum USD {
    public static func text(_ amount: Double) -> String { number(amount) + " USD" }

    public static func number(_ amount: Double) -> String {
        if amount == 0 { return "0" }
        if amount >= 1 { return String(format: "%.2f", amount) }
        if amount >= 0.01 { return String(format: "%.3f", amount) }
        return String(format: "%.5f", amount)
    }
}
