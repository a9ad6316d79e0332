/// An open file descriptor with exactly one owner, closed when that owner
/// goes away: at the end of the scope that holds it, or when `close()` or
/// `release()` consumes it. Being `~Copyable`, it cannot be closed twice or
/// leaked by a copy; the compiler refuses a use after `close()`.
///
/// Use `raw` for the call at hand only; never keep it past the owner.
/// A descriptor that must outlive a scope belongs to a class whose
/// `deinit` closes it (`TaskFolder`, `ClaimFolder`): call `release()` to
/// hand it over.
public struct OwnedFD: ~Copyable, Sendable {
    /// The descriptor, valid while this owner lives.
    public let raw: Int32

    /// Takes ownership of `raw`, which this value will close.
    public init(adopting raw: Int32) {
        self.raw = raw
    }

    deinit {
        Sys.close(raw)
    }

    /// Closes the descriptor now (before the end of the scope).
    public consuming func close() {}

    /// Gives up ownership without closing: the caller now closes `raw`.
    public consuming func release() -> Int32 {
        let fd = raw
        discard self
        return fd
    }
}

extension Sys {
    /// openat(2) (close-on-exec, EINTR retried), owned.
    /// - Throws: `SystemError` from open.
    public static func openOwned(_ dirfd: Int32, _ path: String, _ flags: Int32, _ mode: mode_t = 0o666) throws -> OwnedFD {
        OwnedFD(adopting: try openat(dirfd, path, flags, mode))
    }

    /// open(2) (close-on-exec, EINTR retried), owned.
    /// - Throws: `SystemError` from open.
    public static func openOwned(_ path: String, _ flags: Int32, _ mode: mode_t = 0o666) throws -> OwnedFD {
        OwnedFD(adopting: try openat(AT_FDCWD, path, flags, mode))
    }

    /// Opens `path`, runs `body` with the descriptor, and closes it however
    /// `body` ends.
    /// - Throws: `SystemError` from open, or what `body` throws.
    public static func withOpen<T>(_ path: String, _ flags: Int32, _ mode: mode_t = 0o666,
                                   _ body: (Int32) throws -> T) throws -> T {
        let fd = try openOwned(path, flags, mode)
        return try body(fd.raw)
    }

    /// `withOpen` relative to a directory descriptor.
    public static func withOpen<T>(at dirfd: Int32, _ path: String, _ flags: Int32, _ mode: mode_t = 0o666,
                                   _ body: (Int32) throws -> T) throws -> T {
        let fd = try openOwned(dirfd, path, flags, mode)
        return try body(fd.raw)
    }
}
