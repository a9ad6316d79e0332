import AvatarDomain
import AvatarPipeline
import AvatarSpoolEngine
import AvatarStorage
import AvatarSystem
import AvatarTask
import Foundation

/// `verify`: every output of a finished task against the SHA-256 recorded in
/// its result.json, and every stored object against the record (local store:
/// its content; S3: a HEAD, its `x-amz-meta-sha256`, else ETag and size).
/// With `repair`, an object that differs is published again from the task
/// folder when the folder's file is the recorded one; otherwise the report
/// says which side is authoritative and why.
public struct Verifier: Sendable {
    public let layout: SpoolLayout
    public let store: any ObjectStore
    public let keyPrefix: String

    public init(layout: SpoolLayout, store: any ObjectStore, keyPrefix: String) {
        self.layout = layout
        self.store = store
        self.keyPrefix = keyPrefix
    }

    /// One thing that is not as recorded, and what was or should be done.
    public struct Finding: Codable, Sendable {
        public var taskID: String
        /// "persona_4/image_0.png" (task folder) or an object key (store).
        public var what: String
        public var problem: String
        /// What --repair did, or what to do.
        public var advice: String?
        public var repaired: Bool

        enum CodingKeys: String, CodingKey { case taskID = "task_id", what, problem, advice, repaired }
    }

    public struct Report: Codable, Sendable {
        public var tasks = 0
        public var files = 0
        public var objects = 0
        public var findings: [Finding] = []
        /// Tasks named that have nothing to verify yet (no result.json).
        public var notes: [String] = []
        public var ok: Bool { findings.allSatisfy(\.repaired) }

        public var text: String {
            var out = ""
            for f in findings {
                out += "\(f.taskID): \(f.what): \(f.problem)\n"
                if let advice = f.advice { out += "    \(f.repaired ? "repaired: " : "")\(advice)\n" }
            }
            for n in notes { out += n + "\n" }
            let open = findings.filter { !$0.repaired }.count
            let fixed = findings.count - open
            out += "verified \(tasks) task(s): \(files) file(s) in task folders, \(objects) stored object(s); "
            out += open == 0 && fixed == 0 ? "everything matches the checksums recorded at publish time\n"
                : "\(open) difference(s) left" + (fixed > 0 ? ", \(fixed) repaired" : "") + "\n"
            return out
        }
    }

    /// Verifies `ids` (none: every task in completed/ and failed/ with a result.json).
    public func run(ids: [String], repair: Bool) async -> Report {
        var report = Report()
        let all = ids.isEmpty
        let targets = all ? (layout.taskIDs(in: .completed) + layout.taskIDs(in: .failed)) : ids
        for id in targets {
            guard TaskID.isValid(id), let stage = layout.locate(id) else {
                report.findings.append(Finding(taskID: id, what: "task", problem: "no such task in \(layout.root)",
                                               advice: nil, repaired: false))
                continue
            }
            let folder = layout.taskPath(stage, id)
            guard let bytes = try? AtomicFile.read(folder + "/" + TaskFiles.result, in: AT_FDCWD, limit: 64 << 20) else {
                if !all { report.notes.append("\(id): in \(stage.rawValue)/ without a result.json yet: nothing recorded to verify") }
                continue
            }
            let manifest: ResultManifest
            do {
                manifest = try JSONDecoder().decode(ResultManifest.self, from: Data(bytes))
            } catch {
                report.findings.append(Finding(taskID: id, what: TaskFiles.result,
                                               problem: "\(UnreadableFile(path: TaskFiles.result, error: error))",
                                               advice: "`avatar-spool retry \(id)` writes it again when something is left to do", repaired: false))
                continue
            }
            report.tasks += 1
            for entry in manifest.personas {
                await verify(entry, taskID: id, folder: folder, repair: repair, into: &report)
            }
        }
        return report
    }

