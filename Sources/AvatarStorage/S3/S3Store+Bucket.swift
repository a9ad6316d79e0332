import AvatarDomain
import AvatarHTTP

extension S3Store {
    /// What a HEAD of the configured bucket says, for `avatar-spool doctor`.
    public enum BucketVerdict: Sendable, Equatable, CustomStringConvertible {
        case ok
        /// 403: bad credentials, or the key may not use the bucket.
        case forbidden
        /// 404: no such bucket.
        case missing
        /// No answer after the retries (the message says why).
        case unreachable(String)
        case unexpected(status: Int)

        public var description: String {
            switch self {
            case .ok: return "ok"
            case .forbidden: return "forbidden (check S3_ACCESS_KEY, S3_SECRET_KEY and the key's permissions)"
            case .missing: return "missing (create the bucket or fix S3_BUCKET_NAME)"
            case .unreachable(let why): return "unreachable: \(why)"
            case .unexpected(let status): return "unexpected answer: HTTP \(status)"
            }
        }
    }

    /// HEADs the configured bucket.
    public func headBucket() async -> BucketVerdict {
        do {
            let response = try await send(signed("HEAD", settings.addressing == .path ? bucketURL : bucketURL + "/"), operation: "HEAD", key: nil, accept: { $0 < 500 && $0 != 429 })
            switch response.status {
            case 200..<300: return .ok
            case 401, 403: return .forbidden
            case 404: return .missing
            default: return .unexpected(status: response.status)
            }
        } catch let error as ProviderError {
            if let status = error.status { return .unexpected(status: status) }
            return .unreachable(error.message)
        } catch {
            return .unreachable("\(error)")
        }
    }
}
