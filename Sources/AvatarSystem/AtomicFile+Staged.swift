import Foundation

extension AtomicFile {
    /// A file written and fsynced under a temp name in its directory, not
    /// yet renamed into place: `writeMany` in two halves, so several files
    /// can each be staged on their own thread as soon as they are ready and
    /// then put in place together (or all discarded).
    public struct Staged: Sendable {
        public let temp: String
        public let name: String

        public init(temp: String, name: String) {
            self.temp = temp
            self.name = name
        }
    }

    /// Writes `bytes` to a `.tmp-` name in the directory open as `dirfd` and fsyncs it.
    /// - Throws: `SystemError` from open, write or fsync; the temp file is removed.
    public static func stage(_ bytes: some ContiguousBytes, as name: String, in dirfd: Int32, dirPath: String = "") throws -> Staged {
        let temp = ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
        let file = try Sys.openOwned(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL)
        do {
            try bytes.withUnsafeBytes { try Sys.writeAll(file.raw, $0, path: dirPath + "/" + temp) }
            try Sys.fsync(file.raw, path: dirPath + "/" + temp)
        } catch {
            try? Sys.unlinkat(dirfd, temp)
            throw error
        }
        return Staged(temp: temp, name: name)
    }

    /// Renames every staged file into place, then fsyncs the directory once.
    /// - Throws: `SystemError` from rename or fsync; files not yet renamed are removed.
    public static func commit(_ files: [Staged], in dirfd: Int32, dirPath: String = "") throws {
        var left = files
        defer { discard(left, in: dirfd) }
        while let file = left.first {
            try Sys.renameat(dirfd, file.temp, dirfd, file.name)
            left.removeFirst()
        }
        try Sys.fsync(dirfd, path: dirPath)
    }

    /// Removes staged files that will not be committed.
    public static func discard(_ files: [Staged], in dirfd: Int32) {
        for file in files { try? Sys.unlinkat(dirfd, file.temp) }
    }
}
