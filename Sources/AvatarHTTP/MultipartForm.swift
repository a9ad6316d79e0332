import Foundation

/// A multipart/form-data body (RFC 7578), built in memory.
public struct MultipartForm: Sendable {
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var data: [UInt8]
    }

    public let boundary: String
    public private(set) var parts: [Part] = []

    /// - Parameter boundary: fixed in tests; by default random and long enough
    ///   never to occur in the parts.
    public init(boundary: String? = nil) {
        self.boundary = boundary ?? "avatar-spool-" + (0..<24).map { _ in
            String("0123456789abcdefghijklmnopqrstuvwxyz".randomElement()!)
        }.joined()
    }

    /// Adds a text field.
    public mutating func add(name: String, value: String) {
        parts.append(Part(name: name, filename: nil, contentType: nil, data: Array(value.utf8)))
    }

    /// Adds a file part.
    public mutating func add(name: String, filename: String, contentType: String, data: [UInt8]) {
        parts.append(Part(name: name, filename: filename, contentType: contentType, data: data))
    }

    /// The value of the Content-Type header.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The encoded body.
    public var body: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(256) { $0 + $1.data.count + 200 })
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(part.name))\""
            if let filename = part.filename { head += "; filename=\"\(Self.quoted(filename))\"" }
            head += "\r\n"
            if let contentType = part.contentType { head += "Content-Type: \(contentType)\r\n" }
            head += "\r\n"
            out += Array(head.utf8)
            out += part.data
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    /// Escapes a name for a quoted-string parameter (quote, CR and LF percent-encoded, as browsers do).
    static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "%22")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }
}
