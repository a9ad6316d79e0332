import AvatarDomain
import AvatarImaging
import AvatarPages
import AvatarPipeline
import AvatarSystem
import Foundation
import Logging

/// Writes a finished task's contact sheet(s) and `index.html` from its
/// folder. Pages never break a task: every failure is logged and swallowed.
struct TaskPageBuilder: Sendable {
    let thumbSize: Int
    let logger: Logger

    func write(_ ws: TaskWorkspace, snapshot: TaskSnapshot, manifest: ResultManifest) async {
        do {
            let plan = pictures(ws, snapshot: snapshot)
            // The contact sheet is made from the thumbnails: none when they are off.
            var sheets: [(png: [UInt8], width: Int, height: Int)] = []
            if thumbSize > 0 {
                let cell = ContactSheet.cellSize(thumbSize: thumbSize), kept = snapshot.keptThumbnails
                let rows: [[SheetPicture?]] = snapshot.personas.map { p in
                    p.state == .failed ? Array(repeating: nil, count: 5)
                        : plan[p.index, default: []].map { Self.source($0, kept: kept, in: ws) }
                }
                // Decoding, composing and encoding block: on the I/O pool.
                sheets = try await BlockingPool.shared.run { try Self.sheets(rows, cell: cell) }
            }
            var files = sheets.enumerated().map { (path: TaskFiles.contactSheet($0.offset + 1), bytes: $0.element.png) }
            var page = TaskPage(
                taskID: snapshot.taskID, status: manifest.status, createdAt: snapshot.createdAt,
                finishedAt: manifest.finishedAt,
                providers: [("data", manifest.providers.data), ("images", manifest.providers.images),
                            ("storage", manifest.providers.storage)],
                count: manifest.count, succeeded: manifest.succeeded, failed: manifest.failed, usage: manifest.usage,
                sheets: sheets.enumerated().map {
                    TaskPage.Sheet(file: TaskFiles.contactSheet($0.offset + 1), width: $0.element.width, height: $0.element.height)
                },
                personas: snapshot.personas.map { p in
                    TaskPage.Person(index: p.index, status: p.state.rawValue, persona: p.persona,
                                    pictures: plan[p.index, default: []], failedStep: p.failure?.step,
                                    error: p.failure?.message)
                })
            // The sheets and the page in one batch: one sync of the folder.
            page.costUSD = manifest.costUSD
            files.append((path: TaskFiles.page, bytes: Array(page.render().utf8)))
            try await ws.writeAll(files)
        } catch {
            logger.warning("[Task \(ws.taskID)] task page or contact sheet not written: \(error); the task is unaffected")
        }
    }

    /// What each persona shows: its thumbnails where present, else the
    /// full-size image, else a placeholder (deleted by hand, or never made).
    func pictures(_ ws: TaskWorkspace, snapshot: TaskSnapshot) -> [Int: [TaskPage.Picture]] {
        var out: [Int: [TaskPage.Picture]] = [:]
        for p in snapshot.personas where p.persona != nil {
            let f = PersonaFiles(p.index)
            let labels = ["base", "1", "2", "3", "4"]
            out[p.index] = zip(labels, f.thumbnails).map { label, pair in
                let full = ws.exists(pair.original) ? pair.original : nil
                let candidates = [pair.thumb, pair.original].filter(ws.exists)
                for path in candidates {
                    if let size = Self.pngSize(ws.absolutePath(path)) {
                        return TaskPage.Picture(label: label, shown: path, full: full, width: size.width, height: size.height)
                    }
                }
                return TaskPage.Picture(label: label, shown: nil, full: full, width: 0, height: 0)
            }
        }
        return out
    }

    /// The size from a PNG's header (24 bytes read); nil when it is not a PNG.
    static func pngSize(_ path: String) -> (width: Int, height: Int)? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        guard let data = try? h.read(upToCount: PNGHeader.byteCount) else { return nil }
        return PNGHeader.size(Array(data))
    }

    /// Where the sheet gets a picture from: this run's pixels of a thumbnail
    /// whose file is still the one written from them, else the file.
    enum SheetPicture: Sendable {
        case pixels(PixelImage)
        case file(String)
    }

    static func source(_ picture: TaskPage.Picture, kept: [String: KeptThumbnails.Entry],
                       in ws: TaskWorkspace) -> SheetPicture? {
        guard let shown = picture.shown else { return nil }
        let path = ws.absolutePath(shown)
        if let entry = kept[shown], entry.image.width == picture.width, entry.image.height == picture.height,
           fileSize(path) == entry.fileSize {
            return .pixels(entry.image)
        }
        return .file(path)
    }

    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    /// Decodes each picture not kept (an unreadable one becomes a
    /// placeholder) and composes the sheets as PNGs.
    static func sheets(_ rows: [[SheetPicture?]], cell: Int) throws -> [(png: [UInt8], width: Int, height: Int)] {
        let images: [[PixelImage?]] = rows.map { row in
            row.map { picture in
                switch picture {
                case .pixels(let image): return image
                case .file(let path):
                    guard let data = FileManager.default.contents(atPath: path) else { return nil }
                    return try? PNGCodec.decode(Array(data))
                case nil: return nil
                }
            }
        }
        return try ContactSheet.compose(rows: images, cell: cell).map {
            (try PNGCodec.encodeFast($0), $0.width, $0.height)
        }
    }
}
