import AvatarHTTP
import Testing

@Suite("MultipartForm")
struct MultipartFormTests {
    @Test("fields and files encode as RFC 7578 parts")
    func encode() {
        var form = MultipartForm(boundary: "XYZ")
        form.add(name: "prompt", value: "a grid")
        form.add(name: "image", filename: "base.png", contentType: "image/png", data: [0x89, 0x50])
        #expect(form.contentType == "multipart/form-data; boundary=XYZ")
        let expected: [UInt8] = Array("--XYZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na grid\r\n".utf8)
            + Array("--XYZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"base.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            + [0x89, 0x50] + Array("\r\n--XYZ--\r\n".utf8)
        #expect(form.body == expected)
    }

    @Test("a random boundary is long, and quotes in names are escaped")
    func boundaryAndEscaping() {
        var form = MultipartForm()
        #expect(form.boundary.count >= 30)
        form.add(name: "a\"b", value: "x")
        #expect(String(decoding: form.body, as: UTF8.self).contains("name=\"a%22b\""))
    }
}
