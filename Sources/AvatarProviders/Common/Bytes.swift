import Foundation

// Conversions between [UInt8] and Data by memcpy: image answers are
// megabytes, and the generic element-wise paths are slow in debug builds.

extension Data {
    init(copying bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { raw in
            raw.baseAddress.map { Data(bytes: $0, count: raw.count) } ?? Data()
        }
    }

    var byteArray: [UInt8] {
        withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return [] }
            return [UInt8](unsafeUninitializedCapacity: raw.count) { buffer, initialized in
                UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: raw.count)
                initialized = raw.count
            }
        }
    }
}
