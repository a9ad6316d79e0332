import Foundation
import Testing

@Suite("Thumbnails, pages and exports, end to end", .serialized)
struct GalleryEndToEndTests {
    @Test("a finished task has five thumbnails per persona (longest side AVATAR_THUMB_SIZE), their URLs in urls.json, result.json and the index's new columns, a contact sheet, its page, and a line on the spool page; the old service's query runs as before")
    func thumbnailsAndPages() async throws {
        let spool = try TempSpool("gallery")
        defer { spool.remove() }
        let id = "gallery-1"
        try await Gallery.complete(spool, id: id, count: 3, env: ["AVATAR_THUMB_SIZE": "64"])
        let folder = "completed/\(id)"
        for n in 1...3 {
            let p = "\(folder)/persona_\(n)"
            #expect(Gallery.pngSize(spool, "\(p)/thumb_base.png") == [64, 64])
            for k in 0..<4 {
                let full = try #require(Gallery.pngSize(spool, "\(p)/image_\(k).png"))
                let thumb = try #require(Gallery.pngSize(spool, "\(p)/thumb_\(k).png"))
                #expect(thumb.max() == 64 && thumb[0] <= full[0] && thumb[1] <= full[1], "\(thumb) from \(full)")
            }
            let urls = try #require(spool.json("\(p)/urls.json"))
            #expect((urls["base_thumb"] as? String)?.hasSuffix("task_\(id)/persona_\(n)/thumb_base.png") == true)
            #expect((urls["thumbs"] as? [String])?.count == 4)
            #expect(spool.exists("objects/avatars/task_\(id)/persona_\(n)/thumb_3.png"))
        }
        let result = try #require(spool.json("\(folder)/result.json"))
        let first = try #require((result["personas"] as? [[String: Any]])?.first)
        #expect(((first["files"] as? [String: Any])?["thumbnails"] as? [String])?.count == 5)
        #expect(((first["urls"] as? [String: Any])?["thumbs"] as? [String])?.count == 4)

        let rows = try await Gallery.query(spool, """
            SELECT firstname, lastname, base_image_url, image_1_url, base_thumb_url, thumb_1_url, thumb_4_url
            FROM generation_results
            WHERE task_id = (SELECT id FROM generation_tasks WHERE task_id = '\(id)')
            """)
        #expect(rows.count == 3)
        for r in rows {
            #expect(r["base_thumb_url"]?.hasSuffix("thumb_base.png") == true)
            #expect(r["thumb_4_url"]?.hasSuffix("thumb_3.png") == true)
            #expect(r["image_1_url"]?.hasSuffix("image_0.png") == true)
        }

        let sheet = try #require(Gallery.pngSize(spool, "\(folder)/contact-sheet.png"))
        #expect(sheet[0] <= 2048 && sheet[1] > 3 * 64)
        let page = String(decoding: try #require(spool.read("\(folder)/index.html")), as: UTF8.self)
        #expect(page.contains("persona_1/thumb_base.png") && page.contains("href=\"persona_3/image_3.png\""))
        #expect(page.contains("contact-sheet.png"))
        let spoolPage = String(decoding: try #require(spool.read("index.html")), as: UTF8.self)
        #expect(spoolPage.contains("href=\"completed/\(id)/index.html\""))
        #expect(!spool.list("").contains { $0.hasPrefix(".tmp") }, "a temp file of the spool page was left")

        let gallery = try await spool.runToEnd(["gallery"])
        #expect(gallery.status == 0)
        #expect(gallery.out == "file://\(spool.root)/index.html\n", "\(gallery.out)")

        // The processor made the sheet from the thumbnails it kept in memory;
        // `thumbnails` (another process) makes it again from their files: the same bytes.
        let fromMemory = try #require(spool.read("\(folder)/contact-sheet.png"))
        let again = try await spool.runToEnd(["thumbnails", id], env: ["AVATAR_THUMB_SIZE": "64"])
        #expect(again.status == 0, "\(again.err)")
        #expect(spool.read("\(folder)/contact-sheet.png") == fromMemory, "the sheet from kept pixels differs from the one from the files")
    }

    @Test("with AVATAR_THUMB_SIZE=0 no thumbnails are made; `thumbnails` backfills them (files, URLs, index, page), a second run changes nothing, a deleted image becomes a placeholder, and a page that cannot be written is logged without touching the task")
    func backfill() async throws {
        let spool = try TempSpool("backfill")
        defer { spool.remove() }
        let id = "old-task"
        try await Gallery.complete(spool, id: id, count: 2, env: ["AVATAR_THUMB_SIZE": "0"])
        let p1 = "completed/\(id)/persona_1"
        #expect(!spool.exists("\(p1)/thumb_base.png"))
        #expect(spool.json("\(p1)/urls.json")?["thumbs"] == nil)
        #expect(spool.exists("completed/\(id)/index.html"), "pages do not need thumbnails")
        #expect(!spool.exists("completed/\(id)/contact-sheet.png"), "the sheet is made from thumbnails")

        let off = try await spool.runToEnd(["thumbnails"], env: ["AVATAR_THUMB_SIZE": "0"])
        #expect(off.status == 1 && off.err.contains("AVATAR_THUMB_SIZE is 0"))

        let first = try await spool.runToEnd(["thumbnails"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("\(id): done"))
        #expect(Gallery.pngSize(spool, "\(p1)/thumb_base.png") == [256, 256])
        #expect((spool.json("\(p1)/urls.json")?["thumbs"] as? [String])?.count == 4)
        let rows = try await Gallery.query(spool, "SELECT thumb_2_url FROM generation_results")
        #expect(rows.count == 2 && rows.allSatisfy { $0["thumb_2_url"]?.hasSuffix("thumb_1.png") == true })
        let result = try #require(spool.json("completed/\(id)/result.json"))
        #expect(((result["personas"] as? [[String: Any]])?.first?["urls"] as? [String: Any])?["base_thumb"] != nil)

        let made = try #require(Gallery.mtime(spool.path("\(p1)/thumb_base.png")))
        try await Task.sleep(for: .milliseconds(20))
        let second = try await spool.runToEnd(["thumbnails", id])
        #expect(second.status == 0)
        #expect(Gallery.mtime(spool.path("\(p1)/thumb_base.png")) == made, "a thumbnail was made again")

        try FileManager.default.removeItem(atPath: spool.path("\(p1)/image_2.png"))
        try FileManager.default.removeItem(atPath: spool.path("\(p1)/thumb_2.png"))
        let third = try await spool.runToEnd(["thumbnails", id])
        #expect(third.status == 0, "\(third.err)")
        #expect(spool.exists("completed/\(id)/contact-sheet.png"), "the backfill makes the sheet")
        let page = String(decoding: try #require(spool.read("completed/\(id)/index.html")), as: UTF8.self)
        #expect(page.contains("image missing"))
        #expect(!page.contains("persona_1/thumb_2.png") && !page.contains("persona_1/image_2.png"))

        // A page that cannot be written (a folder in its place) is logged; the task is unaffected.
        try FileManager.default.removeItem(atPath: spool.path("completed/\(id)/index.html"))
        try FileManager.default.createDirectory(atPath: spool.path("completed/\(id)/index.html/blocker"), withIntermediateDirectories: true)
        let blocked = try await spool.runToEnd(["thumbnails", id])
        #expect(blocked.status == 0, "\(blocked.err)")
        #expect(blocked.err.contains("task page or contact sheet not written"), "\(blocked.err)")
        #expect(spool.stage(of: id) == "completed")
        #expect(spool.json("completed/\(id)/result.json") != nil)

        let missing = try await spool.runToEnd(["thumbnails", "no-such-task"])
        #expect(missing.status == 1 && missing.err.contains("no task 'no-such-task'"))
    }

    @Test("resumed after a crash between splitting and storing, a persona gets only its missing thumbnails and no paid request is repeated")
    func resume() async throws {
        let spool = try TempSpool("thumb-resume")
        defer { spool.remove() }
        let id = "resume-thumbs"
        try await Gallery.complete(spool, id: id, count: 2)
        // Put the task back as a crash after step 5 would leave it: two
        // thumbnails missing, no image URLs recorded, no result.json.
        let p1 = "completed/\(id)/persona_1"
        let kept = try #require(Gallery.mtime(spool.path("\(p1)/thumb_base.png")))
        for k in [0, 3] { try FileManager.default.removeItem(atPath: spool.path("\(p1)/thumb_\(k).png")) }
        let urls = try #require(spool.json("\(p1)/urls.json"))
        let baseOnly = try JSONSerialization.data(withJSONObject: ["base": urls["base"]!, "images": [String]()])
        try baseOnly.write(to: URL(fileURLWithPath: spool.path("\(p1)/urls.json")))
        for f in ["result.json", "index.html", "contact-sheet.png"] {
            try FileManager.default.removeItem(atPath: spool.path("completed/\(id)/\(f)"))
        }
        try FileManager.default.createDirectory(atPath: spool.path("generating-images"), withIntermediateDirectories: true)
        #expect(rename(spool.path("completed/\(id)"), spool.path("generating-images/\(id)")) == 0)

        try await Task.sleep(for: .milliseconds(20))
        let run = try await spool.runToEnd(["run", "--drain"])
        #expect(run.status == 0)
        #expect(spool.stage(of: id) == "completed", "\(spool.overview())")
        for step in ["Step 1/7", "Step 2/7", "Step 4/7"] { #expect(!run.err.contains(step), "\(step) ran again") }
        #expect(run.err.contains("Step 6/7"))
        #expect(spool.exists("\(p1)/thumb_0.png") && spool.exists("\(p1)/thumb_3.png"))
        #expect(Gallery.mtime(spool.path("\(p1)/thumb_base.png")) == kept, "a present thumbnail was made again")
        #expect((spool.json("\(p1)/urls.json")?["thumbs"] as? [String])?.count == 4)
        #expect(spool.exists("completed/\(id)/index.html") && spool.exists("completed/\(id)/contact-sheet.png"))
    }

    @Test("export: every persona of the completed tasks as RFC 4180 CSV that Python's csv reads back, or JSON Lines; --output writes a file; an unknown task exits 1")
    func export() async throws {
        let spool = try TempSpool("export")
        defer { spool.remove() }
        try await Gallery.complete(spool, id: "exp-a", count: 2)
        try await Gallery.complete(spool, id: "exp-b", count: 3)
        let csv = try await spool.runToEnd(["export"])
        #expect(csv.status == 0, "\(csv.err)")
        let script = """
            import csv, io, json, sys
            rows = list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode('utf-8'), newline='')))
            print(json.dumps(rows))
            """
        let parsed = try JSONSerialization.jsonObject(with: Data(try PythonRunner.run(script, stdin: Array(csv.out.utf8)).utf8)) as? [[String]]
        let rows = try #require(parsed)
        #expect(rows.count == 1 + 5)
        let header = rows[0]
        #expect(header.first == "task_id" && header.contains("bio") && header.contains("thumb_4_url") && header.contains("image_prompt"))
        let bio = try #require(header.firstIndex(of: "bio")), task = try #require(header.firstIndex(of: "task_id"))
        #expect(Set(rows.dropFirst().map { $0[task] }) == ["exp-a", "exp-b"])
        let persona = try #require(spool.json("completed/exp-b/persona_2/persona.json"))
        #expect(rows.contains { $0[task] == "exp-b" && $0[bio] == persona["bio"] as? String })

        let out = spool.base + "/personas.jsonl"
        let jsonl = try await spool.runToEnd(["export", "exp-b", "--format", "jsonl", "--output", out])
        #expect(jsonl.status == 0 && jsonl.err.contains("wrote 3 persona(s)"))
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["task_id"] as? String == "exp-b" && object["persona_index"] as? String == "1")

        let bad = try await spool.runToEnd(["export", "nope"])
        #expect(bad.status == 1 && bad.err.contains("no task 'nope'"))
        let format = try await spool.runToEnd(["export", "--format", "xml"])
        #expect(format.status != 0 && format.err.contains("csv or jsonl"))
    }
}
