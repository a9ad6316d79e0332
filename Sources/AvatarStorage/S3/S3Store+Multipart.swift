import AvatarDomain
import AvatarHTTP
import Foundation

extension S3Store {
    /// CreateMultipartUpload, UploadPart (at most `partConcurrency` in flight,
    /// each streamed from its file range with its own Content-MD5 and SHA-256),
    /// CompleteMultipartUpload; AbortMultipartUpload when anything fails, so no
    /// orphaned parts are left to be billed.
    func uploadMultipart(filePath: String, key: String, contentType: String, digest: FileDigest) async throws {
        let create = try await send(signed("POST", requestURL(for: key, query: "uploads="), headers: [
            ("Content-Type", contentType),
            ("x-amz-meta-sha256", digest.sha256Hex),
        ], body: .bytes([])), operation: "CreateMultipartUpload", key: key)
        guard let uploadID = S3XML.text(of: "UploadId", in: create.bodyText), !uploadID.isEmpty else {
            throw ProviderError(.badResponse, provider: name, status: create.status,
                                message: "CreateMultipartUpload \(settings.bucket)/\(key): no UploadId in the answer")
        }
        do {
            let etags = try await uploadParts(filePath: filePath, key: key, uploadID: uploadID, parts: digest.parts)
            try await complete(key: key, uploadID: uploadID, etags: etags)
        } catch {
            await abort(key: key, uploadID: uploadID)
            throw error
        }
    }

    /// Uploads every part, bounded parallelism; returns the ETags in part order.
    private func uploadParts(filePath: String, key: String, uploadID: String, parts: [RangeDigest]) async throws -> [String] {
        let id = S3Keys.encodeQueryValue(uploadID)
        return try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var etags = [String](repeating: "", count: parts.count)
            var next = 0
            func start() {
                let index = next
                let part = parts[index]
                next += 1
                // partNumber sorts before uploadId: the query is already canonical.
                let request = signed("PUT", requestURL(for: key, query: "partNumber=\(index + 1)&uploadId=\(id)"), headers: [
                    ("Content-MD5", part.contentMD5),
                    ("x-amz-content-sha256", part.sha256.hexString),
                ], body: .file(path: filePath, offset: part.offset, length: part.length), bytes: part.length)
                group.addTask {
                    let response = try await send(request, operation: "UploadPart \(index + 1)/\(parts.count)", key: key)
                    guard let etag = response.headers["etag"], !etag.isEmpty else {
                        throw ProviderError(.badResponse, provider: name, status: response.status,
                                            message: "UploadPart \(index + 1) \(settings.bucket)/\(key): no ETag in the answer")
                    }
                    return (index, etag)
                }
            }
            while next < min(parts.count, settings.partConcurrency) { start() }
            while let (index, etag) = try await group.next() {
                etags[index] = etag
                if next < parts.count { start() }
            }
            return etags
        }
    }

    private func complete(key: String, uploadID: String, etags: [String]) async throws {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (i, etag) in etags.enumerated() {
            let quoted = etag.hasPrefix("\"") ? etag : "\"\(etag)\""
            xml += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\(S3XML.escape(quoted))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        let (md5, sha256) = try (MD5.hash(body), SHA256.hash(body))
        _ = try await send(signed("POST", requestURL(for: key, query: "uploadId=\(S3Keys.encodeQueryValue(uploadID))"), headers: [
            ("Content-Type", "application/xml"),
            ("Content-MD5", Data(md5).base64EncodedString()),
            ("x-amz-content-sha256", sha256.hexString),
        ], body: .bytes(body)), operation: "CompleteMultipartUpload", key: key)
    }

    /// Best effort, and not cancelled with the upload it cleans up after.
    private func abort(key: String, uploadID: String) async {
        let request = signed("DELETE", requestURL(for: key, query: "uploadId=\(S3Keys.encodeQueryValue(uploadID))"))
        let store = self
        let result = await Task.detached {
            do {
                _ = try await store.send(request, operation: "AbortMultipartUpload", key: key, accept: { $0 < 300 || $0 == 404 })
                return nil as String?
            } catch {
                return "\(error)"
            }
        }.value
        if let result {
            logger.warning("S3 AbortMultipartUpload failed; parts may remain until the bucket's lifecycle removes them",
                           metadata: ["key": "\(key)", "error": "\(result)"])
        }
    }
}