    private func verify(_ entry: ResultManifest.Entry, taskID: String, folder: String, repair: Bool,
                        into report: inout Report) async {
        // Published files, by their path in the task folder.
        var published: [String: String] = [:]
        if let base = entry.files["base"]?.first, entry.urls.base != nil { published[base] = "base.png" }
        for (k, path) in (entry.files["images"] ?? []).enumerated() where k < entry.urls.images.count {
            published[path] = "image_\(k).png"
        }
        for path in entry.files.values.flatMap({ $0 }).sorted() {
            report.files += 1
            let local = folder + "/" + path
            let recorded = entry.sha256?[path]
            let now = try? await FileDigest.compute(path: local, partSize: nil)
            let folderOK = recorded == nil ? now != nil : now?.sha256Hex == recorded
            let key = published[path].map { PersonaFiles(entry.index).key(prefix: keyPrefix, taskID: taskID, file: $0) }
            var objectProblem: String?
            if let key {
                report.objects += 1
                objectProblem = await objectState(key: key, localPath: local, expected: recorded ?? now?.sha256Hex, folder: now)
            }
            if !folderOK {
                var advice = remake(entry, path, taskID)
                if let key, objectProblem == nil {
                    advice = "the stored object is authoritative: it still has the bytes recorded at publish time, while the task folder's copy was changed or removed afterwards; nothing is published. Restore the folder's copy from the store"
                        + ((store as? LocalObjectStore).map { ": cp '\($0.path(for: key))' '\(local)'" } ?? " (\(store.publicURL(for: key)))")
                } else if key != nil {
                    advice = "neither the task folder nor the store has the bytes recorded at publish time, so the record is authoritative and nothing can be published again: " + advice
                }
                report.findings.append(Finding(
                    taskID: taskID, what: path + " (task folder)",
                    problem: now == nil ? "missing" : "differs from the SHA-256 recorded at publish time (recorded \(short(recorded)), now \(short(now?.sha256Hex)))",
                    advice: advice, repaired: false))
            }
            guard let key, let problem = objectProblem else { continue }
            var finding = Finding(taskID: taskID, what: "\(key) (\(store.name) store)", problem: problem, advice: nil, repaired: false)
            if folderOK, let now {
                if repair {
                    do {
                        _ = try await store.put(filePath: local, key: key, contentType: "image/png")
                        finding.repaired = true
                        finding.advice = "published again from the task folder (its \(path) is the recorded one)"
                    } catch {
                        finding.advice = "publishing it again from the task folder failed: \(error)"
                    }
                } else {
                    finding.advice = "the task folder's \(path) is the recorded one (SHA-256 \(short(now.sha256Hex))): `avatar-spool verify \(taskID) --repair` publishes it again"
                }
            } else {
                finding.advice = "not published again: the task folder's \(path) is not the recorded one either (see above)"
            }
            report.findings.append(finding)
        }
    }

    /// How to make a file again from its checkpoints.
    private func remake(_ entry: ResultManifest.Entry, _ path: String, _ taskID: String) -> String {
        let p = PersonaFiles(entry.index)
        return "remove \(path) (and \(p.urls)) from the task folder, then `avatar-spool retry \(taskID)` makes it again (images are split again from grid.png when it is intact)"
    }

    /// nil when the object holds `expected`; else what is wrong. With
    /// `localPath`, an object sharing its inode with that file counts as wrong
    /// (an edit of the task folder would change it).
    private func objectState(key: String, localPath: String?, expected: String?, folder: FileDigest?) async -> String? {
        guard let expected else { return "nothing recorded and no file in the task folder to compare with" }
        if let local = store as? LocalObjectStore {
            let objectPath = local.path(for: key)
            guard let digest = try? await FileDigest.compute(path: objectPath, partSize: nil) else { return "missing (\(objectPath))" }
            if let localPath, let a = try? Sys.lstatat(AT_FDCWD, localPath), let b = try? Sys.lstatat(AT_FDCWD, objectPath),
               a.st_dev == b.st_dev && a.st_ino == b.st_ino {
                return "is a hard link to the task folder's file (published before objects were copies): an edit of the folder changes it"
            }
            return digest.sha256Hex == expected ? nil : "differs from the SHA-256 recorded at publish time (recorded \(short(expected)), stored \(short(digest.sha256Hex)))"
        }
        if let s3 = store as? S3Store {
            let object: StoredObject?
            do {
                object = try await s3.head(key: key)
            } catch {
                return "cannot be checked: \(error)"
            }
            guard let object else { return "missing (HEAD answered 404)" }
            if let sha = object.sha256 {
                return sha == expected ? nil : "differs from the SHA-256 recorded at publish time (recorded \(short(expected)), x-amz-meta-sha256 \(short(sha)))"
            }
            // No checksum stored with it: ETag (single-part: MD5) and size, against the folder's file.
            guard let folder, folder.sha256Hex == expected else { return nil }
            if let etag = object.etag, !etag.contains("-"), let md5 = folder.md5Hex, etag != md5 {
                return "its ETag \(etag) is not the MD5 of the recorded bytes (\(md5))"
            }
            if let size = object.size, size != folder.size { return "is \(size) bytes; the recorded file has \(folder.size)" }
            return nil
        }
        return nil
    }

    private func short(_ hex: String?) -> String { hex.map { String($0.prefix(12)) + "…" } ?? "none" }
}
