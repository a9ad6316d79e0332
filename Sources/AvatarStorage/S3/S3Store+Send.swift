import AvatarDomain
import AvatarConfig
import AvatarHTTP
import Logging

extension S3Store {
    /// Sends `request` through the one retry loop (`RetryingClient`, with
    /// S3's own rules: `S3Store.retryRules`); returns the response `accept`
    /// takes (by default any 2xx).
    /// - Throws: `ProviderError` as described on `upload`.
    func send(_ request: HTTPRequest, operation: String, key: String?,
              accept: (Int) -> Bool = { (200..<300).contains($0) }) async throws -> HTTPResponse {
        let target = key.map { "\(settings.bucket)/\($0)" } ?? settings.bucket
        var policy = retry
        policy.rules = Self.retryRules
        var logger = self.logger
        logger[metadataKey: "s3"] = "\(operation) \(target)"
        let client = RetryingClient(transport: transport, policy: policy, name: "s3", logger: logger)
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch let error as HTTPTransportError {
            var failure = self.failure(operation, target: target, transport: error, attempts: policy.maxAttempts)
            if policy.classify(error) == .transient { failure.message += " (after \(policy.maxAttempts) attempts)" }
            throw failure
        } catch is CancellationError {
            throw ProviderError(.transport, provider: name, message: "\(operation) \(target): cancelled")
        }
        let parsed = S3XML.error(in: response.bodyText)
        // CompleteMultipartUpload may fail after its 200 header: the body says so.
        let failedLate = operation == "CompleteMultipartUpload" && parsed != nil
        if accept(response.status) && !failedLate { return response }
        var failure = self.failure(operation, target: target, status: response.status, parsed: parsed)
        // The loop hands back a transient answer only when its attempts ran out.
        if policy.classify(response) == .transient { failure.message += " (after \(policy.maxAttempts) attempts)" }
        throw failure
    }

    /// S3's rules for the retry loop: its codes worth another attempt whatever
    /// their status (`SlowDown`, `InternalError`, `RequestTimeout`: a 400 when
    /// the connection idled, `ServiceUnavailable`), and a 2xx whose body is an
    /// error (CompleteMultipartUpload) final unless its code is one of those.
    static let retryRules: @Sendable (HTTPResponse) -> RetryPolicy.Classification? = { response in
        guard let code = S3XML.error(in: response.bodyText)?.code else { return nil }
        if isTransientS3Code(code) { return .transient }
        return (200..<300).contains(response.status) ? .permanent : nil
    }

    /// S3 codes worth another attempt whatever their status.
    static func isTransientS3Code(_ code: String?) -> Bool {
        ["SlowDown", "InternalError", "RequestTimeout", "ServiceUnavailable"].contains(code ?? "")
    }

    /// An HTTP error from S3, with its code and message and what to do.
    func failure(_ operation: String, target: String, status: Int, parsed: (code: String, message: String?)?) -> ProviderError {
        let code = parsed?.code ?? Self.codeForBodilessStatus(status)
        var message = "\(operation) \(target): " + (parsed?.message ?? "HTTP \(status)")
        switch code {
        case "SignatureDoesNotMatch", "InvalidAccessKeyId":
            message += " — check S3_ACCESS_KEY and S3_SECRET_KEY"
        case "NoSuchBucket":
            message += " — create bucket \"\(settings.bucket)\" or set S3_BUCKET_NAME"
        case "AccessDenied", "Forbidden":
            message += " — the access key may not write to bucket \"\(settings.bucket)\""
        default:
            break
        }
        return ProviderError(.storage, provider: name, status: status, remoteCode: code, message: scrub(message))
    }

    func failure(_ operation: String, target: String, transport error: HTTPTransportError, attempts: Int) -> ProviderError {
        ProviderError(error.kind == .timeout ? .timeout : .transport, provider: name,
                      message: scrub("\(operation) \(target): \(error.kind.rawValue): \(error.message)"))
    }

    /// The secret never leaves in a message, whatever a server echoes.
    func scrub(_ message: String) -> String {
        SecretMasker([settings.secretKey]).mask(message)
    }

    /// HEAD answers have no body: name the status like S3 would.
    static func codeForBodilessStatus(_ status: Int) -> String {
        switch status {
        case 301: return "PermanentRedirect"
        case 400: return "BadRequest"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }
}
