import AvatarDomain
import AvatarHTTP
import Logging

extension S3Store {
    /// Sends `request`, retrying transient failures per `retry` (the HTTP
    /// layer's `RetryPolicy`: backoff with full jitter, `Retry-After`); returns
    /// the first response `accept` takes (by default any 2xx).
    /// - Throws: `ProviderError` as described on `upload`.
    func send(_ request: HTTPRequest, operation: String, key: String?,
              accept: (Int) -> Bool = { (200..<300).contains($0) }) async throws -> HTTPResponse {
        let target = key.map { "\(settings.bucket)/\($0)" } ?? settings.bucket
        var attempt = 0
        while true {
            attempt += 1
            var failure: ProviderError
            var decision: RetryPolicy.Decision
            do {
                let response = try await transport.send(request)
                let parsed = S3XML.error(in: response.bodyText)
                // CompleteMultipartUpload may fail after its 200 header: the body says so.
                let failedLate = operation == "CompleteMultipartUpload" && parsed != nil
                if accept(response.status) && !failedLate { return response }
                failure = self.failure(operation, target: target, status: response.status, parsed: parsed)
                if Self.isTransientS3Code(parsed?.code) {
                    decision = attempt < retry.maxAttempts ? .retry(after: retry.delay(attempt: attempt, response: response)) : .finish
                } else if failedLate || retry.classify(response) != .transient {
                    throw failure
                } else {
                    decision = retry.decide(attempt: attempt, response: response)
                }
            } catch let error as HTTPTransportError {
                failure = self.failure(operation, target: target, transport: error, attempts: attempt)
                guard retry.classify(error) == .transient else { throw failure }
                decision = retry.decide(attempt: attempt, response: nil, error: error)
            }
            guard case .retry(let delay) = decision else {
                failure.message += " (after \(attempt) attempts)"
                throw failure
            }
            logger.warning("S3 \(operation) failed, retrying", metadata: [
                "target": "\(target)", "attempt": "\(attempt)", "delay": "\(delay)", "error": "\(failure)",
            ])
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw ProviderError(.transport, provider: name, message: "\(operation) \(target): cancelled")
            }
        }
    }

    /// S3 codes worth another attempt whatever their status: `SlowDown`,
    /// `InternalError`, and `RequestTimeout` (a 400: the connection idled).
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
        settings.secretKey.isEmpty ? message : message.replacingAll(settings.secretKey, "***")
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
