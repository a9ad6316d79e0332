import AvatarSystem
import Foundation

/// A real AF_UNIX datagram socket, bound where systemd's notify socket would
/// be (a path, or an abstract "@name"), for the sd_notify tests.
final class DatagramReceiver: @unchecked Sendable {
    // Confinement: `fd` is used by one test at a time and closed in deinit.
    let fd: Int32
    let address: String

    init(address: String) throws {
        self.address = address
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var name = Array(address.utf8)
        let abstract = name.first == UInt8(ascii: "@")
        if abstract { name[0] = 0 }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: name) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + name.count + (abstract ? 0 : 1)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        guard rc == 0 else { throw SystemError("bind", path: address) }
    }

    deinit {
        close(fd)
        if address.hasPrefix("/") { unlink(address) }
    }

    /// The next datagram, or nil after `timeout` seconds.
    func receive(timeout: Double) -> String? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n < 0 ? nil : String(decoding: buffer.prefix(n), as: UTF8.self)
    }

    /// Datagrams until one contains `needle` (returned), or nil after `timeout`.
    func receive(until needle: String, timeout: Double) -> (match: String?, all: [String]) {
        let deadline = Date().addingTimeInterval(timeout)
        var all: [String] = []
        while Date() < deadline {
            guard let m = receive(timeout: max(0.01, deadline.timeIntervalSinceNow)) else { break }
            all.append(m)
            if m.contains(needle) { return (m, all) }
        }
        return (nil, all)
    }
}
