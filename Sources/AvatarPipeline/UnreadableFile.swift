import Foundation

/// A checkpoint file of a task folder that is there but does not decode
/// (edited or damaged by hand). Names the file; `retry` moves such files
/// aside so their step runs again.
public struct UnreadableFile: Error, CustomStringConvertible, Sendable {
    /// Relative to the task folder: "persona_3/persona.json".
    public var path: String
    public var reason: String

    public init(path: String, error: Error) {
        self.path = path
        self.reason = Self.brief(error)
    }

    public var description: String { "\(path) cannot be read (\(reason))" }

    /// A decoding error in one line: what is wrong and at which field.
    public static func brief(_ error: Error) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error as? DecodingError {
        case .dataCorrupted(let c)?: return "not valid JSON: \(c.debugDescription)\(at(c))"
        case .keyNotFound(let key, let c)?: return "the field \(key.stringValue) is missing\(at(c))"
        case .typeMismatch(let type, let c)?: return "expected \(type)\(at(c))"
        case .valueNotFound(let type, let c)?: return "expected \(type), found null\(at(c))"
        default: return "\(error)"
        }
    }
}
