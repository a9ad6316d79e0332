import AvatarImaging
@testable import AvatarPipeline
import Testing

@Suite("Thumbnails kept for the contact sheet")
struct KeptThumbnailsTests {
    static func thumb(_ side: Int) -> PixelImage { PixelImage(width: side, height: side, fill: (r: 9, g: 8, b: 7)) }

    @Test("a task's thumbnails are handed over once; a new task's push out the oldest task's past the budget, and one larger than the budget is not kept")
    func budget() {
        let one = Self.thumb(10).pixels.count // 300 bytes
        let kept = KeptThumbnails(budget: 4 * one)
        kept.keep(taskID: "a", path: "persona_1/thumb_0.png", image: Self.thumb(10), fileSize: 50)
        kept.keep(taskID: "a", path: "persona_1/thumb_1.png", image: Self.thumb(10), fileSize: 51)
        kept.keep(taskID: "b", path: "persona_1/thumb_0.png", image: Self.thumb(10), fileSize: 52)
        kept.keep(taskID: "a", path: "persona_1/thumb_0.png", image: Self.thumb(10), fileSize: 53) // replaced, not added
        #expect(kept.keptBytes == 3 * one)
        kept.keep(taskID: "c", path: "persona_1/thumb_0.png", image: Self.thumb(10), fileSize: 54)
        kept.keep(taskID: "c", path: "persona_1/thumb_1.png", image: Self.thumb(10), fileSize: 55)
        #expect(kept.take("a").isEmpty, "the oldest task went first")
        #expect(kept.take("b")["persona_1/thumb_0.png"]?.fileSize == 52)
        #expect(kept.take("b").isEmpty, "handed over once")
        kept.keep(taskID: "d", path: "persona_1/thumb_0.png", image: Self.thumb(40), fileSize: 1)
        #expect(kept.take("d").isEmpty)
        #expect(kept.take("c").count == 2)
        #expect(kept.keptBytes == 0)
    }
}
