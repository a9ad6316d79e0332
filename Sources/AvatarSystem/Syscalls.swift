import Foundation
import CSyscalls

/// Thin wrappers over system calls: each retries EINTR and throws a
/// `SystemError` naming the call and the path.
public enum Sys {
    /// Runs `body` until it stops failing with EINTR.
    @inline(__always)
    static func retrying(_ body: () -> Int32) -> Int32 {
        while true {
            let r = body()
            if r == -1 && errno == EINTR { continue }
            return r
        }
    }

    public static func openat(_ dirfd: Int32, _ path: String, _ flags: Int32, _ mode: mode_t = 0o666) throws -> Int32 {
        let fd = retrying { Glibc.openat(dirfd, path, flags | O_CLOEXEC, mode) }
        if fd < 0 { throw SystemError("open", path: path) }
        return fd
    }

    public static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0o666) throws -> Int32 {
        try openat(AT_FDCWD, path, flags, mode)
    }

    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    public static func fsync(_ fd: Int32, path: String = "") throws {
        if retrying({ Glibc.fsync(fd) }) != 0 { throw SystemError("fsync", path: path) }
    }

    public static func fstat(_ fd: Int32, path: String = "") throws -> stat {
        var st = stat()
        if Glibc.fstat(fd, &st) != 0 { throw SystemError("fstat", path: path) }
        return st
    }

    /// lstat relative to a directory; nil when the entry does not exist.
    public static func lstatat(_ dirfd: Int32, _ path: String) throws -> stat? {
        var st = stat()
        if Glibc.fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0 {
            if errno == ENOENT { return nil }
            throw SystemError("fstatat", path: path)
        }
        return st
    }

    /// lstat(2) of a path; nil when the entry does not exist.
    public static func lstat(_ path: String) throws -> stat? {
        try lstatat(AT_FDCWD, path)
    }

    /// stat(2) of a path, following symlinks; nil when nothing is there.
    public static func statFollowingLinks(_ path: String) throws -> stat? {
        var st = stat()
        if stat(path, &st) != 0 {
            if errno == ENOENT { return nil }
            throw SystemError("stat", path: path)
        }
        return st
    }

    /// umask(2). - Returns: the previous mask.
    @discardableResult
    public static func umask(_ mask: mode_t) -> mode_t {
        Glibc.umask(mask)
    }

    public static func mkdirat(_ dirfd: Int32, _ path: String, _ mode: mode_t = 0o777) throws {
        if Glibc.mkdirat(dirfd, path, mode) != 0 { throw SystemError("mkdir", path: path) }
    }

    /// Test switch AVATAR_TEST_NO_FLOCK=1: every folder lock (`tryLock`) is
    /// granted, as a flock that NFS keeps local to each host would be; only
    /// leases (AVATAR_LEASES=postgres) then keep two hosts off one task.
    public static let flockDisabled = ProcessInfo.processInfo.environment["AVATAR_TEST_NO_FLOCK"] == "1"

    /// Test switch, documented in the README: `AVATAR_TEST_NO_RENAME_NOREPLACE=1`
    /// makes every renameat2(RENAME_NOREPLACE) fail with EINVAL, as it does
    /// on NFS, so the fallbacks below run on a local disk.

    public static let renameNoReplaceDisabled = ProcessInfo.processInfo.environment["AVATAR_TEST_NO_RENAME_NOREPLACE"] == "1"

    /// renameat2(RENAME_NOREPLACE); nil when it worked, else its errno
    /// (EINVAL under the test switch).
    private static func noReplaceError(_ olddirfd: Int32, _ old: String, _ newdirfd: Int32, _ new: String) -> Int32? {
        if renameNoReplaceDisabled { return EINVAL }
        return retrying({ cs_rename_noreplace(olddirfd, old, newdirfd, new) }) == 0 ? nil : errno
    }

    /// Renames without ever replacing the target: renameat2(RENAME_NOREPLACE).
    /// Where the file system lacks the flag (NFS: EINVAL): a file is linked
    /// (link(2) never replaces) and its old name unlinked; a folder is
    /// renamed after checking the target is absent (rename(2) refuses a
    /// non-empty one). For sources only this process moves (its temp files,
    /// its claim and task folders); a source others race for goes through
    /// `renameIntoOwnFolder`.
    /// - Throws: `SystemError` with EEXIST when the target exists, ENOENT when
    ///   the source is gone.
    public static func renameNoReplace(_ olddirfd: Int32, _ old: String, _ newdirfd: Int32, _ new: String) throws {
        guard let err = noReplaceError(olddirfd, old, newdirfd, new) else { return }
        guard err == EINVAL || err == ENOSYS else { throw SystemError("renameat2", path: "\(old) -> \(new)", errno: err) }
        try renameNoReplaceWithoutFlag(olddirfd, old, newdirfd, new)
    }

    /// `renameNoReplace`'s fallback where RENAME_NOREPLACE is missing (public for its tests).
    public static func renameNoReplaceWithoutFlag(_ olddirfd: Int32, _ old: String, _ newdirfd: Int32, _ new: String) throws {
        guard let st = try lstatat(olddirfd, old) else { throw SystemError("rename", path: "\(old) -> \(new)", errno: ENOENT) }
        if (st.st_mode & S_IFMT) != S_IFDIR {
            if Glibc.linkat(olddirfd, old, newdirfd, new, 0) != 0 { throw SystemError("link", path: "\(old) -> \(new)") }
            // ENOENT: the reply of an unlink that happened was lost (NFS); the source is ours alone.
            if Glibc.unlinkat(olddirfd, old, 0) != 0 && errno != ENOENT { throw SystemError("unlink", path: old) }
            return
        }
        if try lstatat(newdirfd, new) != nil { throw SystemError("rename", path: "\(old) -> \(new)", errno: EEXIST) }
        if retrying({ Glibc.renameat(olddirfd, old, newdirfd, new) }) != 0 {
            let e = errno
            if e == ENOTEMPTY || e == EEXIST { throw SystemError("rename", path: "\(old) -> \(new)", errno: EEXIST) }
            // NFS: a retransmitted rename whose first reply was lost answers ENOENT though it happened.
            if e == ENOENT, try lstatat(olddirfd, old) == nil, try lstatat(newdirfd, new) != nil { return }
            throw SystemError("rename", path: "\(old) -> \(new)", errno: e)
        }
    }

    /// Takes an entry several processes may race for (a file in pending/)
    /// into `new`, a name inside a folder that is this process's alone (a
    /// fresh claim folder): exactly one taker wins, the others get ENOENT.
    /// renameat2(RENAME_NOREPLACE) where it works; on NFS (EINVAL) a plain
    /// rename, which replaces nothing since the folder is ours, and which
    /// only one taker can win because the source name exists once. A
    /// rename whose reply was lost (ENOENT though it happened) is recognised
    /// by the entry now in our folder. (link+unlink would not do here: two
    /// takers can both link before either unlinks.)
    /// - Throws: `SystemError` with ENOENT when another process took it.
    public static func renameIntoOwnFolder(_ olddirfd: Int32, _ old: String, _ newdirfd: Int32, _ new: String) throws {
        guard let err = noReplaceError(olddirfd, old, newdirfd, new) else { return }
        guard err == EINVAL || err == ENOSYS else { throw SystemError("renameat2", path: "\(old) -> \(new)", errno: err) }
        try renameIntoOwnFolderWithoutFlag(olddirfd, old, newdirfd, new)
    }

    /// `renameIntoOwnFolder`'s fallback where RENAME_NOREPLACE is missing (public for its tests).
    public static func renameIntoOwnFolderWithoutFlag(_ olddirfd: Int32, _ old: String, _ newdirfd: Int32, _ new: String) throws {
        if retrying({ Glibc.renameat(olddirfd, old, newdirfd, new) }) == 0 { return }
        let e = errno
        if e == ENOENT, try lstatat(newdirfd, new) != nil { return }
        throw SystemError("rename", path: "\(old) -> \(new)", errno: e)
    }

    /// rename(2) relative to directories; replaces the target.
    public static func renameat(_ olddirfd: Int32, _ old: String, _ newdirfd: Int32, _ new: String) throws {
        if retrying({ Glibc.renameat(olddirfd, old, newdirfd, new) }) != 0 {
            throw SystemError("rename", path: "\(old) -> \(new)")
        }
    }

    /// unlinkat(2) (rmdir with `directory`). A missing entry is fine unless
    /// `missingOK` is false (then ENOENT is thrown: someone else removed it).
    public static func unlinkat(_ dirfd: Int32, _ path: String, directory: Bool = false, missingOK: Bool = true) throws {
        if Glibc.unlinkat(dirfd, path, directory ? AT_REMOVEDIR : 0) != 0 {
            if errno == ENOENT && missingOK { return }
            throw SystemError(directory ? "rmdir" : "unlink", path: path)
        }
    }

    /// inotify_init1(2), non-blocking and close-on-exec.
    public static func inotifyInit() throws -> Int32 {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        if fd < 0 { throw SystemError("inotify_init1") }
        return fd
    }

    /// poll(2) on one fd for `events`. - Returns: true when it is ready
    /// (false on time-out or EINTR, both "look again").
    public static func poll(_ fd: Int32, events: Int16, timeoutMS: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: events, revents: 0)
        return Glibc.poll(&pfd, 1, timeoutMS) > 0
    }

    /// read(2) into `buffer`. - Returns: bytes read; 0 when a non-blocking
    /// fd has nothing (EAGAIN) or the call was interrupted.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String = "") throws -> Int {
        let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
        if n >= 0 { return n }
        if errno == EAGAIN || errno == EINTR { return 0 }
        throw SystemError("read", path: path)
    }

    /// Makes `dstfd` a copy-on-write clone of `srcfd` (FICLONE).
    /// - Returns: false where the file system cannot clone (the caller copies).
    /// - Throws: `SystemError` for any other failure (ENOSPC, EIO).
    public static func clone(_ dstfd: Int32, from srcfd: Int32, path: String = "") throws -> Bool {
        if retrying({ cs_ficlone(dstfd, srcfd) }) == 0 { return true }
        let err = errno
        if [EOPNOTSUPP, ENOTSUP, EXDEV, EINVAL, ENOTTY, EBADF, EPERM].contains(err) { return false }
        throw SystemError("ioctl(FICLONE)", path: path, errno: err)
    }

    /// pread(2), retrying EINTR. - Returns: bytes read (0 at the end).
    public static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String = "") throws -> Int {
        while true {
            let n = Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SystemError("pread", path: path)
        }
    }

    /// realpath(3): `path` with every symlink, `.` and `..` resolved; nil when
    /// some part of it does not exist or cannot be searched.
    public static func realpath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// inotify_add_watch(2). - Returns: the watch descriptor.
    public static func inotifyAddWatch(_ fd: Int32, _ path: String, _ mask: UInt32) throws -> Int32 {
        let wd = inotify_add_watch(fd, path, mask)
        if wd < 0 { throw SystemError("inotify_add_watch", path: path) }
        return wd
    }

    /// Takes an exclusive flock without waiting. Returns false when another
    /// process holds it.
    public static func tryLock(_ fd: Int32, path: String = "") throws -> Bool {
        if flockDisabled { return true }
        if retrying({ cs_flock(fd, LOCK_EX | LOCK_NB) }) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw SystemError("flock", path: path)
    }

    /// Takes an exclusive flock, waiting for it (call it on the blocking pool).
    public static func lock(_ fd: Int32, path: String = "") throws {
        if retrying({ cs_flock(fd, LOCK_EX) }) != 0 { throw SystemError("flock", path: path) }
    }

    /// Reads the whole of an open file, refusing more than `limit` bytes.
    public static func readAll(_ fd: Int32, limit: Int, path: String = "") throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { buf in
                Glibc.read(fd, buf.baseAddress, buf.count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", path: path)
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw SystemError("read", path: path, errno: EFBIG) }
        }
    }

    /// Reads until `buffer` is full or the file ends, retrying EINTR.
    /// - Returns: bytes read (less than the buffer's size at the end of the file).
    /// - Throws: `SystemError` from read.
    public static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String = "") throws -> Int {
        var count = 0
        while count < buffer.count {
            let n = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", path: path)
            }
            if n == 0 { break }
            count += n
        }
        return count
    }

    /// Writes all of `bytes`, looping over short writes.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String = "") throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", path: path)
            }
            offset += n
        }
    }

    /// Names in a directory (without "." and ".."), unsorted.
    public static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw SystemError("opendir", path: path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
