import Foundation
import Testing

/// Step 5 in the pipeline, with a remote image provider (the loopback fake)
/// answering the grid request with one picture that is not a grid.
@Suite("Imaging step 5", .serialized)
struct ImagingSplitStepTests {
    @Test("a grid answer that is one portrait fails that persona at step 5 with the step's name and why, not four slivers")
    func notAGrid() async throws {
        let spool = try TempSpool("split-step")
        defer { spool.remove() }
        try await RemotePipeline.withFake { fake in
            try await fake.script([["portrait": true, "path": RemotePipeline.edits]])
            let o = try await RemotePipeline.drain(spool, fake, id: "not-a-grid")
            let failed = (1...2).filter { o.personaError($0) != nil }
            #expect(failed.count == 1, "\(o.context)")
            guard let bad = failed.first else { return }
            let error = o.personaError(bad)
            #expect(error?["step"] as? String == "step 5/7: split grid", "\(error ?? [:])")
            #expect((error?["message"] as? String)?.contains("not a 2x2 grid") == true, "\(error ?? [:])")
            #expect(!o.spool.exists("\(o.folder)/persona_\(bad)/image_0.png"))
            #expect(o.completePersonas == [3 - bad], "\(o.context)")
        }
    }
}
