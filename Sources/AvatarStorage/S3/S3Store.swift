import AvatarConfig
import AvatarDomain
import AvatarHTTP
import AvatarSystem
import Logging

/// Publishes files to an S3-compatible store (AWS, SeaweedFS, MinIO …).
///
/// Every request is signed with AWS Signature Version 4 by libcurl
/// (`CURLOPT_AWS_SIGV4`, through `HTTPRequest.awsSigV4`), with these libcurl
/// 7.88 pitfalls designed around:
/// - the provider string is always `aws:amz:REGION:s3` (it otherwise guesses
///   region and service from the host name, and fails on `localhost`);
/// - `x-amz-content-sha256` carries the body's real SHA-256, which libcurl then
///   signs (for a body read from a callback it would sign the empty body's hash);
/// - paths are percent-encoded here (`S3Keys.encode`) and query strings written
///   sorted, with `uploads=` (libcurl canonicalises neither);
/// - no empty `Expect:` (nor any other empty "remove this header" line): 7.88
///   lists such a header in SignedHeaders without sending it, and every request
///   fails with SignatureDoesNotMatch (`CurlHTTPClient` adds none to signed
///   requests). libcurl's own `Expect: 100-continue` costs one round trip,
///   answered at once by S3 and SeaweedFS.
/// The transport sets `CURLOPT_INFILESIZE_LARGE` from the `.file` body's
/// length, so uploads are never chunked (S3 answers 411).
public struct S3Store: ObjectStore {
    public var name: String { "s3" }
    public let settings: S3Settings
    /// Retries with backoff and jitter: the HTTP layer's policy.
    public var retry: RetryPolicy
    let transport: any HTTPTransport
    let logger: Logger
    let pool: BlockingPool

    /// - Parameters:
    ///   - transport: sends one attempt; retries happen here, per `retry`.
    ///   - pool: where files are read and hashed, off the cooperative pool.
    public init(settings: S3Settings, transport: any HTTPTransport, retry: RetryPolicy = S3Store.defaultRetry,
                logger: Logger = Logger(label: "avatar-spool.s3"), pool: BlockingPool = .shared) {
        self.settings = settings
        self.transport = transport
        self.retry = retry
        self.logger = logger
        self.pool = pool
    }

    /// `{S3_PUBLIC_URL or S3_ENDPOINT/S3_BUCKET_NAME}/{key}`, credentials in
    /// the base masked: a public URL is stored (urls.json, result.json, the index).
    public func publicURL(for key: String) -> String {
        Settings.maskURL(settings.publicURL ?? "\(settings.endpoint)/\(settings.bucket)") + "/" + S3Keys.encode(key)
    }

    /// The URL requests for `key` go to: path style `{endpoint}/{bucket}/{key}`,
    /// virtual-hosted style `{scheme}://{bucket}.{host}/{key}`.
    public func requestURL(for key: String, query: String? = nil) -> String {
        bucketURL + "/" + S3Keys.encode(key) + (query.map { "?" + $0 } ?? "")
    }

    /// The bucket's own URL, without a trailing slash.
    var bucketURL: String {
        switch settings.addressing {
        case .path:
            return "\(settings.endpoint)/\(settings.bucket)"
        case .virtual:
            guard let r = settings.endpoint.range(of: "://") else { return "\(settings.endpoint)/\(settings.bucket)" }
            return settings.endpoint[..<r.upperBound] + settings.bucket + "." + settings.endpoint[r.upperBound...]
        }
    }

    /// What an upload did.
    public struct Upload: Sendable, Equatable {
        public var url: String
        /// The object was already there with the same content; nothing was sent.
        public var skipped: Bool
        /// 1 for a single PUT, else the number of multipart parts.
        public var parts: Int
        public var bytes: Int64
    }

    /// Stores the file at `filePath` under `key` and returns its public URL.
    public func put(filePath: String, key: String, contentType: String) async throws -> String {
        try await upload(filePath: filePath, key: key, contentType: contentType).url
    }

