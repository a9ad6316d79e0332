import AvatarSystem

/// systemd's notification socket, spoken without libsystemd: one datagram
/// per message to the AF_UNIX address in `$NOTIFY_SOCKET` (a path, or an
/// abstract name written with a leading `@`). See sd_notify(3).
public struct NotifySocket: Sendable {
    /// The address as given (for messages).
    public let address: String

    /// Nil when `NOTIFY_SOCKET` is unset or empty (not started by systemd
    /// with Type=notify): every message is then simply not sent.
    public init?(environment: [String: String]) {
        guard let address = environment["NOTIFY_SOCKET"], !address.isEmpty else { return nil }
        self.address = address
    }

    public init(address: String) {
        self.address = address
    }

    /// Sends `message` ("READY=1\nSTATUS=…") as one datagram. Never blocks:
    /// a full or missing socket drops the message.
    /// - Throws: `SystemError` from socket or sendto; EINVAL for an address
    ///   longer than sockaddr_un allows.
    public func send(_ message: String) throws {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var name = Array(address.utf8)
        let abstract = name.first == UInt8(ascii: "@")
        if abstract { name[0] = 0 }  // abstract namespace: a leading NUL, no terminator
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard name.count < capacity, address.hasPrefix("/") || abstract else {
            throw SystemError("sendto", path: "NOTIFY_SOCKET=\(address)", errno: EINVAL)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: name)
        }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + name.count + (abstract ? 0 : 1)

        let raw = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if raw < 0 { throw SystemError("socket", path: address) }
        let socketFD = OwnedFD(adopting: raw)
        let fd = socketFD.raw
        let bytes = Array(message.utf8)
        while true {
            let sent = bytes.withUnsafeBytes { body in
                withUnsafePointer(to: &addr) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, body.baseAddress, body.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), $0, socklen_t(length))
                    }
                }
            }
            if sent >= 0 { return }
            if errno == EINTR { continue }
            throw SystemError("sendto", path: address)
        }
    }
}
