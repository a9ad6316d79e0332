/// The one rule for task ids, as every command (and the processor's
/// duplicate report) words it.
public enum IDRule {
    public static let text = "A task id names one task for the life of the spool: submit refuses an id that is in pending/ or any status folder, and a file dropped by hand with a used id is kept as failed/<id>.dup-<n> (or dropped when identical)."
}
