/// Which `images.size` values an image provider (its model family) can make.
/// The validator asks the rule and prints the reason it gives, so a user
/// reads the rule that failed ("1000 is not a multiple of 16"), not a list.
public enum ImageSizeRule: Sendable, Equatable {
    /// Any `WIDTHxHEIGHT` in `TaskValidator.sideRange`, and `auto` (the builtin renderer).
    case anyInRange
    /// Exactly these sizes (retired OpenAI families: three sizes each); `auto` when `allowsAuto`.
    case oneOf(Set<ImageSize>, allowsAuto: Bool)
    /// Any size within the constraints (the `gpt-image-2` family and later), and `auto`.
    case constrained(SizeConstraints)
    /// Every rule must accept the size (the base model and the edit model).
    indirect case all([ImageSizeRule])

    /// Why `size` is not allowed, or nil when it is.
    public func problem(with size: ImageSize) -> String? {
        switch self {
        case .anyInRange:
            return nil
        case .oneOf(let sizes, let allowsAuto):
            if size.isAuto { return allowsAuto ? nil : "this model does not take \"auto\"; give WIDTHxHEIGHT" }
            return sizes.contains(size) ? nil : "not one of the sizes the model can make: " + Self.list(sizes)
        case .constrained(let c):
            return c.problem(with: size)
        case .all(let rules):
            return rules.lazy.compactMap { $0.problem(with: size) }.first
        }
    }

    /// What the rule expects, for the "expected" part of a validation issue.
    public var expectation: String {
        switch self {
        case .anyInRange:
            return "a size \"WIDTHxHEIGHT\" or \"auto\""
        case .oneOf(let sizes, let allowsAuto):
            return "one of the sizes the image model can make: " + Self.list(sizes) + (allowsAuto ? ", \"auto\"" : "")
        case .constrained(let c):
            return c.description
        case .all(let rules):
            return rules.map(\.expectation).joined(separator: "; and ")
        }
    }

    static func list(_ sizes: Set<ImageSize>) -> String {
        sizes.sorted { ($0.width, $0.height) < ($1.width, $1.height) }.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

/// The size rules of OpenAI's current image models: edges multiples of
/// `multiple`, the longest at most `maxEdge`, long-to-short at most
/// `maxRatio`:1, pixels in `pixels`; or `auto`.
public struct SizeConstraints: Sendable, Equatable, CustomStringConvertible {
    public var multiple: Int
    public var maxEdge: Int
    public var maxRatio: Int
    public var pixels: ClosedRange<Int>

    public init(multiple: Int, maxEdge: Int, maxRatio: Int, pixels: ClosedRange<Int>) {
        self.multiple = multiple
        self.maxEdge = maxEdge
        self.maxRatio = maxRatio
        self.pixels = pixels
    }

    public func problem(with size: ImageSize) -> String? {
        if size.isAuto { return nil }
        let (w, h) = (size.width, size.height)
        if w % multiple != 0 || h % multiple != 0 {
            let bad = w % multiple != 0 ? w : h
            return "\(bad) is not a multiple of \(multiple) (edges must be multiples of \(multiple))"
        }
        if max(w, h) > maxEdge { return "the longest edge \(max(w, h)) is above \(maxEdge)" }
        if max(w, h) > maxRatio * min(w, h) { return "the long-to-short ratio \(max(w, h)):\(min(w, h)) is above \(maxRatio):1" }
        if !pixels.contains(w * h) {
            return "\(w * h) pixels is outside \(Self.grouped(pixels.lowerBound))…\(Self.grouped(pixels.upperBound))"
        }
        return nil
    }

    public var description: String {
        "\"auto\" or WIDTHxHEIGHT with edges that are multiples of \(multiple), the longest at most \(maxEdge), "
            + "a long-to-short ratio at most \(maxRatio):1 and \(Self.grouped(pixels.lowerBound))…\(Self.grouped(pixels.upperBound)) pixels "
            + "(1024x1024, 1536x1024, 2048x2048, 3840x2160 …)"
    }

    /// 8294400 → "8,294,400".
    static func grouped(_ n: Int) -> String {
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 { digits.insert(",", at: i); i -= 3 }
        return String(digits)
    }
}
