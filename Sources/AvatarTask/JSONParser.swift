/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Strict means: no comments, no trailing commas, no NaN or Infinity, no
/// leading zeros, no unescaped control characters in strings, no lone
/// surrogates, no duplicate keys, nothing after the value. The input must be
/// UTF-8 (a UTF-8 byte-order mark is skipped; UTF-16 and UTF-32 are refused
/// with a message that says so). Nesting is limited and the parser is
/// iterative, so a hostile document cannot overflow the stack.
public struct JSONParser: Sendable {
    public struct Options: Sendable {
        /// Deepest allowed nesting of arrays and objects (the top level is 1).
        public var maxDepth: Int
        /// Longest allowed string (key or value), in UTF-8 bytes after unescaping.
        public var maxStringBytes: Int

        public init(maxDepth: Int = 64, maxStringBytes: Int = 1 << 20) {
            self.maxDepth = maxDepth
            self.maxStringBytes = maxStringBytes
        }
    }

    public var options: Options

    public init(options: Options = .init()) {
        self.options = options
    }

    /// Parses one JSON value that fills the whole of `bytes`.
    /// - Throws: `JSONParseError` with the position of the first problem.
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buf) throws(JSONParseError) -> JSONValue in
            var reader = JSONReader(buf, options: options)
            return try reader.parseDocument()
        }
    }

    /// Parses with the default options.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try JSONParser().parse(bytes)
    }

    /// Parses a string's UTF-8.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONParser().parse(Array(text.utf8))
    }
}
