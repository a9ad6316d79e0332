/// A JSON document as parsed by `JSONParser`: objects keep their member order
/// and numbers keep their literal text, so nothing is rounded or reordered.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    /// Members in document order; `JSONParser` rejects duplicate keys.
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member `key` of an object; nil for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.0 == key })?.1
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value as an `Int`, when it is an integer literal that fits.
    public var intValue: Int? {
        if case .number(let n) = self { return n.intValue }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let n) = self { return n.doubleValue }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [(String, JSONValue)]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// A JSON number from a `Double`; `null` when it is NaN or infinite,
    /// which JSON cannot represent.
    public static func double(_ d: Double) -> JSONValue {
        guard let n = JSONNumber(d) else { return .null }
        return .number(n)
    }

    /// A short human description for error messages: `the string "10"`,
    /// `the number 10.5`, `an object`.
    public var shortDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return "the number \(n.text)"
        case .string(let s): return "the string \(JSONValue.quoteForMessage(s))"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// `s` as a JSON string literal: control characters, DEL and the line
    /// separators U+2028/U+2029 (line breaks to JavaScript) escaped. The one
    /// JSON quoting of hand-built JSON (log lines, JSON Lines exports, messages).
    public static func quote(_ s: String) -> String { quoteForMessage(s, limit: .max) }

    /// `s` in double quotes with control characters escaped, cut to 60 characters.
    public static func quoteForMessage(_ s: String, limit: Int = 60) -> String {
        var out = "\""
        var n = 0
        for scalar in s.unicodeScalars {
            if n == limit { out += "…"; break }
            n += 1
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func hex4(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Keeps the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
}

/// A JSON number, kept as its literal text ("10", "-0.5", "1e9").
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal exactly as written (valid RFC 8259 number syntax).
    public let text: String

    /// Wraps literal text that is already valid JSON number syntax.
    init(uncheckedText text: String) { self.text = text }

    public init(_ value: Int) { self.text = String(value) }

    /// nil for NaN and infinities.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 1e15 {
            self.text = String(Int(value))
        } else {
            self.text = "\(value)"
        }
    }

    /// True when the literal has no fraction and no exponent: `10`, `-3`,
    /// but not `10.0` or `1e3`.
    public var isInteger: Bool {
        !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
    }

    /// The value when it is an integer literal that fits in `Int`.
    public var intValue: Int? { isInteger ? Int(text) : nil }

    /// The value as a `Double` (rounded; huge exponents give infinity).
    public var doubleValue: Double { Double(text) ?? .nan }

    public var description: String { text }
}
