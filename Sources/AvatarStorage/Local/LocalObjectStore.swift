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
        try await putAll([StoredFile(filePath: filePath, key: key, contentType: contentType)])[0]
    }

    /// Publishes several files as `put` does, in one job: the objects of one
    /// folder are each copied and fsynced, renamed into place, then the
    /// folder is fsynced once.
    /// - Throws: as `put`; objects of a folder not yet renamed are removed.
    public func putAll(_ files: [StoredFile]) async throws -> [String] {
        for file in files { try S3Keys.validate(file.key, provider: name) }
        let root = self.root, jobs = files.map { (source: $0.filePath, key: $0.key) }
        do {
            try await pool.run { try Self.publish(jobs, root: root) }
        } catch let error as ProviderError {
            throw error
        } catch let error as SystemError where error.errno == ENOSPC || error.errno == EDQUOT {
            throw error // the disk, not the object: the processor pauses the task
        } catch {
            let what = files.count == 1 ? "\(files[0].filePath) as \(files[0].key)" : "\(files.count) files"
            throw ProviderError(.storage, provider: name, message: "cannot publish \(what) in \(root): \(error)")
        }
        return files.map { publicURL(for: $0.key) }
    }

    /// Publishes each file, folder by folder (in the order first named).
    static func publish(_ files: [(source: String, key: String)], root: String) throws {
        var folders: [[String]] = [], byFolder: [[String]: [(source: String, name: String)]] = [:]
        for (source, key) in files {
            var segments = key.split(separator: "/").map(String.init)
            let name = segments.removeLast()
            if byFolder[segments] == nil { folders.append(segments) }
            byFolder[segments, default: []].append((source, name))
        }
        for segments in folders { try publish(byFolder[segments]!, into: segments, root: root) }
    }

    /// Stages a copy of each file that is not already published with the
    /// same bytes, then renames them all into place and fsyncs the folder once.
    static func publish(_ files: [(source: String, name: String)], into segments: [String], root: String) throws {
        var owned = try openDirectory(AT_FDCWD, root, create: true)
        for segment in segments {
            owned = try openDirectory(owned.raw, segment, create: true, path: root) // the parent closes here
        }
        let dirfd = owned.raw
        let folder = ([root] + segments).joined(separator: "/")
        // A copy cut short by a kill -9 leaves its temp file here; its writer is gone.
        AtomicFile.removeOrphanTemporaries(in: dirfd, path: folder)

        var staged: [AtomicFile.Staged] = []
        do {
            for (source, name) in files {
                if let copy = try stage(source, as: name, in: dirfd, path: folder + "/" + name) { staged.append(copy) }
            }
        } catch {
            AtomicFile.discard(staged, in: dirfd)
            throw error
        }
        guard !staged.isEmpty else { return }
        try AtomicFile.commit(staged, in: dirfd, dirPath: folder)
    }

    /// A fsynced copy of `source` under a temp name beside `name`; nil when
    /// `name` already holds the same bytes in a file of its own.
    static func stage(_ source: String, as name: String, in dirfd: Int32, path: String) throws -> AtomicFile.Staged? {
        let sourceFile = try Sys.openOwned(source, O_RDONLY)
        let src = sourceFile.raw
        let srcStat = try Sys.fstat(src, path: source)
        if let existing = try Sys.lstatat(dirfd, name), (existing.st_mode & S_IFMT) == S_IFREG,
           !(existing.st_dev == srcStat.st_dev && existing.st_ino == srcStat.st_ino),
           existing.st_size == srcStat.st_size {
            let dst = try Sys.openOwned(dirfd, name, O_RDONLY | O_NOFOLLOW)
            if try sameContent(src, dst.raw, size: Int64(srcStat.st_size), path: source) { return nil }
        }
        let temp = ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
        try copy(src, to: temp, in: dirfd, path: path)
        return AtomicFile.Staged(temp: temp, name: name)
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
