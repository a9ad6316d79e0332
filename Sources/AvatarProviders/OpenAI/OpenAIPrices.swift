import AvatarDomain

/// USD per million tokens of one model family.
public struct TokenPrices: Sendable, Equatable {
    public var textInput: Double
    public var imageInput: Double
    public var imageOutput: Double
    /// Text output (chat models; image models answer no text).
    public var textOutput: Double

    public init(textInput: Double, imageInput: Double, imageOutput: Double, textOutput: Double = 0) {
        self.textInput = textInput
        self.imageInput = imageInput
        self.imageOutput = imageOutput
        self.textOutput = textOutput
    }
}

/// OpenAI's published prices, read on `asOf` from its pricing page and
/// model pages, by family (as sizes and qualities are). An unknown model has
/// no price: its cost is unknown, never 0.
public enum OpenAIPrices {
    public static let asOf = "2026-11-30"

    /// Prices of `model`'s family, or nil when we do not know it.
    public static func prices(for model: String) -> TokenPrices? {
        let name = model.split(separator: "/").last.map { String($0).lowercased() } ?? ""
        if let family = ImageModelFamily.of(name), !family.sendsResponseFormat {
            // gpt-image-2 and later: 5 / 8 / 30 USD per million (text in, image in, image out).
            // The retired gpt-image-1 family was priced 5 / 10 / 40.
            return family.retired ? TokenPrices(textInput: 5, imageInput: 10, imageOutput: 40)
                                  : TokenPrices(textInput: 5, imageInput: 8, imageOutput: 30)
        }
        if name.hasPrefix("gpt-6-luna") { return TokenPrices(textInput: 0.10, imageInput: 0.10, imageOutput: 0, textOutput: 0.50) }
        if name.hasPrefix("gpt-4o-mini") { return TokenPrices(textInput: 0.15, imageInput: 0.15, imageOutput: 0, textOutput: 0.60) }
        return nil
    }

    /// The cost of one image request from its reported tokens; nil when the
    /// model has no known price or reported no usage.
    public static func cost(of usage: ImageUsage, model: String) -> Double? {
        guard let p = prices(for: model) else { return nil }
        // Without details every input token is text and every output token an image token.
        let textIn = usage.inputTextTokens ?? (usage.inputTokens - (usage.inputImageTokens ?? 0))
        let imageIn = usage.inputImageTokens ?? 0
        let imageOut = usage.outputImageTokens ?? (usage.outputTokens - (usage.outputTextTokens ?? 0))
        let textOut = usage.outputTextTokens ?? 0
        let micro = Double(textIn) * p.textInput + Double(imageIn) * p.imageInput
            + Double(imageOut) * p.imageOutput + Double(textOut) * p.textOutput
        return (micro / 1_000_000 * 1_000_000).rounded() / 1_000_000 // to the micro-dollar
    }
}
