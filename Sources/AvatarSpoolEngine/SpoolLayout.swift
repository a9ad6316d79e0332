import AvatarDomain
import AvatarSystem
import Foundation

/// Where everything lives in a spool (DESIGN.md §2).
public struct SpoolLayout: Sendable {
    /// Absolute path of the spool folder, symlinks resolved: every path and
    /// local object URL is the same however `--spool` was spelled.
    public let root: String
    /// Who may work on a task or claim: the folder's flock alone on one host
    /// (the default), or leases every host sees (AVATAR_LEASES=postgres).
    public var ownership: any Ownership = LocalOwnership()

    public init(root: String) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.root = Self.resolve(URL(fileURLWithPath: absolute).standardizedFileURL.path)
    }

    /// realpath(3) of the deepest part of `path` that exists, with the rest
    /// (folders not made yet) appended as given.
    static func resolve(_ path: String) -> String {
        var head = path
        var rest: [String] = []
        while head != "/" && !head.isEmpty {
            if let resolved = Sys.realpath(head) {
                return ([resolved == "/" ? "" : resolved] + rest.reversed()).joined(separator: "/")
            }
            let url = URL(fileURLWithPath: head)
            rest.append(url.lastPathComponent)
            head = url.deletingLastPathComponent().path
        }
        return path
    }

    public var tmp: String { root + "/tmp" }
    public var indexPath: String { root + "/index.sqlite" }
    public var objects: String { root + "/objects" }

    public func folder(_ stage: TaskStage) -> String { root + "/" + stage.rawValue }

    public func taskPath(_ stage: TaskStage, _ id: String) -> String { folder(stage) + "/" + id }

    /// Creates the spool's folders where missing.
    /// - Throws: `SystemError` from mkdir.
    public func create() throws {
        for path in [root, tmp] + TaskStage.allCases.map(folder) {
            do { try Sys.mkdirat(AT_FDCWD, path) } catch let e as SystemError where e.errno == EEXIST {}
        }
    }

    /// Opens a status folder (or tmp) as a directory fd, closed with its owner.
    func openFolder(_ path: String) throws -> OwnedFD {
        try Sys.openOwned(path, O_RDONLY | O_DIRECTORY)
    }

    /// The status folder a task id currently sits in, if any.
    public func locate(_ id: String) -> TaskStage? {
        for stage in TaskStage.allCases where stage != .pending {
            if let st = try? Sys.lstatat(AT_FDCWD, taskPath(stage, id)), (st.st_mode & S_IFMT) == S_IFDIR { return stage }
        }
        return nil
    }

    /// Task ids in a status folder (dot-names skipped), sorted.
    public func taskIDs(in stage: TaskStage) -> [String] {
        ((try? Sys.listDirectory(folder(stage))) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}
