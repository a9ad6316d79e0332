import Foundation

/// Names one paid request for the provider and for us: sent as OpenAI's
/// `X-Client-Request-Id` header (ASCII, at most 512 characters; OpenAI's API
/// reference, read 2026-11-30), `<task>/p<persona>/<step>/e<epoch>/<8 hex>`.
/// The epoch is the task's lease epoch (AVATAR_LEASES=postgres; 0 without
/// leases), set for the call by the composition root's lease guard, so a
/// provider's or fake's request log says which holder of a task asked.
public enum RequestTag {
    @TaskLocal public static var epoch: Int64 = 0

    /// The header's value for one request (task ids are `[A-Za-z0-9._-]`).
    public static func id(task: String, persona: Int, step: String) -> String {
        "\(task)/p\(persona)/\(step)/e\(epoch)/" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }
}
