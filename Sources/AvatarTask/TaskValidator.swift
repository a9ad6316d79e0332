import AvatarSystem

/// Checks a task file (version 1) and turns it into a `TaskSpec`, collecting
/// every problem rather than stopping at the first. The rules are documented
/// in docs/task-file.md and examples/task.schema.json.
public enum TaskValidator {
    /// Larger files are refused before parsing (1 MiB).
    public static let maxFileBytes = 1 << 20
    /// Deepest nesting the parser accepts; a task file needs 2.
    public static let maxDepth = 64
    /// Longest string the parser accepts, in bytes; the longest field allows 2000 characters.
    public static let maxStringBytes = 100_000

    public static let countRange = 1...1000
    public static let ageRange = 18...100
    public static let sideRange = 256...4096
    public static let maxDescriptionLength = 2000
    public static let maxStyleLength = 500
    /// The largest `budget_usd` a task may set.
    public static let maxBudgetUSD = 100_000.0

    /// Validates the bytes of a task file.
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - fileName: the file's name, for messages and to derive the task id
    ///     when the file has no `task_id`.
    ///   - sizeRule: the image sizes the configured image models can make;
    ///     `.anyInRange` accepts every size in `sideRange` and `auto`.
    public static func validate(bytes: [UInt8], fileName: String,
                                sizeRule: ImageSizeRule = .anyInRange) -> Result<TaskSpec, TaskValidationError> {
        if bytes.count > maxFileBytes {
            return .failure(TaskValidationError(fileName: fileName, issues: [tooLarge(bytes.count)]))
        }
        let document: JSONValue
        do {
            document = try JSONParser(options: .init(maxDepth: maxDepth, maxStringBytes: maxStringBytes)).parse(bytes)
        } catch {
            let issue: ValidationIssue
            if error.code == .empty {
                issue = ValidationIssue(path: "$", expected: "a JSON object like {\"count\": 4}",
                                        got: bytes.isEmpty ? "an empty file" : "only whitespace", hint: "the file is empty")
            } else {
                issue = ValidationIssue(path: "$", expected: "a valid JSON document in UTF-8", got: error.description)
            }
            return .failure(TaskValidationError(fileName: fileName, issues: [issue], unparsable: true))
        }
        var checker = TaskChecker(sizeRule: sizeRule)
        let spec = checker.check(document, fileName: fileName)
        if let spec, checker.issues.isEmpty { return .success(spec) }
        return .failure(TaskValidationError(fileName: fileName, issues: checker.issues))
    }

    /// Reads and validates the file at `path` without following a symbolic
    /// link, without blocking on a FIFO, and without reading more than
    /// `maxFileBytes` (a larger file is refused by its size).
    public static func validate(fileAt path: String,
                                sizeRule: ImageSizeRule = .anyInRange) -> Result<TaskSpec, TaskValidationError> {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        func fail(_ expected: String, _ got: String) -> Result<TaskSpec, TaskValidationError> {
            .failure(TaskValidationError(fileName: fileName, issues: [ValidationIssue(path: "$", expected: expected, got: got)]))
        }
        let bytes: [UInt8]
        do {
            let file: OwnedFD
            do {
                file = try Sys.openOwned(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
            } catch let error as SystemError where error.errno == ELOOP {
                return fail("a regular file", "a symbolic link (never followed)")
            }
            let fd = file.raw
            let st = try Sys.fstat(fd, path: path)
            let kind = st.st_mode & S_IFMT
            guard kind == S_IFREG else {
                let got = kind == S_IFDIR ? "a directory" : kind == S_IFIFO ? "a FIFO" : kind == S_IFSOCK ? "a socket" : "a device or special file"
                return fail("a regular file", got)
            }
            if Int(st.st_size) > maxFileBytes {
                return .failure(TaskValidationError(fileName: fileName, issues: [tooLarge(Int(st.st_size))]))
            }
            bytes = try Sys.readAll(fd, limit: maxFileBytes, path: path)
        } catch let error as SystemError where error.errno == EFBIG {
            return .failure(TaskValidationError(fileName: fileName, issues: [tooLarge(maxFileBytes + 1, atLeast: true)]))
        } catch {
            return fail("a readable regular file", "\(error)")
        }
        return validate(bytes: bytes, fileName: fileName, sizeRule: sizeRule)
    }

    static func tooLarge(_ size: Int, atLeast: Bool = false) -> ValidationIssue {
        ValidationIssue(path: "$", expected: "a file of at most 1 MiB (\(maxFileBytes) bytes)",
                        got: "\(atLeast ? "more than " : "")\(atLeast ? maxFileBytes : size) bytes",
                        hint: "the file is too large; a task file is a few hundred bytes")
    }
}
