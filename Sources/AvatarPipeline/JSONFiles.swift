import AvatarSystem
import AvatarDomain
import Foundation

/// Codable values as the files of a task folder: pretty, sorted keys, a
/// final newline, so diffs and `cat` read well.
enum JSONFiles {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try JSONCoding.fileBytes(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }

    /// - Throws: `UnreadableFile` naming `path` when the bytes do not decode.
    static func read<T: Decodable>(_ type: T.Type, _ path: String, in ws: TaskWorkspace) async throws -> T? {
        guard let bytes = try await ws.read(path) else { return nil }
        do {
            return try decode(type, bytes)
        } catch {
            throw UnreadableFile(path: path, error: error)
        }
    }

    static func write<T: Encodable>(_ value: T, _ path: String, in ws: TaskWorkspace) async throws {
        try await ws.write(path, try encode(value))
    }
}
