import Foundation
import Testing
@testable import AvatarTask

@Suite struct TaskJSONParserTests {
    private func parse(_ text: String, _ options: JSONParser.Options = .init()) throws -> JSONValue {
        try JSONParser(options: options).parse(Array(text.utf8))
    }

    private func error(_ bytes: [UInt8], _ options: JSONParser.Options = .init()) -> JSONParseError? {
        do {
            _ = try JSONParser(options: options).parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    private func error(_ text: String) -> JSONParseError? { error(Array(text.utf8)) }

    @Test("objects keep member order and numbers keep their literal text")
    func orderAndLiterals() throws {
        let v = try parse(#"{"b": 1, "a": -0.50, "c": 1E+3, "d": [true, false, null, "x"]}"#)
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["b", "a", "c", "d"])
        #expect(v["a"] == .number(JSONNumber(uncheckedText: "-0.50")))
        #expect(v["c"]?.doubleValue == 1000)
        #expect(v["c"]?.intValue == nil)
        #expect(v["b"]?.intValue == 1)
        #expect(v["d"] == [true, false, nil, "x"])
    }

    @Test("number helpers: isInteger only for literals without fraction or exponent")
    func numberHelpers() throws {
        #expect(JSONNumber(uncheckedText: "10").isInteger)
        #expect(JSONNumber(uncheckedText: "-3").intValue == -3)
        #expect(!JSONNumber(uncheckedText: "10.0").isInteger)
        #expect(!JSONNumber(uncheckedText: "1e3").isInteger)
        #expect(JSONNumber(uncheckedText: "99999999999999999999").intValue == nil)
        #expect(JSONNumber(uncheckedText: "2.5e-1").doubleValue == 0.25)
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(3.0)?.text == "3")
    }

    @Test("number grammar is RFC 8259: leading zeros, bare dots, signs and exponents checked")
    func numberGrammar() throws {
        for good in ["0", "-0", "0.5", "10", "1e5", "1E-5", "1.5e+10", "-12.25"] {
            #expect((try? parse(good)) != nil, "\(good) should parse")
        }
        for bad in ["01", "-01", "1.", ".5", "+1", "1e", "1e+", "-", "0x10", "1.e3"] {
            #expect(error(bad) != nil, "\(bad) should fail")
        }
        #expect(error("01")?.message.contains("leading zeros") == true)
    }

    @Test("escapes decode, including surrogate pairs; lone surrogates are refused")
    func escapes() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u00e9\u4e2d""#) == .string("é中"))
        #expect(try parse(#""\ud83d\ude00!""#) == .string("😀!"))
        #expect(try parse("\"Zürich 😀\"") == .string("Zürich 😀"))
        #expect(error(#""\ud83d""#)?.message.contains("surrogate") == true)
        #expect(error(#""\ude00""#)?.message.contains("surrogate") == true)
        #expect(error(#""\ud83d\u0041""#)?.message.contains("surrogate") == true)
        #expect(error(#""\x41""#)?.message.contains("invalid escape") == true)
        #expect(error(#""\u12G4""#)?.message.contains("hex digits") == true)
        #expect(error("\"a\u{1}b\"")?.message.contains("control character") == true)
    }

