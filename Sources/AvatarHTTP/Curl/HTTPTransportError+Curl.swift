extension HTTPTransportError.Kind {
    /// Maps a libcurl CURLcode to a kind.
    public init(curlCode: Int) {
        switch curlCode {
        case 28: self = .timeout                                   // OPERATION_TIMEDOUT
        case 5, 6, 7: self = .connectionFailed                      // COULDNT_RESOLVE_PROXY/HOST, COULDNT_CONNECT
        case 16, 18, 52, 55, 56, 92: self = .connectionReset        // HTTP2, PARTIAL_FILE, GOT_NOTHING, SEND/RECV_ERROR, HTTP2_STREAM
        case 42: self = .cancelled                                  // ABORTED_BY_CALLBACK
        default: self = .other
        }
    }
}
