import AvatarDomain
import AvatarTask
import Foundation

/// What one model costs: per million tokens by kind, or per image.
public struct ModelPrice: Sendable, Equatable {
    public var match: String
    public var textInput: Double?
    public var imageInput: Double?
    public var imageOutput: Double?
    public var textOutput: Double?
    /// USD per image by "QUALITY SIZE", "SIZE" or "default" (models that report no usage).
    public var perImage: [String: Double]
    public var source: String

    /// True when the model is priced by tokens.
    public var byTokens: Bool { textInput != nil || imageOutput != nil || textOutput != nil }

    /// The per-image price for `size` at `quality`, if the entry has one.
    public func imagePrice(size: ImageSize, quality: String?) -> Double? {
        if let q = quality, let p = perImage["\(q) \(size)"] { return p }
        return perImage["\(size)"] ?? perImage["default"]
    }
}

/// The price table: the shipped one (`DefaultPrices`), extended or replaced
/// by `AVATAR_PRICES_FILE`. A model it does not know has no price: its cost
/// is "unknown", never 0.
public struct PriceTable: Sendable {
    public var asOf: String
    public var entries: [ModelPrice]

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The shipped table.
    /// (A unit test parses it; were it ever unreadable, every price would be unknown, never a crash.)
    public static let shipped: PriceTable = (try? parse(Array(DefaultPrices.json.utf8), origin: "the shipped price table"))
        ?? PriceTable(asOf: "unreadable", entries: [])

    /// The shipped table with `AVATAR_PRICES_FILE` applied, when set.
    /// - Throws: `LoadError` naming the file and what is wrong in it.
    public static func load(file path: String?) throws -> PriceTable {
        guard let path, !path.isEmpty else { return shipped }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "AVATAR_PRICES_FILE=\(path) cannot be read")
        }
        let extra = try parse(Array(data), origin: "AVATAR_PRICES_FILE=\(path)")
        let replace = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["replace"] as? Bool ?? false
        if replace { return extra }
        var table = shipped
        table.entries = extra.entries + table.entries.filter { e in !extra.entries.contains { $0.match == e.match } }
        table.asOf = "\(shipped.asOf), with \(path) (\(extra.asOf))"
        return table
    }

    /// Parses the JSON format of `DefaultPrices`.
    static func parse(_ bytes: [UInt8], origin: String) throws -> PriceTable {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let models = object["models"] as? [[String: Any]] else {
            throw LoadError(description: "\(origin) is not a JSON object with a \"models\" list")
        }
        var entries: [ModelPrice] = []
        for (i, m) in models.enumerated() {
            guard let match = m["match"] as? String, !match.isEmpty else {
                throw LoadError(description: "\(origin): models[\(i)] has no \"match\"")
            }
            func number(_ key: String) throws -> Double? {
                guard let v = m[key] else { return nil }
                guard let d = (v as? NSNumber)?.doubleValue, d >= 0 else {
                    throw LoadError(description: "\(origin): models[\(i)].\(key) must be a number of USD, 0 or more")
                }
                return d
            }
            var perImage: [String: Double] = [:]
            for (k, v) in m["per_image"] as? [String: Any] ?? [:] {
                guard let d = (v as? NSNumber)?.doubleValue, d >= 0 else {
                    throw LoadError(description: "\(origin): models[\(i)].per_image.\(k) must be a number of USD")
                }
                perImage[k] = d
            }
            let entry = ModelPrice(match: match, textInput: try number("text_input"), imageInput: try number("image_input"),
                                   imageOutput: try number("image_output"), textOutput: try number("text_output"),
                                   perImage: perImage, source: m["source"] as? String ?? origin)
            guard entry.byTokens || !perImage.isEmpty else {
                throw LoadError(description: "\(origin): models[\(i)] (\(match)) has neither token nor per_image prices")
            }
            entries.append(entry)
        }
        return PriceTable(asOf: object["as_of"] as? String ?? "undated", entries: entries)
    }

    /// The entry for `model`: an exact name, else the longest matching prefix.
    public func price(for model: String) -> ModelPrice? {
        let name = model.split(separator: "/").last.map(String.init) ?? model
        if let exact = entries.first(where: { $0.match == name }) { return exact }
        return entries.filter { $0.match.hasSuffix("*") && name.hasPrefix($0.match.dropLast()) }
            .max { $0.match.count < $1.match.count }
    }

    /// The cost of one image request: from its reported tokens when the
    /// model is priced by tokens, else the per-image price. nil = unknown.
    public func cost(of usage: ImageUsage?, model: String, size: ImageSize, quality: String?) -> Double? {
        guard let p = price(for: model) else { return nil }
        if let usage, p.byTokens {
            // Without details every input token is text and every output token an image token.
            let textIn = usage.inputTextTokens ?? (usage.inputTokens - (usage.inputImageTokens ?? 0))
            let imageIn = usage.inputImageTokens ?? 0
            let imageOut = usage.outputImageTokens ?? (usage.outputTokens - (usage.outputTextTokens ?? 0))
            let textOut = usage.outputTextTokens ?? 0
            let total = Double(textIn) * (p.textInput ?? 0) + Double(imageIn) * (p.imageInput ?? p.textInput ?? 0)
                + Double(imageOut) * (p.imageOutput ?? 0) + Double(textOut) * (p.textOutput ?? 0)
            return Self.micro(total / 1_000_000)
        }
        return p.imagePrice(size: size.resolved, quality: quality).map(Self.micro)
    }

    /// The cost of a chat completion's tokens; nil = unknown.
    public func chatCost(model: String, input: Int, output: Int) -> Double? {
        guard let p = price(for: model), p.byTokens else { return nil }
        return Self.micro((Double(input) * (p.textInput ?? 0) + Double(output) * (p.textOutput ?? 0)) / 1_000_000)
    }

    /// Rounded to the micro-dollar, so sums print and compare cleanly.
    public static func micro(_ usd: Double) -> Double { (usd * 1_000_000).rounded() / 1_000_000 }
}
