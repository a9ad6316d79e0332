/// Strings: escapes, surrogate pairs, length limits.
extension JSONReader {

    /// Parses a string starting at its opening quote. The input is already
    /// known to be valid UTF-8.
    mutating func parseString() throws(JSONParseError) -> String {
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
    mutating func parseUnicodeEscape() throws(JSONParseError) -> UInt32 {
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

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
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

    func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
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

    mutating func checkLength(_ length: Int, _ quote: Int) throws(JSONParseError) {
        if length > options.maxStringBytes {
            pos = quote
            throw fail(.tooLong, "string longer than \(options.maxStringBytes) bytes")
        }
    }

    func controlCharacter(_ b: UInt8) -> JSONParseError {
        fail(.invalidString, "unescaped control character U+00\(hex2(b)) in a string (write it as \\u00\(hex2(b)))")
    }

    mutating func unterminatedString(_ quote: Int) -> JSONParseError {
        pos = quote
        return fail(.unexpectedEnd, "unexpected end of input inside the string starting here (truncated JSON?)")
    }
}
