import Foundation

/// Durable whole-file writes: write to a temp name, fsync, rename into place,
/// fsync the directory. A crash or power cut leaves either the old file or the
/// new one, never a torn one. Temp names start with `.tmp-` so scans skip them.
public enum AtomicFile {
    /// Writes `data` as `name` inside the directory open as `dirfd`.
    /// - Throws: `SystemError` from open, write, fsync or rename.
    public static func write(_ data: some ContiguousBytes, to name: String, in dirfd: Int32, dirPath: String = "") throws {
        let temp = try stage(data, as: name, in: dirfd, dirPath: dirPath).temp
        do {
            try Sys.renameat(dirfd, temp, dirfd, name)
        } catch {
            try? Sys.unlinkat(dirfd, temp)
            throw error
        }
        try Sys.fsync(dirfd, path: dirPath)
    }

    /// Writes several files into one directory: each to a temp name and
    /// fsynced, then all renamed, then one fsync of the directory. The same
    /// guarantee per file as `write`, with one directory sync instead of one
    /// per file (step 5 writes four images at once).
    /// - Throws: `SystemError` from open, write, fsync or rename; temp files are removed.
    public static func writeMany(_ files: [(name: String, bytes: [UInt8])], in dirfd: Int32, dirPath: String = "") throws {
        var staged: [Staged] = []
        do {
            for file in files { staged.append(try stage(file.bytes, as: file.name, in: dirfd, dirPath: dirPath)) }
        } catch {
            discard(staged, in: dirfd)
            throw error
        }
        try commit(staged, in: dirfd, dirPath: dirPath)
    }

    /// Writes `data` to `path` (a file in an existing directory).
    public static func write(_ data: some ContiguousBytes, toPath path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let folder = try Sys.openOwned(dir, O_RDONLY | O_DIRECTORY)
        try write(data, to: url.lastPathComponent, in: folder.raw, dirPath: dir)
    }

    /// Removes the `.tmp-<pid>-…` files in the folder `path` (open as `dirfd`)
    /// whose writing process no longer exists on this host: what a kill -9
    /// mid-write leaves where no folder lock guards the writers (the local
    /// object store). A live writer's file is never touched.
    /// - Returns: how many it removed.
    @discardableResult
    public static func removeOrphanTemporaries(in dirfd: Int32, path: String) -> Int {
        var removed = 0
        for name in (try? Sys.listDirectory(path)) ?? [] where name.hasPrefix(".tmp-") {
            let fields = name.dropFirst(5).split(separator: "-", maxSplits: 1)
            guard let pid = fields.first.flatMap({ Int32($0) }), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            if (try? Sys.unlinkat(dirfd, name)) != nil { removed += 1 }
        }
        return removed
    }

    /// Removes the `.tmp-*` files a writer killed mid-write left in the
    /// folder `path` (open as `dirfd`) and its direct subfolders. Call only
    /// while holding the folder's lock, when no live writer can be there.
    /// - Returns: how many it removed.
    @discardableResult
    public static func removeTemporaries(in dirfd: Int32, path: String) -> Int {
        var removed = 0
        for name in (try? Sys.listDirectory(path)) ?? [] {
            if name.hasPrefix(".tmp-") {
                if (try? Sys.unlinkat(dirfd, name, missingOK: false)) != nil { removed += 1 }
            } else if !name.hasPrefix("."),
                      let sub = try? Sys.openOwned(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) {
                for inner in (try? Sys.listDirectory(path + "/" + name)) ?? [] where inner.hasPrefix(".tmp-") {
                    if (try? Sys.unlinkat(sub.raw, inner, missingOK: false)) != nil { removed += 1 }
                }
            }
        }
        return removed
    }

    /// Reads a regular file relative to `dirfd` without following a symlink,
    /// refusing more than `limit` bytes. Returns nil when it does not exist.
    public static func read(_ name: String, in dirfd: Int32, limit: Int = 64 << 20) throws -> [UInt8]? {
        let file: OwnedFD
        do {
            file = try Sys.openOwned(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        } catch let e as SystemError where e.errno == ENOENT {
            return nil
        }
        let st = try Sys.fstat(file.raw, path: name)
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw SystemError("open", path: name, errno: EINVAL) }
        guard Int(st.st_size) <= limit else { throw SystemError("read", path: name, errno: EFBIG) }
        return try Sys.readAll(file.raw, limit: limit, path: name)
    }
}
