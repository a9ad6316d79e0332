/// A growable byte buffer filled with memcpy (a response body can be
/// megabytes; appending chunk by chunk to an Array is slow in debug builds).
final class ByteBuffer {
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0
    private(set) var count = 0

    deinit { storage?.deallocate() }

    func append(_ bytes: UnsafeRawPointer, count n: Int) {
        if count + n > capacity {
            let newCapacity = max(count + n, capacity * 2, 16 * 1024)
            let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            if let storage, count > 0 { grown.copyMemory(from: storage, byteCount: count) }
            storage?.deallocate()
            storage = grown
            capacity = newCapacity
        }
        (storage! + count).copyMemory(from: bytes, byteCount: n)
        count += n
    }

    /// The bytes, copied once into an Array.
    var bytes: [UInt8] {
        guard let storage, count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: storage, byteCount: count)
            initialized = count
        }
    }
}
