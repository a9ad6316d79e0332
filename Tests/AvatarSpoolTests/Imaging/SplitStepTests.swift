import AvatarPipeline
import Foundation
import Testing

/// Step 5 in the pipeline (in memory), with the image provider answering
/// the grid request with one picture that is not a grid.
@Suite("Imaging step 5")
struct ImagingSplitStepTests {
    @Test("a grid answer that is one portrait fails that persona at step 5 with the step's name and why, not four slivers")
    func notAGrid() async throws {
        let pipeline = MemoryPipeline()
        pipeline.images.on(.grid(1), .baseAsGrid)
        let (ws, stage) = try await pipeline.run(MemoryPipeline.task("not-a-grid", count: 2))
        #expect(stage == .completed)
        let error = try #require(ws.json(PersonaFiles(1).error), "\(ws.paths)")
        #expect(error["step"] as? String == "step 5/7: split grid", "\(error)")
        #expect((error["message"] as? String)?.contains("not a 2x2 grid") == true, "\(error)")
        #expect(!ws.exists(PersonaFiles(1).image(0)))
        #expect(ws.exists(PersonaFiles(2).image(3)) && !ws.exists(PersonaFiles(2).error))
    }
}
