import GRDB

/// The index's tables, in the old service's shape (DESIGN.md §6), so its
/// operators' queries keep working.
enum IndexSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE generation_tasks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    task_id TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    count INTEGER NOT NULL DEFAULT 0,
                    persona_params TEXT,
                    image_params TEXT,
                    completed_personas INTEGER NOT NULL DEFAULT 0,
                    failed_personas INTEGER NOT NULL DEFAULT 0,
                    current_step TEXT,
                    error_log TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE INDEX generation_tasks_status ON generation_tasks(status);
                CREATE TABLE generation_results (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    UNIQUE(task_id, persona_index)
                );
                """)
        }
        // Thumbnails (issue 8): new nullable columns; the old ones and the
        // old service's queries are unchanged.
        m.registerMigration("v2-thumbnails") { db in
            for column in ["base_thumb_url", "thumb_1_url", "thumb_2_url", "thumb_3_url", "thumb_4_url"] {
                try db.execute(sql: "ALTER TABLE generation_results ADD COLUMN \(column) TEXT")
            }
        }
        // Spend (issue 10): what each task and persona cost, nullable.
        m.registerMigration("v3-cost") { db in
            try db.execute(sql: "ALTER TABLE generation_tasks ADD COLUMN cost_usd REAL")
            try db.execute(sql: "ALTER TABLE generation_results ADD COLUMN cost_usd REAL")
        }
        return m
    }
}
