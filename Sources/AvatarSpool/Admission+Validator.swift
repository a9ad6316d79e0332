import AvatarSpoolEngine
import AvatarTask

extension Admission {
    /// The processor's judgement of a task file: the task validator, with
    /// the image provider's size rule.
    static func make(sizeRule: ImageSizeRule) -> Admit {
        { bytes, fileName in
            switch TaskValidator.validate(bytes: bytes, fileName: fileName, sizeRule: sizeRule) {
            case .success(let spec):
                return .valid(spec)
            case .failure(let error):
                return .invalid(taskID: explicitTaskID(bytes), message: error.description,
                                issues: error.issues, incomplete: error.unparsable)
            }
        }
    }

    /// A valid `task_id` in a file that is otherwise invalid, so the task
    /// fails under the name its author chose.
    static func explicitTaskID(_ bytes: [UInt8]) -> String? {
        guard bytes.count <= TaskValidator.maxFileBytes,
              let doc = try? JSONParser(options: .init(maxDepth: TaskValidator.maxDepth,
                                                       maxStringBytes: TaskValidator.maxStringBytes)).parse(bytes),
              let id = doc["task_id"]?.stringValue, TaskID.isValid(id) else { return nil }
        return id
    }
}
