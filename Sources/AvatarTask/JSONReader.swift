/// The parsing machine behind `JSONParser`. Containers live on an explicit
/// stack (`frames`), never on the call stack.
struct JSONReader {
    private let buf: UnsafeBufferPointer<UInt8>
    private let options: JSONParser.Options
    private var pos = 0

    /// An array or object being filled.
    private struct Frame {
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
    private mutating func checkEncoding() throws(JSONParseError) {
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
    private func utf8SequenceLength(at i: Int) -> Int {
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

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
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

    private func checkDepth(_ open: Int) throws(JSONParseError) {
        if open + 1 > options.maxDepth {
            throw fail(.tooDeep, "arrays and objects nested deeper than \(options.maxDepth) levels")
        }
    }

    /// Parses `"key" :` and records the key in the frame, refusing duplicates.
    private mutating func parseKey(in frame: inout Frame) throws(JSONParseError) -> String {
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

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
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

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
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

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    // MARK: - Strings

    /// Parses a string starting at its opening quote. The input is already
    /// known to be valid UTF-8.
    private mutating func parseString() throws(JSONParseError) -> String {
        let quote = pos
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < buf.count {
            let b = buf[pos]
            if b == UInt8(ascii: "\"") {
                try checkLength(pos - start, quote)
                let s = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw controlCharacter(b) }
            pos += 1
        }
        guard pos < buf.count else { throw unterminatedString(quote) }

        var out = [UInt8](UnsafeBufferPointer(rebasing: buf[start..<pos]))
        while pos < buf.count {
            let b = buf[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw controlCharacter(b) }
            if b == UInt8(ascii: "\\") {
                pos += 1
                guard pos < buf.count else { throw unterminatedString(quote) }
                let e = buf[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    appendUTF8(scalar, to: &out)
                default:
                    pos -= 2
                    throw fail(.invalidString, "invalid escape '\\\(printable(e))' in a string")
                }
            } else {
                out.append(b)
                pos += 1
            }
            try checkLength(out.count, quote)
        }
        throw unterminatedString(quote)
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uDC00` that must follow.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> UInt32 {
        let escapeStart = pos - 2
        let hi = try parseHex4()
        if hi >= 0xD800 && hi <= 0xDBFF {
            guard pos + 1 < buf.count, buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u") else {
                pos = escapeStart
                throw fail(.invalidString, "lone UTF-16 surrogate \\u\(JSONValue.hex4(hi)) (a high surrogate must be followed by a low one)")
            }
            pos += 2
            let lo = try parseHex4()
            guard lo >= 0xDC00 && lo <= 0xDFFF else {
                pos = escapeStart
                throw fail(.invalidString, "lone UTF-16 surrogate \\u\(JSONValue.hex4(hi)) (followed by \\u\(JSONValue.hex4(lo)), not a low surrogate)")
            }
            return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        }
        if hi >= 0xDC00 && hi <= 0xDFFF {
            pos = escapeStart
            throw fail(.invalidString, "lone UTF-16 surrogate \\u\(JSONValue.hex4(hi)) (a low surrogate without a high one)")
        }
        return hi
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < buf.count else { throw unexpectedEnd() }
            let b = buf[pos]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw fail(.invalidString, "expected four hex digits after \\u, found \(describeByte(at: pos))")
            }
            v = v << 4 | UInt32(d)
            pos += 1
        }
        return v
    }

    private func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    private mutating func checkLength(_ length: Int, _ quote: Int) throws(JSONParseError) {
        if length > options.maxStringBytes {
            pos = quote
            throw fail(.tooLong, "string longer than \(options.maxStringBytes) bytes")
        }
    }

    private func controlCharacter(_ b: UInt8) -> JSONParseError {
        fail(.invalidString, "unescaped control character U+00\(hex2(b)) in a string (write it as \\u00\(hex2(b)))")
    }

    private mutating func unterminatedString(_ quote: Int) -> JSONParseError {
        pos = quote
        return fail(.unexpectedEnd, "unexpected end of input inside the string starting here (truncated JSON?)")
    }

    // MARK: - Whitespace and errors

    @inline(__always) private mutating func skipWhitespace() {
        while pos < buf.count {
            switch buf[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    private func unexpectedEnd() -> JSONParseError {
        fail(.unexpectedEnd, "unexpected end of input (truncated JSON?)")
    }

    /// An error for the byte at `pos`, with a friendlier message for the
    /// usual non-JSON habits (comments, NaN, single quotes).
    private func unexpectedCharacter(expecting: String) -> JSONParseError {
        let b = buf[pos]
        func startsWith(_ s: String) -> Bool {
            let u = Array(s.utf8)
            return pos + u.count <= buf.count && buf[pos..<pos + u.count].elementsEqual(u)
        }
        if startsWith("//") || startsWith("/*") {
            return fail(.unexpectedCharacter, "comments are not allowed in JSON")
        }
        if startsWith("NaN") || startsWith("Infinity") {
            return fail(.unexpectedCharacter, "NaN and Infinity are not valid JSON")
        }
        if b == UInt8(ascii: "'") {
            return fail(.unexpectedCharacter, "unexpected character \"'\": JSON strings use double quotes")
        }
        if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
            return fail(.unexpectedCharacter, "unexpected '\(printable(b))', expected \(expecting)")
        }
        return fail(.unexpectedCharacter, "unexpected character \(describeByte(at: pos)), expected \(expecting)")
    }

    /// `'x'` for printable ASCII, the whole character for UTF-8, else U+XXXX.
    private func describeByte(at i: Int) -> String {
        let b = buf[i]
        if b >= 0x21 && b < 0x7F { return "'\(printable(b))'" }
        if b >= 0x80 {
            var end = i + 1
            while end < buf.count && end < i + 4 && buf[end] & 0xC0 == 0x80 { end += 1 }
            return "'" + String(decoding: UnsafeBufferPointer(rebasing: buf[i..<end]), as: UTF8.self) + "'"
        }
        return "U+00\(hex2(b))"
    }

    private func printable(_ b: UInt8) -> String {
        String(UnicodeScalar(b))
    }

    private func hex2(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }

    /// An error at `pos`, with line and column counted from the start.
    private func fail(_ code: JSONParseError.Code, _ message: String) -> JSONParseError {
        var line = 1
        var column = 1
        var i = 0
        let end = min(pos, buf.count)
        while i < end {
            let b = buf[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return JSONParseError(code: code, message: message, line: line, column: column, offset: pos)
    }
}
