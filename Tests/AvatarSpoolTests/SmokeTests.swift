import Testing
@testable import AvatarTask

@Suite struct SmokeTests {
    @Test("an image size prints as WxH")
    func sizePrints() {
        #expect(ImageSize(width: 1024, height: 1536).description == "1024x1536")
    }
}
