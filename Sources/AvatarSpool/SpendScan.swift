import AvatarSpend
import AvatarSpoolEngine
import AvatarDomain

/// Every task folder's spend records, from every status folder (the
/// folders are the truth; the ledger and `spend` are derived from them).
public enum SpendScan {
    public static func entries(in layout: SpoolLayout) -> [SpendEntry] {
        TaskStage.allCases.filter { $0 != .pending }.flatMap { stage in
            layout.taskIDs(in: stage).flatMap { id in
                SpendEntry.read(taskID: id, folder: layout.folder(stage) + "/" + id)
            }
        }
    }
}
