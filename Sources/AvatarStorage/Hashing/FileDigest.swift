import AvatarSystem
import Foundation

/// The digests S3 needs for one byte range of a file.
public struct RangeDigest: Sendable, Equatable {
    public var offset: Int64
    public var length: Int64
    public var md5: [UInt8]
    public var sha256: [UInt8]

    /// `Content-MD5`: base64 of the raw MD5.
    public var contentMD5: String { Data(md5).base64EncodedString() }
}

/// Digests of a whole file, and of its parts when it goes up in parts.
public struct FileDigest: Sendable {
    public var size: Int64
    /// SHA-256 of the whole file (hex), stored as `x-amz-meta-sha256`.
    public var sha256Hex: String
    /// MD5 of the whole file (hex): a single-part upload's ETag. Nil for multipart.
    public var md5Hex: String?
    /// One entry per part, in order; a single entry for a single-part upload.
    public var parts: [RangeDigest]

    /// Reads `path` once, in 1 MiB chunks, on `pool` (never on the cooperative
    /// pool), hashing the whole file and each `partSize` range. Memory stays at
    /// one chunk whatever the file size.
    /// - Parameter partSize: nil for a single-part upload.
    /// - Throws: `SystemError` from open, fstat or read.
    public static func compute(path: String, partSize: Int64?, pool: BlockingPool = .shared) async throws -> FileDigest {
        try await pool.run { try compute(path: path, partSize: partSize) }
    }

    static func compute(path: String, partSize: Int64?) throws -> FileDigest {
        let file = try Sys.openOwned(path, O_RDONLY)
        let fd = file.raw
        let size = Int64(try Sys.fstat(fd, path: path).st_size)
        let chunkSize = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }

        var whole = SHA256()
        var wholeMD5: MD5? = partSize == nil ? MD5() : nil
        let partLength = partSize ?? max(size, 1)
        var parts: [RangeDigest] = []
        var partMD5 = MD5(), partSHA = SHA256()
        var partStart: Int64 = 0, partFill: Int64 = 0
        var offset: Int64 = 0

        func closePart() throws {
            parts.append(RangeDigest(offset: partStart, length: partFill,
                                     md5: try partMD5.finalize(), sha256: try partSHA.finalize()))
            partMD5 = MD5()
            partSHA = SHA256()
            partStart += partFill
            partFill = 0
        }

        while offset < size {
            let want = Int(min(Int64(chunkSize), size - offset))
            let n = try Sys.pread(fd, UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), offset: offset, path: path)
            if n == 0 { throw SystemError("read", path: path, errno: EIO) }  // truncated meanwhile
            var chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            whole.update(chunk)
            wholeMD5?.update(chunk)
            // Split the chunk at part boundaries.
            while !chunk.isEmpty {
                let room = Int(min(Int64(chunk.count), partLength - partFill))
                let piece = UnsafeRawBufferPointer(rebasing: chunk[0..<room])
                partMD5.update(piece)
                partSHA.update(piece)
                partFill += Int64(room)
                chunk = UnsafeRawBufferPointer(rebasing: chunk[room...])
                if partFill == partLength { try closePart() }
            }
            offset += Int64(n)
        }
        if partFill > 0 || parts.isEmpty { try closePart() }
        return FileDigest(size: size, sha256Hex: try whole.finalize().hexString,
                          md5Hex: try wholeMD5.map { try $0.finalize().hexString }, parts: parts)
    }
}
