import AvatarSystem
import CCurl
import Foundation

/// The state of one transfer, handed to libcurl's callbacks as an
/// `Unmanaged` pointer (WRITEDATA, HEADERDATA, READDATA, XFERINFODATA).
///
/// Confinement: everything but `cancelled` is touched only by the thread
/// running `curl_easy_perform`; `cancelled` is guarded by `lock`, because
/// the cancellation handler sets it from another thread.
final class CurlTransfer: @unchecked Sendable {
    enum Source {
        case none
        case bytes([UInt8])
        /// An upload streamed from a file. The transfer owns `fd` (it lives
        /// across libcurl's read callbacks, past any one scope): `deinit` closes it.
        case file(fd: Int32, offset: Int64, length: Int64)
    }

    private let lock = NSLock()
    private var _cancelled = false

    /// The response body as it arrives.
    let received = ByteBuffer()
    var headers: [String: String] = [:]
    var source: Source = .none
    /// Bytes of the upload already handed to libcurl.
    var sent: Int64 = 0
    /// A read error while streaming a file, reported instead of curl's own.
    var readError: String?
    let errorBuffer: UnsafeMutablePointer<CChar>

    init() {
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if case .file(let fd, _, _) = source { Sys.close(fd) }
        errorBuffer.deallocate()
    }

    var cancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return _cancelled
    }

    func cancel() {
        lock.lock(); _cancelled = true; lock.unlock()
    }

    var uploadLength: Int64 {
        switch source {
        case .none: 0
        case .bytes(let b): Int64(b.count)
        case .file(_, _, let length): length
        }
    }

    var errorMessage: String {
        errorBuffer.withMemoryRebound(to: UInt8.self, capacity: Int(CURL_ERROR_SIZE)) {
            String(cString: $0)
        }
    }

    /// Copies up to `capacity` upload bytes into `dest`; returns the count,
    /// or nil on a read error.
    func read(into dest: UnsafeMutablePointer<CChar>, capacity: Int) -> Int? {
        let remaining = Int(uploadLength - sent)
        let n = min(capacity, remaining)
        guard n > 0 else { return 0 }
        switch source {
        case .none:
            return 0
        case .bytes(let bytes):
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(dest).copyMemory(from: raw.baseAddress! + Int(sent), byteCount: n)
            }
            sent += Int64(n)
            return n
        case .file(let fd, let offset, _):
            let r: Int
            do {
                r = try Sys.pread(fd, UnsafeMutableRawBufferPointer(start: dest, count: n), offset: offset + sent)
            } catch let error as SystemError {
                readError = "reading the upload: \(error.message)"
                return nil
            } catch {
                readError = "reading the upload: \(error)"
                return nil
            }
            if r == 0 {
                readError = "reading the upload: file is shorter than its declared length"
                return nil
            }
            sent += Int64(r)
            return r
        }
    }

    /// One header line from libcurl (status lines included).
    func header(line: String) {
        if line.hasPrefix("HTTP/") {
            // A new response (after 100-continue or a redirect): start over.
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { return }
        headers[name] = value
    }
}

// Non-capturing C callbacks. `userdata` is always an unretained CurlTransfer
// kept alive by `CurlHTTPClient.perform` for the whole transfer.

let curlWriteCallback: ccurl_data_cb = { ptr, size, nmemb, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    let count = size * nmemb
    if count > 0, let ptr { transfer.received.append(ptr, count: count) }
    return count
}

let curlHeaderCallback: ccurl_data_cb = { ptr, size, nmemb, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    let count = size * nmemb
    if count > 0, let ptr {
        let line = ptr.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
        transfer.header(line: line)
    }
    return count
}

let curlReadCallback: ccurl_data_cb = { ptr, size, nmemb, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    guard let ptr else { return 0 }
    guard let n = transfer.read(into: ptr, capacity: size * nmemb) else { return Int(CURL_READFUNC_ABORT) }
    return n
}

let curlSeekCallback: ccurl_seek_cb = { userdata, offset, origin in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    guard origin == SEEK_SET, offset >= 0, Int64(offset) <= transfer.uploadLength else { return 1 } // CURL_SEEKFUNC_FAIL
    transfer.sent = Int64(offset)
    return 0 // CURL_SEEKFUNC_OK
}

let curlXferInfoCallback: ccurl_xferinfo_cb = { userdata, _, _, _, _ in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.cancelled ? 1 : 0
}

