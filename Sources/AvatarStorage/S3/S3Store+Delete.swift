import AvatarDomain
import AvatarHTTP
import Foundation

extension S3Store {
    /// Every key under `prefix` (ListObjectsV2, page after page).
    /// - Throws: `ProviderError` with S3's code and message.
    public func keys(under prefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = "list-type=2&prefix=" + S3Keys.encodeQueryValue(prefix)
            if let token { query += "&continuation-token=" + S3Keys.encodeQueryValue(token) }
            let response = try await send(signed("GET", bucketURL + "/?" + query), operation: "ListObjectsV2", key: prefix)
            let xml = response.bodyText
            keys += S3XML.texts(of: "Key", in: xml)
            token = S3XML.text(of: "IsTruncated", in: xml) == "true" ? S3XML.text(of: "NextContinuationToken", in: xml) : nil
        } while token != nil
        return keys
    }

    /// Deletes `key` (S3 answers 204 whether or not it existed).
    /// - Throws: `ProviderError` with S3's code and message.
    public func delete(key: String) async throws {
        try S3Keys.validate(key)
        _ = try await send(signed("DELETE", requestURL(for: key)), operation: "DELETE", key: key,
                           accept: { (200..<300).contains($0) || $0 == 404 })
    }

    /// Deletes every object of a task (`{prefix}/task_{id}/…`), for `gc --objects`.
    /// - Returns: the keys deleted.
    public func deleteTask(_ taskID: String, keyPrefix: String) async throws -> [String] {
        let prefix = (keyPrefix.isEmpty ? "" : keyPrefix + "/") + "task_\(taskID)/"
        let keys = try await keys(under: prefix)
        for key in keys { try await delete(key: key) }
        return keys
    }
}
