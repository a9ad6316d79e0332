/// The columns both index engines write, in one place: the SQLite and the
/// PostgreSQL upserts are built from these lists, so a new column is added
/// once (and to each engine's migration).
enum IndexColumns {
    /// generation_results, in the order of the upsert's values (before the
    /// two times and cost_usd, which each engine writes in its own dialect).
    static let results = [
        "task_id", "persona_index", "firstname", "lastname", "gender", "age", "country", "city", "occupation", "bio",
        "image_prompt", "status", "error", "base_image_url", "image_1_url", "image_2_url", "image_3_url", "image_4_url",
        "base_thumb_url", "thumb_1_url", "thumb_2_url", "thumb_3_url", "thumb_4_url",
    ]
    static let resultsTail = ["created_at", "updated_at", "cost_usd"]

    /// `INSERT INTO generation_results (…) VALUES (<values>) ON CONFLICT … DO UPDATE SET …`.
    /// - Parameter values: the engine's placeholders and expressions, one per column of `results + resultsTail`.
    static func resultsUpsert(values: [String]) -> String {
        let all = results + resultsTail
        precondition(values.count == all.count, "one value per column")
        let updated = all.filter { !["task_id", "persona_index", "created_at"].contains($0) }
        return "INSERT INTO generation_results (\(all.joined(separator: ", "))) VALUES (\(values.joined(separator: ", "))) "
            + "ON CONFLICT (task_id, persona_index) DO UPDATE SET "
            + updated.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    }
}
