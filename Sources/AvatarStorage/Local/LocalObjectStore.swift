import AvatarDomain
import AvatarSystem
import Foundation

/// The store used when S3 is not configured: objects are published into
/// `<spool>/objects/<key>` and their URLs are `file://` URLs.
///
/// A published object is its own file, never a hard link to the task folder's
/// file: editing the task folder must not change what was published. Where the
/// file system can (btrfs, XFS) the object is a copy-on-write clone (FICLONE,
/// free), elsewhere a copy; either way written to a temp name, fsynced and
/// renamed into place. Publishing the same bytes again is a no-op, except that
/// an object still sharing its inode with the source (published by a version
/// that linked) is replaced by a copy.
/// Keys are checked (`S3Keys.validate`) and every folder is opened with
/// `O_NOFOLLOW`, so nothing is written outside `objects/`.
public struct LocalObjectStore: ObjectStore {
    public var name: String { "local" }
    /// Absolute path of the objects folder.
    public let root: String
    let pool: BlockingPool

    /// - Parameter spoolPath: the spool; objects go to `<spoolPath>/objects`.
    public init(spoolPath: String, pool: BlockingPool = .shared) {
        let absolute = URL(fileURLWithPath: spoolPath).standardizedFileURL.path
        self.root = (absolute.hasSuffix("/") ? String(absolute.dropLast()) : absolute) + "/objects"
        self.pool = pool
    }

    /// `file://<absolute spool path>/objects/<key>`, percent-encoded.
    public func publicURL(for key: String) -> String {
        "file://" + S3Keys.encode(root + "/" + key)
    }

    /// The path `key` is published at.
    public func path(for key: String) -> String { root + "/" + key }

    /// Publishes `filePath` as `key` (see the type's comment).
    /// - Throws: `ProviderError` (`.storage`, provider "local") for a bad key or
    ///   a failed link, copy, fsync or rename.
    public func put(filePath: String, key: String, contentType: String) async throws -> String {
        try S3Keys.validate(key, provider: name)
        let root = self.root
        do {
            try await pool.run { try Self.publish(filePath, key: key, root: root) }
        } catch let error as ProviderError {
            throw error
        } catch let error as SystemError where error.errno == ENOSPC || error.errno == EDQUOT {
            throw error // the disk, not the object: the processor pauses the task
        } catch {
            throw ProviderError(.storage, provider: name, message: "cannot publish \(filePath) as \(key) in \(root): \(error)")
        }
        return publicURL(for: key)
    }

    static func publish(_ source: String, key: String, root: String) throws {
        var segments = key.split(separator: "/").map(String.init)
        let file = segments.removeLast()
        var folder = try openDirectory(AT_FDCWD, root, create: true)
        for segment in segments {
            folder = try openDirectory(folder.raw, segment, create: true, path: root) // the parent closes here
        }
        let dirfd = folder.raw
        // A copy cut short by a kill -9 leaves its temp file here; its writer is gone.
        AtomicFile.removeOrphanTemporaries(in: dirfd, path: ([root] + segments).joined(separator: "/"))

        let sourceFile = try Sys.openOwned(source, O_RDONLY)
        let src = sourceFile.raw
        let srcStat = try Sys.fstat(src, path: source)
        if let existing = try Sys.lstatat(dirfd, file), (existing.st_mode & S_IFMT) == S_IFREG,
           !(existing.st_dev == srcStat.st_dev && existing.st_ino == srcStat.st_ino),
           existing.st_size == srcStat.st_size {
            let dst = try Sys.openOwned(dirfd, file, O_RDONLY | O_NOFOLLOW)
            if try sameContent(src, dst.raw, size: Int64(srcStat.st_size), path: source) { return }
        }

        let temp = ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(file)"
        try copy(src, to: temp, in: dirfd, path: "\(root)/\(key)")
        do {
            try Sys.renameat(dirfd, temp, dirfd, file)
        } catch {
            try? Sys.unlinkat(dirfd, temp)
            throw error
        }
        try Sys.fsync(dirfd, path: root)
    }

    /// Opens (creating if asked) a folder below `dirfd`, refusing symlinks.
    static func openDirectory(_ dirfd: Int32, _ name: String, create: Bool, path: String = "") throws -> OwnedFD {
        do {
            return try Sys.openOwned(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        } catch let e as SystemError where e.errno == ENOENT && create {
            if dirfd == AT_FDCWD {
                try FileManager.default.createDirectory(atPath: name, withIntermediateDirectories: true)
            } else {
                do { try Sys.mkdirat(dirfd, name) } catch let e as SystemError where e.errno == EEXIST {}
            }
            return try Sys.openOwned(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        }
    }

    /// Writes `src` into a new file `temp`: a clone where the file system can, else a copy.
    static func copy(_ src: Int32, to temp: String, in dirfd: Int32, path: String) throws {
        let file = try Sys.openOwned(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL, 0o666) // the umask decides, as for every file
        let dst = file.raw
        do {
            if try !Sys.clone(dst, from: src, path: path) {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
                defer { buffer.deallocate() }
                var offset: Int64 = 0
                while true {
                    let n = try Sys.pread(src, buffer, offset: offset, path: path)
                    if n == 0 { break }
                    try Sys.writeAll(dst, UnsafeRawBufferPointer(rebasing: buffer[0..<n]), path: path)
                    offset += Int64(n)
                }
            }
            try Sys.fsync(dst, path: path)
        } catch {
            try? Sys.unlinkat(dirfd, temp)
            throw error
        }
    }

    static func sameContent(_ a: Int32, _ b: Int32, size: Int64, path: String) throws -> Bool {
        let chunk = 256 << 10
        let x = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        let y = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { x.deallocate(); y.deallocate() }
        var offset: Int64 = 0
        while offset < size {
            let want = Int(min(Int64(chunk), size - offset))
            let n = try Sys.pread(a, UnsafeMutableRawBufferPointer(rebasing: x[0..<want]), offset: offset, path: path)
            let m = try Sys.pread(b, UnsafeMutableRawBufferPointer(rebasing: y[0..<want]), offset: offset, path: path)
            if n != m || n == 0 { return false }
            if memcmp(x.baseAddress!, y.baseAddress!, n) != 0 { return false }
            offset += Int64(n)
        }
        return true
    }
}
