import AvatarDomain
import AvatarImaging
import AvatarPages
import Foundation
import Testing

@Suite("Pages, contact sheets and export tables")
struct PagesTests {
    static let hostileBio = "<img src=x onerror=alert(1)> & <script>alert(2)</script> \"q\" 'a' — مرحبا こんにちは 🎉"

    static func person(_ n: Int, bio: String = "A bio.", status: String = "completed") -> TaskPage.Person {
        let q = Persona(firstname: "Ana<b>", lastname: "Silva", gender: "female", age: 30, country: "PT",
                        city: "Lisbon", occupation: "engineer", bio: bio)
        let pics = ["base", "1", "2", "3", "4"].enumerated().map { k, label in
            TaskPage.Picture(label: label, shown: k == 4 ? nil : "persona_\(n)/thumb_\(k).png",
                             full: "persona_\(n)/image_\(k).png", width: 256, height: 236)
        }
        return TaskPage.Person(index: n, status: status, persona: q, pictures: pics,
                               failedStep: status == "failed" ? "step 2/7: base image" : nil,
                               error: status == "failed" ? "<b>refused</b> by the provider" : nil)
    }

    @Test("HTML.escape turns markup into text and keeps every script")
    func escape() {
        #expect(HTML.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTML.escape("مرحبا 山田 😀") == "مرحبا 山田 😀")
        #expect(HTML.path("persona_1/thumb 0.png") == "persona_1/thumb%200.png")
    }

    @Test("a task page escapes every text, gives each img width, height and alt, links thumbnails to the full image, and shows a missing one as a placeholder")
    func taskPage() {
        let page = TaskPage(taskID: "t-1", status: "completed", createdAt: Date(timeIntervalSince1970: 0),
                            finishedAt: "2026-11-30T10:00:00Z", providers: [("data", "builtin<x>")], count: 2,
                            succeeded: 1, failed: 1, usage: ImageUsage(inputTokens: 3, outputTokens: 4, totalTokens: 7),
                            sheets: [.init(file: "contact-sheet.png", width: 1316, height: 270)],
                            personas: [Self.person(1, bio: Self.hostileBio), Self.person(2, status: "failed")])
        let html = page.render()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("مرحبا こんにちは 🎉"))
        #expect(html.contains("Ana&lt;b&gt; Silva"))
        #expect(html.contains("builtin&lt;x&gt;"))
        #expect(html.contains("failed at step 2/7: base image: &lt;b&gt;refused&lt;/b&gt;"))
        #expect(html.contains("<a href=\"persona_1/image_0.png\"><img src=\"persona_1/thumb_0.png\" width=\"200\" height=\"184\" alt=\"Ana&lt;b&gt; Silva, base\">"))
        #expect(html.contains("image missing"))
        #expect(html.contains("prefers-color-scheme:dark"))
        #expect(html.contains("name=\"viewport\""))
        #expect(html.contains("7 (input 3, output 4)"))
        // Relative links only: nothing fetched from elsewhere.
        for attr in ["src=\"", "href=\""] {
            for part in html.components(separatedBy: attr).dropFirst() {
                #expect(!part.hasPrefix("http") && !part.hasPrefix("/") && !part.hasPrefix("//"), "\(part.prefix(40))")
            }
        }
        let imgs = html.components(separatedBy: "<img ").dropFirst()
        #expect(imgs.count == 9) // 8 thumbnails + the sheet
        for tag in imgs { #expect(tag.contains("width=\"") && tag.contains("height=\"") && tag.contains("alt=\"")) }
    }

    @Test("the spool page for 10 000 tasks with long ids stays under 2 MB, lists unfinished ones with progress, and escapes")
    func spoolPageSize() {
        let now = Date()
        var rows: [SpoolPage.Row] = []
        for i in 0..<10_000 {
            let status = i % 100 == 0 ? "generating-images" : (i % 10 == 0 ? "failed" : "completed")
            rows.append(.init(taskID: String(repeating: "x", count: 90) + String(i), status: status, count: 10,
                              done: 7, failed: 1, step: "images 8/10, next step 4/7", createdAt: now - Double(i * 60)))
        }
        rows.append(.init(taskID: "<script>", status: "completed", count: 1, done: 1, failed: 0, step: nil, createdAt: nil))
        let html = SpoolPage(spool: "/srv/<spool>", pending: 3, rows: rows, generatedAt: now).render()
        #expect(html.utf8.count < 2_000_000, "\(html.utf8.count) bytes")
        #expect(!html.contains("<script>"))
        #expect(html.contains("generating-images (100)"))
        #expect(html.contains("<progress max=\"10\" value=\"8\"></progress> images 8/10, next step 4/7"))
        let note = "and \(9001 - SpoolPage.maxRowsPerStatus) older tasks in completed/"
        #expect(html.contains(note) == true, "\(html.suffix(300))")
        #expect(html.contains("href=\"failed/\(String(repeating: "x", count: 90))10/index.html\""))
        #expect(html.contains("/srv/&lt;spool&gt;"))
    }

