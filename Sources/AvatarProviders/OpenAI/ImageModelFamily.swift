import AvatarTask

/// What an OpenAI image model can take, judged by its family (the shape of
/// its name), not by a list of exact names that breaks at each release:
/// `gpt-image-2.7-…` or `gpt-image-3` are read as the newest family we know.
/// The retired families stay usable through OpenAI-compatible servers that
/// still serve those names.
public struct ImageModelFamily: Sendable, Equatable {
    /// "gpt-image-2.6", "gpt-image-1 (retired)", "dall-e-3 (retired)".
    public var name: String
    /// `quality` values the model takes.
    public var qualities: [String]
    /// `complexity` values; empty when the model does not take the parameter.
    public var complexities: [String]
    public var sizeRule: ImageSizeRule
    /// DALL·E answers URLs unless asked for `response_format: b64_json`;
    /// GPT image models always answer base64 and reject the parameter.
    public var sendsResponseFormat: Bool
    /// gpt-image-1 and 1.5 keep a face better with `input_fidelity: high`.
    public var takesInputFidelity: Bool
    /// Retired on api.openai.com (shut down, or being shut down).
    public var retired: Bool

    /// The sizes of the current families (gpt-image-2 and later), from
    /// OpenAI's image generation guide as read on 2026-11-30.
    public static let currentSizes = SizeConstraints(multiple: 16, maxEdge: 3840, maxRatio: 3, pixels: 655_360...8_294_400)
    /// What OpenAI recommends in place of every retired image model.
    public static let replacement = "gpt-image-2.6-flare"

    /// The family of `model`, or nil for a name that is no image model we know.
    public static func of(_ model: String) -> ImageModelFamily? {
        // Compatible gateways may prefix the vendor: "openai/gpt-image-2.6-flare".
        let name = model.split(separator: "/").last.map { String($0).lowercased() } ?? ""
        if name == "chatgpt-image-latest" { return gptImage1(mini: false) }
        if name == "dall-e-3" { // retired: shut down on 2026-05-12
            return ImageModelFamily(name: "dall-e-3 (retired)", qualities: ["standard", "hd"], complexities: [],
                                    sizeRule: .oneOf(sizes([(1024, 1024), (1792, 1024), (1024, 1792)]), allowsAuto: false),
                                    sendsResponseFormat: true, takesInputFidelity: false, retired: true)
        }
        if name == "dall-e-2" { // retired: shut down on 2026-05-12
            return ImageModelFamily(name: "dall-e-2 (retired)", qualities: ["standard"], complexities: [],
                                    sizeRule: .oneOf(sizes([(256, 256), (512, 512), (1024, 1024)]), allowsAuto: false),
                                    sendsResponseFormat: true, takesInputFidelity: false, retired: true)
        }
        guard let (major, minor) = version(name) else { return nil }
        if major < 2 { return gptImage1(mini: name.contains("mini")) }
        // 2.5 added xhigh and max; 2.6 added complexity. Later versions keep both.
        let atLeast = { (a: Int, b: Int) in (major, minor) >= (a, b) }
        return ImageModelFamily(
            name: "gpt-image-\(major).\(minor)",
            qualities: ["low", "medium", "high"] + (atLeast(2, 5) ? ["xhigh", "max"] : []) + ["auto"],
            complexities: atLeast(2, 6) ? ["low", "medium", "high"] : [],
            sizeRule: .constrained(currentSizes), sendsResponseFormat: false, takesInputFidelity: false, retired: false)
    }

    /// gpt-image-1, -1-mini, -1.5 and chatgpt-image-latest: three sizes and auto.
    static func gptImage1(mini: Bool) -> ImageModelFamily {
        ImageModelFamily(name: "gpt-image-1 (retired)", qualities: ["low", "medium", "high", "auto"], complexities: [],
                         sizeRule: .oneOf(sizes([(1024, 1024), (1536, 1024), (1024, 1536)]), allowsAuto: true),
                         sendsResponseFormat: false, takesInputFidelity: !mini, retired: true)
    }

    /// "gpt-image-2.6-flare" → (2, 6); "gpt-image-2" → (2, 0); nil for other names.
    static func version(_ name: String) -> (Int, Int)? {
        let prefix = "gpt-image-"
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        let numbers = rest.prefix { $0.isNumber || $0 == "." }.split(separator: ".", omittingEmptySubsequences: false)
        guard let first = numbers.first, let major = Int(first) else { return nil }
        let minor = numbers.count > 1 ? Int(numbers[1]) ?? 0 : 0
        return (major, minor)
    }

    static func sizes(_ list: [(Int, Int)]) -> Set<ImageSize> {
        Set(list.map { ImageSize(width: $0.0, height: $0.1) })
    }
}
