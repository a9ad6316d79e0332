import Foundation
import Testing

@Suite("Pages in a real browser", .serialized, .enabled(if: Browser.available, "chromium is not installed (make test installs it)"))
struct BrowserTests {
    @Test("headless Chromium opens a finished task's page and the spool page: every image decodes, nothing is logged as an error, and a hostile persona's markup shows as text in every script")
    func pagesInChromium() async throws {
        _ = try #require(Browser.chromium, "chromium not found on PATH")
        let spool = try TempSpool("browser")
        defer { spool.remove() }
        let id = "browser-task"
        try await RemotePipeline.withFake(pngSize: 256) { fake in
            try await fake.script([["path": RemotePipeline.flowise, "persona": "hostile"]])
            try spool.dropByRename(TaskFile.json(id: id, count: 3), as: id + ".json")
            let env = RemotePipeline.environment(fake, data: "flowise", images: "builtin")
            let run = try await spool.runToEnd(["run", "--drain"], env: env, timeout: 120)
            #expect(run.status == 0, "\(run.err.suffix(2000))")
        }
        #expect(spool.stage(of: id) == "completed", "\(spool.overview())")
        // A picture deleted by hand: a placeholder, never a broken image.
        for f in ["image_3.png", "thumb_3.png"] { try FileManager.default.removeItem(atPath: spool.path("completed/\(id)/persona_2/\(f)")) }
        let refresh = try await spool.runToEnd(["thumbnails", id])
        #expect(refresh.status == 0, "\(refresh.err)")

        let taskURL = "file://\(spool.root)/completed/\(id)/index.html", spoolURL = "file://\(spool.root)/index.html"
        let reports = try Browser.check([taskURL, spoolURL])
        #expect(reports.count == 2)
        for r in reports {
            #expect(r.broken.isEmpty, "\(r.url): not decoded: \(r.broken)")
            #expect(r.errors.isEmpty, "\(r.url): \(r.errors)")
            #expect(r.pwned == nil, "\(r.url): hostile text ran as script")
            #expect(r.scripts == 0, "\(r.url): \(r.scripts) <script> elements")
            #expect(r.missingSize == 0, "\(r.url): an img without width, height or alt")
        }
        let task = reports[0]
        #expect(task.images == 3 * 5 - 1 + 1, "14 pictures and the contact sheet: \(task.images)")
        #expect(task.text.contains("Layla<script>window.__pwned=1</script> ليلى 山田 😀"), "\(task.text.prefix(800))")
        #expect(task.text.contains("<img src=x onerror=\"window.__pwned=2\">"))
        #expect(task.text.contains("こんにちは世界 🎉"))
        #expect(task.text.contains("image missing"))
        #expect(reports[1].text.contains(id))
    }
}
