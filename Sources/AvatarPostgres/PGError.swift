/// A libpq failure: what we tried, PostgreSQL's SQLSTATE (empty when the
/// connection itself failed) and the server's or libpq's message.
public struct PGError: Error, CustomStringConvertible, Sendable {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The connection could not be made or was lost.
        public static let connection = Code(rawValue: "connection")
        /// The server refused a statement (see `sqlstate`).
        public static let query = Code(rawValue: "query")
    }

    public var code: Code
    public var sqlstate: String
    /// libpq's message (never contains the password; hosts and users may appear).
    public var message: String
    /// What was being done: "connect", "migrate", "sync task x"…
    public var context: String

    public init(_ code: Code, sqlstate: String = "", message: String, context: String) {
        self.code = code
        self.sqlstate = sqlstate
        self.message = message
        self.context = context
    }

    /// libpq's messages span lines ("…failed: Connection refused\n\tIs the
    /// server running…"): one line for a log or a status line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    public var description: String {
        "PostgreSQL \(context): \(message)" + (sqlstate.isEmpty ? "" : " (SQLSTATE \(sqlstate))")
    }
}
