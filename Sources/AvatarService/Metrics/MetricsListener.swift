import AvatarSystem
import Foundation
import Logging

/// AVATAR_METRICS_LISTEN: a minimal HTTP/1.0 server answering `GET /metrics`
/// with the exposition (404 elsewhere), one connection at a time on its own
/// thread. Meant for a loopback or private address that Prometheus scrapes;
/// requests are read with a time-out and a size limit.
public final class MetricsListener: @unchecked Sendable {
    // Confinement: `fd` is set in init and only closed by `stop()`; the
    // accept loop runs on its own thread and only reads it.
    private let fd: Int32
    private let body: @Sendable () -> String
    private let logger: Logger
    /// The port bound (useful with port 0).
    public let port: UInt16
    private let stopped = Answered()

    /// Binds and listens.
    /// - Throws: `SystemError` from getaddrinfo, socket, bind or listen.
    public init(host: String, port: UInt16, logger: Logger, body: @escaping @Sendable () -> String) throws {
        self.body = body
        self.logger = logger
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let ai = info else {
            throw SystemError("getaddrinfo", path: "\(host):\(port)", errno: EINVAL)
        }
        defer { freeaddrinfo(info) }
        let raw = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw SystemError("socket", path: "\(host):\(port)") }
        let socketFD = OwnedFD(adopting: raw) // closed if bind or listen fails
        let fd = socketFD.raw
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 else {
            throw SystemError("bind", path: "\(host):\(port)")
        }
        guard listen(fd, 16) == 0 else {
            throw SystemError("listen", path: "\(host):\(port)")
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let rawPort: UInt16 = withUnsafeBytes(of: &bound) { raw in
            // sin_port and sin6_port sit at the same offset, in network order.
            raw.load(fromByteOffset: 2, as: UInt16.self)
        }
        self.port = UInt16(bigEndian: rawPort)
        self.fd = socketFD.release() // this listener owns it now: `stop` closes it
        let thread = Thread { [self] in self.acceptLoop() }
        thread.name = "avatar-metrics"
        thread.start()
    }

    public func stop() {
        stopped.set()
        shutdown(fd, Int32(SHUT_RDWR))
        Sys.close(fd)
    }

    private func acceptLoop() {
        while !stopped.isSet {
            let raw = accept(fd, nil, nil)
            if raw < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if !stopped.isSet { logger.error("metrics listener: \(SystemError("accept"))") }
                return
            }
            let client = OwnedFD(adopting: raw)
            _ = fcntl(client.raw, F_SETFD, FD_CLOEXEC)
            serve(client.raw)
        }
    }

    private func serve(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16 << 10 {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            request += buffer.prefix(n)
            if request.count >= 4, request.suffix(from: max(0, request.count - n - 3)).containsHeaderEnd { break }
        }
        let firstLine = String(decoding: request.prefix { $0 != 0x0d && $0 != 0x0a }, as: UTF8.self)
        let parts = firstLine.split(separator: " ")
        let response: String
        if parts.count >= 2, parts[0] == "GET" || parts[0] == "HEAD",
           parts[1] == "/metrics" || parts[1].hasPrefix("/metrics?") {
            let text = body()
            let head = "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n"
            response = parts[0] == "HEAD" ? head : head + text
        } else {
            let text = "not found: metrics are at /metrics\n"
            response = "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n" + text
        }
        let bytes = Array(response.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { if errno == EINTR { continue }; break }
            sent += n
        }
    }
}

extension ArraySlice where Element == UInt8 {
    /// Whether the bytes hold "\r\n\r\n" or "\n\n" (the end of the request head).
    var containsHeaderEnd: Bool {
        let a = Array(self)
        guard a.count >= 2 else { return false }
        for i in 0..<(a.count - 1) {
            if a[i] == 0x0a && a[i + 1] == 0x0a { return true }
            if i + 3 < a.count && a[i] == 0x0d && a[i + 1] == 0x0a && a[i + 2] == 0x0d && a[i + 3] == 0x0a { return true }
        }
        return false
    }
}
