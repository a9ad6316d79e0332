import AvatarDomain
import AvatarHTTP

/// What a HEAD says about a stored object, for `verify`.
public struct StoredObject: Sendable, Equatable {
    public var size: Int64?
    /// Without quotes. A single-part upload's ETag is the MD5 of the bytes;
    /// a multipart one ends in "-<parts>".
    public var etag: String?
    /// `x-amz-meta-sha256`, written by every upload of this store.
    public var sha256: String?
}

extension S3Store {
    /// HEADs `key`. - Returns: nil when there is no such object (404).
    /// - Throws: `ProviderError` for any other refusal (403 names the keys to check).
    public func head(key: String) async throws -> StoredObject? {
        try S3Keys.validate(key)
        let response = try await send(signed("HEAD", requestURL(for: key)), operation: "HEAD", key: key,
                                      accept: { $0 == 200 || $0 == 404 })
        guard response.status == 200 else { return nil }
        return StoredObject(size: response.headers["content-length"].flatMap { Int64($0) },
                            etag: response.headers["etag"].map { $0.replacingAll("\"", "") },
                            sha256: response.headers["x-amz-meta-sha256"])
    }
}
