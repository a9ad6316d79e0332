/// The parsing machine behind `JSONParser`. Containers live on an explicit
/// stack (`frames`), never on the call stack.
struct JSONReader {
    let buf: UnsafeBufferPointer<UInt8>
    let options: JSONParser.Options
    var pos = 0

    /// An array or object being filled.
    struct Frame {
        var isObject: Bool
        var items: [JSONValue] = []
        var members: [(String, JSONValue)] = []
        var keys: Set<String> = []
        var key = ""
    }

    init(_ buf: UnsafeBufferPointer<UInt8>, options: JSONParser.Options) {
        self.buf = buf
        self.options = options
    }

    // MARK: - The document

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        try checkEncoding()
        skipWhitespace()
        if pos == buf.count {
            throw fail(.empty, "the document is empty or only whitespace; expected a JSON value")
        }
        let value = try parseValue()
        skipWhitespace()
        if pos < buf.count {
            throw fail(.trailingData, "trailing data after the JSON value (\(describeByte(at: pos)))")
        }
        return value
    }

    /// Refuses UTF-16/UTF-32 and NUL bytes, skips a UTF-8 BOM, and checks
    /// that the whole input is well-formed UTF-8.
    mutating func checkEncoding() throws(JSONParseError) {
        let n = buf.count
        if n >= 2 && ((buf[0] == 0xFE && buf[1] == 0xFF) || (buf[0] == 0xFF && buf[1] == 0xFE)) {
            let kind = n >= 4 && buf[0] == 0xFF && buf[2] == 0 && buf[3] == 0 ? "UTF-32" : "UTF-16"
            throw fail(.encoding, "the file starts with a \(kind) byte-order mark; the file must be UTF-8")
        }
        if n >= 4 && buf[0] == 0 && buf[1] == 0 && buf[2] == 0xFE && buf[3] == 0xFF {
            throw fail(.encoding, "the file starts with a UTF-32 byte-order mark; the file must be UTF-8")
        }
        if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { pos = 3 }
        var i = pos
        while i < n {
            let b = buf[i]
            if b >= 0x01 && b < 0x80 { i += 1; continue }
            if b == 0 {
                pos = i
                throw fail(.encoding, "NUL byte in the file (UTF-16 or UTF-32?); the file must be UTF-8")
            }
            let len = utf8SequenceLength(at: i)
            if len == 0 {
                pos = i
                throw fail(.invalidUTF8, "invalid UTF-8 byte 0x\(hex2(buf[i])); the file must be UTF-8")
            }
            i += len
        }
    }

    /// Length of the well-formed UTF-8 sequence at `i` (lead byte >= 0x80), or 0.
    func utf8SequenceLength(at i: Int) -> Int {
        let n = buf.count
        let b0 = buf[i]
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < n && buf[i + k] >= lo && buf[i + k] <= hi
        }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0  // no surrogates
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    // MARK: - Values

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        var frames: [Frame] = []
        while true {
            // Expect a value.
            skipWhitespace()
            guard pos < buf.count else { throw unexpectedEnd() }
            var value: JSONValue
            switch buf[pos] {
            case UInt8(ascii: "{"):
                try checkDepth(frames.count)
                pos += 1
                skipWhitespace()
                if pos < buf.count && buf[pos] == UInt8(ascii: "}") {
                    pos += 1
                    value = .object([])
                } else {
                    var frame = Frame(isObject: true)
                    frame.key = try parseKey(in: &frame)
                    frames.append(frame)
                    continue
                }
            case UInt8(ascii: "["):
                try checkDepth(frames.count)
                pos += 1
                skipWhitespace()
                if pos < buf.count && buf[pos] == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    frames.append(Frame(isObject: false))
                    continue
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            case UInt8(ascii: "t"):
                try expectLiteral("true"); value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false"); value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null"); value = .null
            default:
                throw unexpectedCharacter(expecting: "a value")
            }

            // Attach the value to the open containers, closing those that end.
            while true {
                guard !frames.isEmpty else { return value }
                let top = frames.count - 1
                skipWhitespace()
                if frames[top].isObject {
                    let key = frames[top].key
                    frames[top].members.append((key, value))
                    guard pos < buf.count else { throw unexpectedEnd() }
                    if buf[pos] == UInt8(ascii: ",") {
                        pos += 1
                        frames[top].key = try parseKey(in: &frames[top])
                        break
                    } else if buf[pos] == UInt8(ascii: "}") {
                        pos += 1
                        value = .object(frames.removeLast().members)
                    } else {
                        throw unexpectedCharacter(expecting: "',' or '}' after an object member")
                    }
                } else {
                    frames[top].items.append(value)
                    guard pos < buf.count else { throw unexpectedEnd() }
                    if buf[pos] == UInt8(ascii: ",") {
                        pos += 1
                        skipWhitespace()
                        if pos < buf.count && buf[pos] == UInt8(ascii: "]") {
                            throw fail(.unexpectedCharacter, "trailing comma before ']' (not allowed in JSON)")
                        }
                        break
                    } else if buf[pos] == UInt8(ascii: "]") {
                        pos += 1
                        value = .array(frames.removeLast().items)
                    } else {
                        throw unexpectedCharacter(expecting: "',' or ']' after an array element")
                    }
                }
            }
        }
    }

    func checkDepth(_ open: Int) throws(JSONParseError) {
        if open + 1 > options.maxDepth {
            throw fail(.tooDeep, "arrays and objects nested deeper than \(options.maxDepth) levels")
        }
    }

    /// Parses `"key" :` and records the key in the frame, refusing duplicates.
    mutating func parseKey(in frame: inout Frame) throws(JSONParseError) -> String {
        skipWhitespace()
        guard pos < buf.count else { throw unexpectedEnd() }
        if buf[pos] == UInt8(ascii: "}") && !frame.members.isEmpty {
            throw fail(.unexpectedCharacter, "trailing comma before '}' (not allowed in JSON)")
        }
        guard buf[pos] == UInt8(ascii: "\"") else {
            throw unexpectedCharacter(expecting: "a member name in double quotes")
        }
        let keyStart = pos
        let key = try parseString()
        if !frame.keys.insert(key).inserted {
            let end = pos
            pos = keyStart
            defer { pos = end }
            throw fail(.duplicateKey, "duplicate key \(JSONValue.quoteForMessage(key)) in one object")
        }
        skipWhitespace()
        guard pos < buf.count else { throw unexpectedEnd() }
        guard buf[pos] == UInt8(ascii: ":") else {
            throw unexpectedCharacter(expecting: "':' after a member name")
        }
        pos += 1
        return key
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        let p = word.utf8Start
        for k in 0..<n {
            guard pos + k < buf.count else { throw unexpectedEnd() }
            if buf[pos + k] != p[k] {
                pos += k
                throw unexpectedCharacter(expecting: "the literal '\(word)'")
            }
        }
        pos += n
    }

    // MARK: - Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        if buf[pos] == UInt8(ascii: "-") {
            pos += 1
            guard pos < buf.count else { throw unexpectedEnd() }
            if buf[pos] == UInt8(ascii: "I") {
                throw fail(.invalidNumber, "-Infinity is not valid JSON")
            }
        }
        guard pos < buf.count, isDigit(buf[pos]) else {
            throw pos < buf.count ? fail(.invalidNumber, "expected a digit in a number, found \(describeByte(at: pos))") : unexpectedEnd()
        }
        if buf[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < buf.count && isDigit(buf[pos]) {
                throw fail(.invalidNumber, "leading zeros are not allowed in JSON numbers")
            }
        } else {
            while pos < buf.count && isDigit(buf[pos]) { pos += 1 }
        }
        if pos < buf.count && buf[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < buf.count, isDigit(buf[pos]) else {
                throw pos < buf.count ? fail(.invalidNumber, "expected a digit after the decimal point") : unexpectedEnd()
            }
            while pos < buf.count && isDigit(buf[pos]) { pos += 1 }
        }
        if pos < buf.count && (buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E")) {
            pos += 1
            if pos < buf.count && (buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < buf.count, isDigit(buf[pos]) else {
                throw pos < buf.count ? fail(.invalidNumber, "expected a digit in the exponent") : unexpectedEnd()
            }
            while pos < buf.count && isDigit(buf[pos]) { pos += 1 }
        }
        if pos - start > 400 {
            pos = start
            throw fail(.invalidNumber, "number literal longer than 400 characters")
        }
        return JSONNumber(uncheckedText: String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self))
    }

    @inline(__always) func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

}
