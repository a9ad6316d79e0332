/// Why a document is not acceptable JSON, and where: 1-based line and column
/// (column counts characters, not bytes) and the 0-based byte offset.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let empty = Code(rawValue: "empty")
        public static let encoding = Code(rawValue: "encoding")
        public static let invalidUTF8 = Code(rawValue: "invalid_utf8")
        public static let unexpectedCharacter = Code(rawValue: "unexpected_character")
        public static let unexpectedEnd = Code(rawValue: "unexpected_end")
        public static let trailingData = Code(rawValue: "trailing_data")
        public static let invalidNumber = Code(rawValue: "invalid_number")
        public static let invalidString = Code(rawValue: "invalid_string")
        public static let tooDeep = Code(rawValue: "too_deep")
        public static let tooLong = Code(rawValue: "too_long")
        public static let duplicateKey = Code(rawValue: "duplicate_key")
    }

    public var code: Code
    /// What is wrong, without the position: "unexpected character 'x'".
    public var message: String
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(code: Code, message: String, line: Int, column: Int, offset: Int) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// "unexpected character 'x' at line 3, column 5 (byte 17)".
    public var description: String {
        "\(message) at line \(line), column \(column) (byte \(offset))"
    }
}
