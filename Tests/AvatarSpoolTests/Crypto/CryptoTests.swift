import AvatarCrypto
import Foundation
import Testing

@Suite struct CryptoTests {
    @Test("HMAC-SHA256 matches the RFC 4231 vectors")
    func hmacVectors() throws {
        // Test case 1: key 0x0b × 20, "Hi There".
        #expect(try HMACSHA256.authenticationCode(for: Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20)).hexString
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Test case 2: key "Jefe".
        #expect(try HMACSHA256.authenticationCode(for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8)).hexString
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a key longer than the block (131 bytes of 0xaa).
        #expect(try HMACSHA256.authenticationCode(for: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                                              key: [UInt8](repeating: 0xaa, count: 131)).hexString
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("HMAC-SHA256 takes an empty key and an empty message")
    func hmacEmpty() throws {
        #expect(try HMACSHA256.authenticationCode(for: [], key: []).hexString
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test("a copied hasher goes on independently of the original")
    func copies() throws {
        var a = SHA256()
        a.update(Array("ab".utf8))
        var b = a
        b.update(Array("c".utf8))
        a.update(Array("x".utf8))
        #expect(try b.finalize() == SHA256.hash(Array("abc".utf8)))
        #expect(try a.finalize() == SHA256.hash(Array("abx".utf8)))
        var m = MD5()
        m.update(Array("a".utf8))
        let n = m
        m.update(Array("bc".utf8))
        #expect(try m.finalize().hexString == "900150983cd24fb0d6963f7d28e17f72")
        #expect(try n.finalize().hexString == "0cc175b9c0f1b6a831c399e269772661")
    }
}
