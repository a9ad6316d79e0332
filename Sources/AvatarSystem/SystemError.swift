/// A failed system call: which call, on what path, and the errno it set.
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public let call: String
    public let path: String
    public let errno: Int32

    public init(_ call: String, path: String = "", errno: Int32 = Glibc.errno) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    public var message: String { String(cString: strerror(errno)) }

    public var description: String {
        path.isEmpty ? "\(call): \(message)" : "\(call)(\(path)): \(message)"
    }
}
