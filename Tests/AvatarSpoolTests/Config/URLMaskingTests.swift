import AvatarConfig
import Testing

/// Issue 14, item 7: credentials inside URLs are masked by one function.
@Suite("URL masking")
struct URLMaskingTests {
    @Test("user-info and secret-looking query values are masked; the rest of the URL stays readable")
    func masksCredentials() {
        #expect(Settings.maskURL("http://admin:pw@host:3000/api/v1/prediction/x") == "http://***@host:3000/api/v1/prediction/x")
        #expect(Settings.maskURL("https://token@example.com") == "https://***@example.com")
        #expect(Settings.maskURL("https://h/p?api_key=abc&model=m&X-Amz-Signature=f00#top")
                == "https://h/p?api_key=***&model=m&X-Amz-Signature=***#top")
        #expect(Settings.maskURL("https://api.openai.com/v1") == "https://api.openai.com/v1")
        #expect(Settings.maskURL("not a url") == "not a url")
    }

    @Test("every URL inside free text is masked, whatever surrounds it")
    func masksInsideText() {
        let line = "processor started (data: openai http://u:hunter22@10.0.0.1/v1; storage: s3 'https://k:s@s3/b?token=t1')"
        let masked = Settings.maskURLs(in: line)
        #expect(!masked.contains("hunter22") && !masked.contains("k:s@") && !masked.contains("token=t1"))
        #expect(masked.contains("http://***@10.0.0.1/v1") && masked.contains("https://***@s3/b?token=***'"))
        #expect(Settings.maskURLs(in: "no urls here") == "no urls here")
    }

    @Test("a password inside a URL setting counts as a secret, so it is scrubbed even outside a URL")
    func passwordsAreSecrets() {
        let settings = Settings(["FLOWISE_URL": "http://admin:longpassword@h/api", "S3_ENDPOINT": "http://h?sig=sigvalue1"])
        #expect(settings.secretValues.contains("longpassword"))
        #expect(settings.secretValues.contains("sigvalue1"))
    }
}
