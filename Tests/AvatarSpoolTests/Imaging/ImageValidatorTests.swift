import AvatarTask
import Testing
@testable import AvatarImaging

@Suite struct ImagingImageValidatorTests {
    @Test("a varied image of the expected size passes and comes back decoded")
    func accepts() throws {
        let image = ImagingSupport.pattern(width: 128, height: 96)
        let back = try ImageValidator.validate(try PNGCodec.encode(image), expectedSize: ImageSize(width: 128, height: 96))
        #expect(back == image)
    }

    @Test("a uniform or nearly uniform image is rejected as blank")
    func blank() throws {
        var image = PixelImage(width: 128, height: 128, fill: (200, 200, 200))
        for i in stride(from: 0, to: image.pixels.count, by: 97) { image.pixels[i] = 201 }
        let error = #expect(throws: ImagingError.self) {
            try ImageValidator.validate(try PNGCodec.encode(image))
        }
        #expect(error?.code == .blank)
        #expect(error?.message.hasPrefix("image is blank") == true)
    }

    @Test("a tiny image is rejected with its size in the message")
    func tiny() throws {
        let error = #expect(throws: ImagingError.self) {
            try ImageValidator.validate(try PNGCodec.encode(ImagingSupport.pattern(width: 10, height: 10)))
        }
        #expect(error?.code == .badSize)
        #expect(error?.message == "size 10x10 is below 64x64")
    }

    @Test("an image of another size than requested is rejected")
    func wrongSize() throws {
        let png = try PNGCodec.encode(ImagingSupport.pattern(width: 128, height: 96))
        let error = #expect(throws: ImagingError.self) {
            try ImageValidator.validate(png, expectedSize: ImageSize(width: 1024, height: 1024))
        }
        #expect(error?.code == .wrongSize)
    }

    @Test("bytes that are not a PNG are rejected as such")
    func notPNG() {
        let error = #expect(throws: ImagingError.self) {
            try ImageValidator.validate(Array("<html>rate limited</html>".utf8))
        }
        #expect(error?.code == .notPNG)
        #expect(error?.message.hasPrefix("not a PNG") == true)
    }
}