    @Test("contact sheets: at most 2048 px wide, one row per persona, more sheets past the height limit, placeholders where pictures are missing")
    func contactSheet() {
        let face = PixelImage(width: 60, height: 56, channels: 4, fill: (r: 200, g: 30, b: 30))
        let cell = ContactSheet.cellSize(thumbSize: 256)
        let perSheet = ContactSheet.rowsPerSheet(cell: cell)
        let rows: [[PixelImage?]] = (0..<(perSheet + 2)).map { n in n == 1 ? [nil, nil, nil, nil, nil] : [face, face, face, face, nil] }
        let sheets = ContactSheet.compose(rows: rows, cell: cell)
        #expect(sheets.count == 2)
        #expect(sheets.allSatisfy { $0.width <= ContactSheet.maxWidth && $0.height <= ContactSheet.maxHeight })
        #expect(sheets[1].height == 2 * (cell + ContactSheet.gutter) + ContactSheet.gutter)
        #expect(ContactSheet.cellSize(thumbSize: 1024) * 5 + 6 * ContactSheet.gutter <= ContactSheet.maxWidth)
        // Cells: 128 px, or the thumbnail's side when smaller.
        #expect([64, 128, 200, 256, 600].map { ContactSheet.cellSize(thumbSize: $0) } == [64, 128, 128, 128, 128])
        // Row 0, cell 0 holds the face; row 1 is a placeholder (grey, not red).
        let g = ContactSheet.gutter
        #expect(sheets[0].rgb(x: g + cell / 2, y: g + cell / 2) == (200, 30, 30))
        let ph = sheets[0].rgb(x: g + 2, y: g + (cell + g) + 2)
        #expect(ph.r == ph.g && ph.g == ph.b && ph.r > 150)
        #expect(ContactSheet.compose(rows: [], cell: cell).isEmpty)
    }

    @Test("CSV (RFC 4180) with commas, quotes, newlines and non-Latin script round-trips through Python's csv module; JSON Lines through json")
    func exportRoundTrip() throws {
        let rows: [[String?]] = [["t", "1", Self.hostileBio + ",\r\nline \"two\"", nil], ["t", "2", "plain", "x,y"]]
        let table = ExportTable(columns: ["task_id", "persona_index", "bio", "url"], rows: rows)
        #expect(table.csv.hasSuffix("\r\n"))
        let script = """
            import csv, io, json, sys
            data = sys.stdin.buffer.read().decode('utf-8')
            csv_part, jsonl_part = data.split('\\x00')
            print(json.dumps({"csv": list(csv.reader(io.StringIO(csv_part, newline=''))),
                              "jsonl": [json.loads(l) for l in jsonl_part.splitlines()]}))
            """
        let out = try PythonRunner.run(script, stdin: Array((table.csv + "\u{0}" + table.jsonl).utf8))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let csvRows = try #require(parsed["csv"] as? [[String]])
        #expect(csvRows == [table.columns] + rows.map { $0.map { $0 ?? "" } })
        let json = try #require(parsed["jsonl"] as? [[String: Any]])
        #expect(json.count == 2)
        #expect(json[0]["bio"] as? String == rows[0][2])
        #expect(json[0]["url"] is NSNull)
    }
}

/// Runs a Python snippet with bytes on its standard input.
enum PythonRunner {
    static func run(_ script: String, stdin: [UInt8]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(stdin))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw PythonFailed(status: p.terminationStatus) }
        return String(decoding: data, as: UTF8.self)
    }

    struct PythonFailed: Error { let status: Int32 }
}
