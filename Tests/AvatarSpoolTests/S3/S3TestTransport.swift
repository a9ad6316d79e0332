import AvatarHTTP

/// The transport the S3 tests use: the project's libcurl client, one shared
/// instance (its easy handles and connections are reused across tests).
func makeS3TestTransport() -> any HTTPTransport { s3TestClient }

private let s3TestClient = CurlHTTPClient(maxInFlight: 8)
