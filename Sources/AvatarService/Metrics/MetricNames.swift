/// Every metric avatar-spool exports, with its help text: the one list that
/// the exposition's `# HELP` lines, the README and the tests read.
/// (swift-metrics carries no help text, so the exporter adds it from here.)
public enum MetricNames {
    public static let help: [String: String] = [
        "avatar_spool_tasks": "Tasks in each folder of the spool (pending counts task files).",
        "avatar_tasks_finished_total": "Tasks that reached completed/ or failed/, by status.",
        "avatar_personas_finished_total": "Personas finished, by outcome (succeeded or failed).",
        "avatar_provider_requests_total": "Remote provider requests (each attempt), by provider, kind and HTTP status (error: no response).",
        "avatar_provider_request_duration_seconds": "Time of one remote provider request, by provider and kind.",
        "avatar_provider_retries_total": "Remote provider requests retried after a transient failure.",
        "avatar_provider_rate_limited_total": "Remote provider answers with HTTP 429.",
        "avatar_objects_stored_total": "Objects written to the object store (local or S3).",
        "avatar_stored_bytes_total": "Bytes written to the object store.",
        "avatar_claim_duration_seconds": "Time to judge and claim one pending task file.",
        "avatar_oldest_pending_age_seconds": "Age of the oldest task file waiting in pending/ (0 when none).",
        "avatar_stalled_tasks": "Tasks with a live processor but no new checkpoint for AVATAR_STALL_SECONDS.",
        "avatar_tokens_total": "Tokens used by finished tasks' image requests, by kind (input, output).",
        "avatar_hooks_total": "Finish hooks run, by hook (on_finish, webhook) and outcome.",
        "avatar_processor_start_time_seconds": "When this processor started (Unix time).",
    ]
}
