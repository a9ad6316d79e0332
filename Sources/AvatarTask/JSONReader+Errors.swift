/// Whitespace, and errors that say where and what.
extension JSONReader {

    @inline(__always) mutating func skipWhitespace() {
        while pos < buf.count {
            switch buf[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    func unexpectedEnd() -> JSONParseError {
        fail(.unexpectedEnd, "unexpected end of input (truncated JSON?)")
    }

    /// An error for the byte at `pos`, with a friendlier message for the
    /// usual non-JSON habits (comments, NaN, single quotes).
    func unexpectedCharacter(expecting: String) -> JSONParseError {
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
    func describeByte(at i: Int) -> String {
        let b = buf[i]
        if b >= 0x21 && b < 0x7F { return "'\(printable(b))'" }
        if b >= 0x80 {
            var end = i + 1
            while end < buf.count && end < i + 4 && buf[end] & 0xC0 == 0x80 { end += 1 }
            return "'" + String(decoding: UnsafeBufferPointer(rebasing: buf[i..<end]), as: UTF8.self) + "'"
        }
        return "U+00\(hex2(b))"
    }

    func printable(_ b: UInt8) -> String {
        String(UnicodeScalar(b))
    }

    func hex2(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }

    /// An error at `pos`, with line and column counted from the start.
    func fail(_ code: JSONParseError.Code, _ message: String) -> JSONParseError {
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