    /// Uploads `filePath` to `key` unless an object with the same content is
    /// already there (single-part ETag equal to the file's MD5, or the same size
    /// and `x-amz-meta-sha256`). Files above `S3_MULTIPART_THRESHOLD` go up in
    /// parallel parts. The body is streamed from the file.
    /// - Throws: `ProviderError`: `.storage` with S3's code and message for an
    ///   HTTP error (at once for 4xx; after the retries for 5xx/SlowDown),
    ///   `.transport`/`.timeout` when the store did not answer after the
    ///   retries, `.storage` for an unreadable file.
    public func upload(filePath: String, key: String, contentType: String) async throws -> Upload {
        try S3Keys.validate(key)
        let size: Int64
        do {
            size = try await pool.run {
                try Sys.withOpen(filePath, O_RDONLY) { Int64(try Sys.fstat($0, path: filePath).st_size) }
            }
        } catch {
            throw ProviderError(.storage, provider: name, message: "cannot read \(filePath) for upload to \(key): \(error)")
        }
        let multipart = size > settings.multipartThreshold
        let digest: FileDigest
        do {
            digest = try await FileDigest.compute(path: filePath, partSize: multipart ? partSize(for: size) : nil, pool: pool)
        } catch {
            throw ProviderError(.storage, provider: name, message: "cannot read \(filePath) for upload to \(key): \(error)")
        }
        let url = publicURL(for: key)
        if try await isPresent(key: key, digest: digest) {
            logger.debug("already in S3, not sent again", metadata: ["key": "\(key)"])
            return Upload(url: url, skipped: true, parts: 0, bytes: digest.size)
        }
        if multipart {
            try await uploadMultipart(filePath: filePath, key: key, contentType: contentType, digest: digest)
        } else {
            try await putObject(filePath: filePath, key: key, contentType: contentType, digest: digest)
        }
        return Upload(url: url, skipped: false, parts: digest.parts.count, bytes: digest.size)
    }

    /// `settings.partSize`, grown (in MiB steps) so no file needs more than
    /// S3's 10,000 parts.
    func partSize(for size: Int64) -> Int64 {
        let needed = (size + 9_999) / 10_000
        return max(settings.partSize, ((needed + (1 << 20) - 1) >> 20) << 20)
    }

    /// One PUT of the whole file.
    func putObject(filePath: String, key: String, contentType: String, digest: FileDigest) async throws {
        let part = digest.parts[0]
        let request = signed("PUT", requestURL(for: key), headers: [
            ("Content-Type", contentType),
            ("Content-MD5", part.contentMD5),
            ("x-amz-content-sha256", part.sha256.hexString),
            ("x-amz-meta-sha256", digest.sha256Hex),
        ], body: .file(path: filePath, offset: 0, length: digest.size), bytes: digest.size)
        _ = try await send(request, operation: "PUT", key: key)
    }

    /// HEADs `key`: true when it holds the same bytes as the file. Any answer
    /// other than 200 (404, or 403 for a key that may write but not read) means
    /// "upload it"; the upload then reports the real error with S3's code.
    func isPresent(key: String, digest: FileDigest) async throws -> Bool {
        let response = try await send(signed("HEAD", requestURL(for: key)), operation: "HEAD", key: key,
                                       accept: { $0 < 500 && $0 != 429 })
        guard response.status == 200 else { return false }
        let etag = response.headers["etag"].map { $0.replacingAll("\"", "") }
        if let md5 = digest.md5Hex, etag == md5 { return true }
        let size = response.headers["content-length"].flatMap { Int64($0) }
        return size == digest.size && response.headers["x-amz-meta-sha256"] == digest.sha256Hex
    }

    /// A request for this store, signed by libcurl. Bodiless requests carry the
    /// empty body's hash.
    func signed(_ method: String, _ url: String, headers: [(String, String)] = [],
                body: HTTPRequest.Body = .none, bytes: Int64 = 0) -> HTTPRequest {
        var all = headers.map { (name: $0.0, value: $0.1) }
        if !all.contains(where: { $0.name == "x-amz-content-sha256" }) {
            all.append((name: "x-amz-content-sha256", value: Self.emptySHA256))
        }
        // Generous for slow links: a minute plus two seconds per MiB.
        let timeout = 60 + Double(bytes >> 20) * 2
        return HTTPRequest(method: method, url: url, headers: all, body: body, timeout: timeout, connectTimeout: 10,
                           awsSigV4: "aws:amz:\(settings.region):s3",
                           awsCredentials: "\(settings.accessKey):\(settings.secretKey)")
    }

    /// Five attempts, 0.25 s base, 8 s cap.
    public static let defaultRetry = RetryPolicy(maxAttempts: 5, base: .milliseconds(250), cap: .seconds(8))

    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
