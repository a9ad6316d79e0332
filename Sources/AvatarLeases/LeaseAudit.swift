import AvatarSystem
import Foundation

/// AVATAR_TEST_AUDIT_FILE (a test switch): one JSON line per guarded action
/// of a leased task (`{"t":…,"node":…,"pid":…,"task":…,"epoch":…,"action":…,"what":…}`),
/// appended with O_APPEND in one write each, so several processors (and
/// hosts) can share one file. The multi-host tests compare it with the
/// lease events to prove that no processor touched a task after another
/// took it over.
public final class LeaseAudit: Sendable {
    let fd: Int32

    public init?(path: String?) {
        guard let path, !path.isEmpty,
              let fd = try? Sys.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) else { return nil }
        self.fd = fd
    }

    deinit { Sys.close(fd) }

    func append(node: String, task: String, epoch: Int64, action: String, what: String) {
        let line: [String: Any] = [
            "t": Date().timeIntervalSince1970, "node": node, "pid": Int(getpid()), "task": task,
            "epoch": epoch, "action": action, "what": what,
        ]
        guard var bytes = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) else { return }
        bytes.append(0x0A)
        bytes.withUnsafeBytes { try? Sys.writeAll(fd, $0, path: "audit") }
    }
}
