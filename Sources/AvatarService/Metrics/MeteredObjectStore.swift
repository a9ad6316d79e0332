import AvatarDomain
import AvatarSystem
import CoreMetrics

/// Counts what goes into the object store (objects and bytes), around any
/// store the composition root picked.
public struct MeteredObjectStore: ObjectStore {
    public let inner: any ObjectStore

    public init(_ inner: any ObjectStore) {
        self.inner = inner
    }

    public var name: String { inner.name }

    public func put(filePath: String, key: String, contentType: String) async throws -> String {
        let url = try await inner.put(filePath: filePath, key: key, contentType: contentType)
        count(filePath)
        return url
    }

    public func putAll(_ files: [StoredFile]) async throws -> [String] {
        let urls = try await inner.putAll(files)
        for file in files { count(file.filePath) }
        return urls
    }

    private func count(_ filePath: String) {
        let size = (try? Sys.lstat(filePath)).map { Int64($0.st_size) } ?? 0
        Counter(label: "avatar_objects_stored_total", dimensions: [("store", inner.name)]).increment()
        Counter(label: "avatar_stored_bytes_total", dimensions: [("store", inner.name)]).increment(by: size)
    }

    public func publicURL(for key: String) -> String { inner.publicURL(for: key) }
}
