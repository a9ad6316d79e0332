import AvatarDomain
import Foundation
import Testing
@testable import AvatarStorage

@Suite struct S3UnitTests {
    @Test("SHA-256 matches the FIPS 180-2 / NIST vectors")
    func sha256Vectors() throws {
        #expect(try SHA256.hash([]).hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try SHA256.hash(Array("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hexString
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var h = SHA256()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(block) }
        #expect(try h.finalize().hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("SHA-256 gives the same digest however the input is split")
    func sha256Streaming() throws {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = try SHA256.hash(bytes)
        for split in [1, 55, 56, 63, 64, 65, 127, 500] {
            var h = SHA256()
            var i = 0
            while i < bytes.count {
                h.update(Array(bytes[i..<min(i + split, bytes.count)]))
                i += split
            }
            #expect(try h.finalize() == whole, "split \(split)")
        }
    }

    @Test("MD5 matches the RFC 1321 vectors")
    func md5Vectors() throws {
        let vectors = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, hex) in vectors {
            #expect(try MD5.hash(Array(input.utf8)).hexString == hex, "MD5(\"\(input)\")")
        }
        #expect(Data(try MD5.hash(Array("hi\n".utf8))).base64EncodedString() == "dk76iD3aHhHbR2ccSju9ng==")
    }

    @Test("file digests cover the whole file and each part")
    func fileDigest() throws {
        let dir = try S3Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try S3Fixtures.randomFile(5 << 20 | 12345, in: dir)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let single = try FileDigest.compute(path: path, partSize: nil)
        #expect(single.size == Int64(bytes.count))
        #expect(try single.sha256Hex == SHA256.hash(bytes).hexString)
        #expect(try single.md5Hex == MD5.hash(bytes).hexString)
        #expect(single.parts.count == 1)
        let parted = try FileDigest.compute(path: path, partSize: 2 << 20)
        #expect(parted.sha256Hex == single.sha256Hex)
        #expect(parted.md5Hex == nil)
        #expect(parted.parts.map(\.length) == [2 << 20, 2 << 20, Int64(bytes.count - (4 << 20))])
        for part in parted.parts {
            let slice = Array(bytes[Int(part.offset)..<Int(part.offset + part.length)])
            #expect(try part.md5 == MD5.hash(slice))
            #expect(try part.sha256 == SHA256.hash(slice))
        }
        let emptyPath = dir + "/empty"
        _ = FileManager.default.createFile(atPath: emptyPath, contents: Data())
        let empty = try FileDigest.compute(path: emptyPath, partSize: nil)
        #expect(empty.parts.count == 1 && empty.parts[0].length == 0)
        #expect(empty.md5Hex == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test("keys follow the old service's layout")
    func keyLayout() {
        #expect(S3Keys.key(taskID: "abc123", persona: 1, file: "base.png") == "avatars/task_abc123/persona_1/base.png")
        #expect(S3Keys.key(prefix: "/cdn/avatars/", taskID: "7", persona: 12, file: "image_3.png")
            == "cdn/avatars/task_7/persona_12/image_3.png")
        #expect(S3Keys.key(prefix: "", taskID: "7", persona: 2, file: "image_0.png") == "task_7/persona_2/image_0.png")
    }

    @Test("keys keep [A-Za-z0-9._~/-] and percent-encode everything else")
    func keyEncoding() throws {
        #expect(S3Keys.encode("avatars/task_a-b.c/persona_1/base.png") == "avatars/task_a-b.c/persona_1/base.png")
        #expect(S3Keys.encode("a b+c%d?e#f&g=h") == "a%20b%2Bc%25d%3Fe%23f%26g%3Dh")
        #expect(S3Keys.encode("é/ü~") == "%C3%A9/%C3%BC~")
        #expect(S3Keys.encodeQueryValue("a/b c") == "a%2Fb%20c")
        for bad in ["", "/lead", "trail/", "a//b", "a/./b", "../x", "a\nb"] {
            #expect(throws: ProviderError.self, "\(bad)") { try S3Keys.validate(bad) }
        }
        try S3Keys.validate("avatars/task_1/persona_1/base.png")
    }

    @Test("S3 error XML gives the code and message")
    func xmlErrors() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; so on.</Message><Resource>/b/k</Resource></Error>
            """
        let parsed = S3XML.error(in: body)
        #expect(parsed?.code == "SignatureDoesNotMatch")
        #expect(parsed?.message == "The request signature we calculated does not match & so on.")
        #expect(S3XML.error(in: "<InitiateMultipartUploadResult><UploadId>x</UploadId></InitiateMultipartUploadResult>") == nil)
        #expect(S3XML.text(of: "UploadId", in: "<R><UploadId>abc_1</UploadId></R>") == "abc_1")
        #expect(S3XML.escape("\"e&t<g>\"") == "&quot;e&amp;t&lt;g&gt;&quot;")
    }

    @Test("settings come from the environment, with the documented defaults")
    func settingsDefaults() throws {
        let s = try S3Settings(environment: [
            "S3_ENDPOINT": "http://127.0.0.1:8333/", "S3_ACCESS_KEY": "AK", "S3_SECRET_KEY": "top-secret-value",
        ])
        #expect(s.endpoint == "http://127.0.0.1:8333")
        #expect(s.bucket == "avatar-images" && s.region == "us-east-1" && s.keyPrefix == "avatars")
        #expect(s.addressing == .path && s.publicURL == nil && s.multipartThreshold == 16 << 20)
        let t = try S3Settings(environment: [
            "S3_ENDPOINT": "https://s3.example.com", "S3_ACCESS_KEY": "AK", "S3_SECRET_KEY": "SK",
            "S3_BUCKET_NAME": "pics", "S3_REGION": "eu-west-1", "S3_PUBLIC_URL": "https://cdn.example.com/",
            "S3_ADDRESSING": "virtual", "S3_KEY_PREFIX": "/p/", "S3_MULTIPART_THRESHOLD": "32M",
        ])
        #expect(t.bucket == "pics" && t.region == "eu-west-1" && t.publicURL == "https://cdn.example.com")
        #expect(t.addressing == .virtual && t.keyPrefix == "p" && t.multipartThreshold == 32 << 20)
        #expect(try S3Settings.fromEnvironment([:]) == nil)
    }

    @Test("missing or wrong settings name the variable")
    func settingsErrors() {
        let base = ["S3_ENDPOINT": "http://h:1", "S3_ACCESS_KEY": "AK", "S3_SECRET_KEY": "SK"]
        let cases: [(String, String?, String)] = [
            ("S3_ENDPOINT", nil, "S3_ENDPOINT"), ("S3_ACCESS_KEY", nil, "S3_ACCESS_KEY"),
            ("S3_SECRET_KEY", nil, "S3_SECRET_KEY"), ("S3_SECRET_KEY", "  ", "S3_SECRET_KEY"),
            ("S3_ENDPOINT", "ftp://x", "S3_ENDPOINT"), ("S3_ADDRESSING", "dns", "S3_ADDRESSING"),
            ("S3_MULTIPART_THRESHOLD", "lots", "S3_MULTIPART_THRESHOLD"), ("S3_BUCKET_NAME", "Bad_Bucket", "S3_BUCKET_NAME"),
            ("S3_PUBLIC_URL", "cdn.example.com", "S3_PUBLIC_URL"),
        ]
        for (name, value, mentioned) in cases {
            var env = base
            env[name] = value
            do {
                _ = try S3Settings(environment: env)
                Issue.record("\(name)=\(value ?? "<unset>") was accepted")
            } catch let error as ProviderError {
                #expect(error.code == .configuration)
                #expect(error.message.contains(mentioned), "\(error.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("the secret never shows in a description, dump or error")
    func secretRedacted() throws {
        let s = try S3Settings(environment: ["S3_ENDPOINT": "http://h:1", "S3_ACCESS_KEY": "AK", "S3_SECRET_KEY": "s3cr3t-VALUE"])
        var dumped = ""
        dump(s, to: &dumped)
        for text in [s.redacted, "\(s)", String(reflecting: s), dumped] {
            #expect(!text.contains("s3cr3t-VALUE"))
            #expect(text.contains("AK"))
        }
    }

    @Test("public and request URLs, path and virtual style")
    func urls() throws {
        struct NoTransport: HTTPTransportStub {}
        let key = "avatars/task_t1/persona_1/base.png"
        let path = S3Store(settings: S3Settings(endpoint: "http://127.0.0.1:8333", accessKey: "a", secretKey: "s"), transport: NoTransport())
        #expect(path.publicURL(for: key) == "http://127.0.0.1:8333/avatar-images/avatars/task_t1/persona_1/base.png")
        #expect(path.requestURL(for: key) == "http://127.0.0.1:8333/avatar-images/avatars/task_t1/persona_1/base.png")
        #expect(path.requestURL(for: "a b", query: "uploads=") == "http://127.0.0.1:8333/avatar-images/a%20b?uploads=")
        let cdn = S3Store(settings: S3Settings(endpoint: "https://s3.example.com", accessKey: "a", secretKey: "s",
                                               publicURL: "https://cdn.example.com/img/", addressing: .virtual), transport: NoTransport())
        #expect(cdn.publicURL(for: key) == "https://cdn.example.com/img/avatars/task_t1/persona_1/base.png")
        #expect(cdn.requestURL(for: key) == "https://avatar-images.s3.example.com/avatars/task_t1/persona_1/base.png")
        let virtualNoCDN = S3Store(settings: S3Settings(endpoint: "https://s3.example.com", accessKey: "a", secretKey: "s",
                                                        addressing: .virtual), transport: NoTransport())
        #expect(virtualNoCDN.publicURL(for: key) == "https://s3.example.com/avatar-images/avatars/task_t1/persona_1/base.png")
        #expect(path.name == "s3")
    }

    @Test("S3 codes that are worth a retry whatever their status; client errors are not")
    func transientCodes() {
        for code in ["SlowDown", "InternalError", "RequestTimeout"] { #expect(S3Store.isTransientS3Code(code)) }
        for code in ["SignatureDoesNotMatch", "NoSuchBucket", "BadDigest", "AccessDenied", nil] {
            #expect(!S3Store.isTransientS3Code(code))
        }
    }
}

import AvatarHTTP

/// A transport for tests that never reach the network.
protocol HTTPTransportStub: HTTPTransport {}
extension HTTPTransportStub {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        throw HTTPTransportError(kind: .connectionFailed, curlCode: 7, message: "no network in this test", url: request.url)
    }
}

extension S3UnitTests {
    @Test("parts stay at 8 MiB, growing only to keep within 10,000 parts")
    func partSizes() {
        struct NoTransport: HTTPTransportStub {}
        let s3 = S3Store(settings: S3Settings(endpoint: "http://h:1", accessKey: "a", secretKey: "s"), transport: NoTransport())
        #expect(s3.partSize(for: 40 << 20) == 8 << 20)
        #expect(s3.partSize(for: 80_000 << 20) == 8 << 20)
        let huge: Int64 = 200 << 30
        #expect(s3.partSize(for: huge) * 10_000 >= huge && s3.partSize(for: huge) % (1 << 20) == 0)
    }
}