    @Test("strict: comments, trailing commas, NaN, Infinity, single quotes and duplicate keys fail")
    func strictness() {
        #expect(error("{\"a\": 1 // c\n}")?.message.contains("comments") == true)
        #expect(error("/* c */ {}")?.message.contains("comments") == true)
        #expect(error("[1, 2,]")?.message.contains("trailing comma") == true)
        #expect(error(#"{"a": 1,}"#)?.message.contains("trailing comma") == true)
        #expect(error("[NaN]")?.message.contains("NaN") == true)
        #expect(error("[Infinity]")?.message.contains("Infinity") == true)
        #expect(error("[-Infinity]")?.message.contains("Infinity") == true)
        #expect(error("['a']")?.message.contains("double quotes") == true)
        let dup = error(#"{"a": 1, "a": 2}"#)
        #expect(dup?.code == .duplicateKey)
        #expect(dup?.offset == 9)
        #expect(error("[1 2]")?.message.contains("expected ',' or ']'") == true)
        #expect(error("tru")?.code == .unexpectedEnd)
        #expect(error("nul1")?.code == .unexpectedCharacter)
    }

    @Test("errors carry line, column and byte offset")
    func positions() throws {
        let e = try #require(error("{\n  \"a\": 1,\n  \"b\": x\n}"))
        #expect(e.line == 3)
        #expect(e.column == 8)
        #expect(e.offset == 19)
        #expect(e.description == "unexpected character 'x', expected a value at line 3, column 8 (byte 19)")
        let t = try #require(error("{\"a\": [1, 2"))
        #expect(t.description.hasPrefix("unexpected end of input (truncated JSON?)"))
        let g = try #require(error("{} x"))
        #expect(g.description.hasPrefix("trailing data after the JSON value"))
        #expect(g.offset == 3)
        // Columns count characters, not bytes.
        let u = try #require(error("[\"é\", x]"))
        #expect(u.column == 7)
        #expect(u.offset == 7)
    }

    @Test("invalid UTF-8 is refused with its byte offset")
    func invalidUTF8() throws {
        let bytes: [UInt8] = Array("{\"a\": \"ab".utf8) + [0xFF] + Array("\"}".utf8)
        let e = try #require(error(bytes))
        #expect(e.code == .invalidUTF8)
        #expect(e.offset == 9)
        #expect(e.description.hasSuffix("(byte 9)"))
        #expect(e.message.contains("UTF-8"))
        // Overlong, surrogate, truncated sequences.
        #expect(error([0x22, 0xC0, 0xAF, 0x22])?.code == .invalidUTF8)
        #expect(error([0x22, 0xED, 0xA0, 0x80, 0x22])?.code == .invalidUTF8)
        #expect(error([0x22, 0xE4, 0xB8])?.code == .invalidUTF8)
        #expect(error([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22])?.code == .invalidUTF8)
    }

    @Test("UTF-16, UTF-32 and NUL bytes are refused as 'must be UTF-8'; a UTF-8 BOM is skipped")
    func encodings() throws {
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("{}".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(error(utf16)?.code == .encoding)
        #expect(error(utf16)?.message.contains("UTF-16") == true)
        #expect(error([0xFE, 0xFF, 0x00, 0x7B, 0x00, 0x7D])?.message.contains("must be UTF-8") == true)
        #expect(error([0xFF, 0xFE, 0x00, 0x00, 0x7B, 0x00, 0x00, 0x00])?.message.contains("UTF-32") == true)
        #expect(error([0x00, 0x00, 0xFE, 0xFF])?.message.contains("UTF-32") == true)
        #expect(error([0x7B, 0x00, 0x7D, 0x00])?.message.contains("must be UTF-8") == true)
        #expect(try JSONParser().parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object([]))
    }

    @Test("empty and whitespace-only documents fail as empty")
    func empty() {
        #expect(error("")?.code == .empty)
        #expect(error(" \n\t")?.code == .empty)
        #expect(error([0xEF, 0xBB, 0xBF])?.code == .empty)
    }

    @Test("nesting deeper than the limit fails without recursion, even 100 000 deep")
    func depth() throws {
        let options = JSONParser.Options(maxDepth: 4)
        #expect((try? parse("[[[[1]]]]", options)) != nil)
        #expect(error(Array("[[[[[1]]]]]".utf8), options)?.code == .tooDeep)
        #expect(error(Array(#"{"a":{"b":{"c":{"d":1}}}}"#.utf8), options) == nil)
        #expect(error(Array(#"{"a":{"b":{"c":{"d":{}}}}}"#.utf8), options)?.code == .tooDeep)
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        let e = try #require(error(deep))
        #expect(e.code == .tooDeep)
        #expect(e.offset == 64)
        #expect(e.description.contains("nested deeper than 64"))
    }

    @Test("the string length cap applies to values and keys")
    func stringCap() {
        let options = JSONParser.Options(maxStringBytes: 8)
        #expect(error(Array(#"["12345678"]"#.utf8), options) == nil)
        #expect(error(Array(#"["123456789"]"#.utf8), options)?.code == .tooLong)
        #expect(error(Array(#"["1234567\n9"]"#.utf8), options)?.code == .tooLong)
        #expect(error(Array(#"{"123456789": 1}"#.utf8), options)?.code == .tooLong)
    }

    @Test("serializer: compact and pretty output round-trip with stable key order")
    func serializer() throws {
        let value: JSONValue = ["task_id": "a\"b\\c\n\u{1}é", "count": 3, "ratio": 0.25, "ok": true,
                                "none": nil, "list": [1, [], [:]], "empty": [:]]
        let compact = value.serializedString()
        #expect(compact == #"{"task_id":"a\"b\\c\n\u0001é","count":3,"ratio":0.25,"ok":true,"none":null,"list":[1,[],{}],"empty":{}}"#)
        #expect(try JSONParser.parse(compact) == value)
        let pretty = value.serializedString(.pretty)
        #expect(pretty.hasPrefix("{\n  \"task_id\": "))
        #expect(pretty.contains("\n  \"list\": [\n    1,\n    [],\n    {}\n  ],"))
        #expect(pretty.hasSuffix("}\n"))
        #expect(try JSONParser.parse(pretty) == value)
        #expect(JSONValue.double(.infinity) == .null)
    }

    @Test("parses 1 MiB of objects and round-trips it through serialization")
    func speed() throws {
        var text = "["
        var i = 0
        while text.utf8.count < 1 << 20 {
            text += #"{"id": \#(i), "name": "persona number \#(i) \u00e9", "score": \#(i).5, "tags": ["a", "b"]},"#
            i += 1
        }
        text += "null]"
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        var parsed = JSONValue.null
        let elapsed = try clock.measure { parsed = try JSONParser().parse(bytes) }
        #expect(parsed.arrayValue?.count == i + 1)
        // A hang guard at ten times the expected figure (about 1 s in a debug build on a loaded machine).
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        let out = parsed.serialized()
        #expect(try JSONParser().parse(out) == parsed)
    }
}
