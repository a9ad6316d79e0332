import AvatarPostgres

/// The index's tables in PostgreSQL, in the old service's shape (DESIGN.md
/// §6): the old service's SQL runs unchanged against them. The same
/// versions as the SQLite migrator (IndexSchema); every statement is
/// idempotent (IF NOT EXISTS), so a database that already holds the old
/// service's tables is adopted, not rejected.
enum PostgresSchema {
    /// pg_advisory_xact_lock key for migrations ("avatarsp" in ASCII): one
    /// migrator at a time across every processor and host.
    static let migrationLock = "6090059987117699952"

    static let migrations: [(version: String, sql: [String])] = [
        ("v1", [
            """
            CREATE TABLE IF NOT EXISTS generation_tasks (
                id SERIAL PRIMARY KEY,
                task_id TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL,
                count INTEGER NOT NULL DEFAULT 0,
                persona_params JSONB,
                image_params JSONB,
                completed_personas INTEGER NOT NULL DEFAULT 0,
                failed_personas INTEGER NOT NULL DEFAULT 0,
                current_step TEXT,
                error_log TEXT,
                created_at TIMESTAMP NOT NULL DEFAULT now(),
                updated_at TIMESTAMP NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX IF NOT EXISTS generation_tasks_status ON generation_tasks(status)",
            """
            CREATE TABLE IF NOT EXISTS generation_results (
                id SERIAL PRIMARY KEY,
                task_id INTEGER NOT NULL REFERENCES generation_tasks(id) ON DELETE CASCADE,
                persona_index INTEGER NOT NULL,
                firstname TEXT,
                lastname TEXT,
                gender TEXT,
                age INTEGER,
                country TEXT,
                city TEXT,
                occupation TEXT,
                bio TEXT,
                image_prompt TEXT,
                status TEXT NOT NULL,
                error TEXT,
                base_image_url TEXT,
                image_1_url TEXT,
                image_2_url TEXT,
                image_3_url TEXT,
                image_4_url TEXT,
                created_at TIMESTAMP NOT NULL DEFAULT now(),
                updated_at TIMESTAMP NOT NULL DEFAULT now()
            )
            """,
            // Upserts need it; an adopted old-service table may lack it.
            "CREATE UNIQUE INDEX IF NOT EXISTS generation_results_task_persona ON generation_results(task_id, persona_index)",
        ]),
        // Thumbnails (issue 8): new nullable columns.
        ("v2-thumbnails", ["base_thumb_url", "thumb_1_url", "thumb_2_url", "thumb_3_url", "thumb_4_url"].map {
            "ALTER TABLE generation_results ADD COLUMN IF NOT EXISTS \($0) TEXT"
        }),
        // Spend (issue 10): what each task and persona cost, nullable.
        ("v3-cost", [
            "ALTER TABLE generation_tasks ADD COLUMN IF NOT EXISTS cost_usd DOUBLE PRECISION",
            "ALTER TABLE generation_results ADD COLUMN IF NOT EXISTS cost_usd DOUBLE PRECISION",
        ]),
        // Leases (issue 13, PostgreSQL only): each task's epoch, incremented at
        // every takeover, and what happened to each lease (LeaseTables.swift).
        ("v4-leases", LeaseTables.schema),
        ("v5-lease-trust", LeaseTables.trust),
    ]

    /// Applies the missing migrations in one transaction under an advisory
    /// lock, so processors starting at once migrate one after the other
    /// (the later ones find nothing to do). The transaction-level lock is
    /// released at COMMIT or ROLLBACK, and with the session if we die.
    /// - Throws: `PGError` from the server.
    static func migrate(_ s: PGSession) throws {
        try s.transaction(context: "migrate the index schema") {
            // libpq prints NOTICEs ("already exists, skipping") to stderr.
            try s.query("SET LOCAL client_min_messages = warning", context: "migrate the index schema")
            try s.query("SELECT pg_advisory_xact_lock($1::bigint)", [migrationLock], context: "migration lock")
            try s.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version TEXT PRIMARY KEY,
                    applied_at TIMESTAMP NOT NULL DEFAULT now()
                )
                """, context: "migrate the index schema")
            let done = Set(try s.query("SELECT version FROM schema_migrations").compactMap { $0["version"] ?? nil })
            for m in migrations where !done.contains(m.version) {
                for sql in m.sql { try s.query(sql, context: "migration \(m.version)") }
                try s.query("INSERT INTO schema_migrations (version) VALUES ($1)", [m.version], context: "migration \(m.version)")
            }
        }
    }
}
