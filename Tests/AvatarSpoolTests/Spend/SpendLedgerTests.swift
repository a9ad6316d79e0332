import AvatarDomain
import AvatarSpend
import AvatarTask
import Foundation
import Logging
import Testing

@Suite("Spend ledger and budgets", .serialized)
struct SpendLedgerTests {
    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "ledger-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("reservations count against the day and the task; settling turns one into its cost; a redone request counts once")
    func reserveAndSettle() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ledger = SpendLedger(directory: dir + "/ledger", rebuild: { [] })
        guard case .reserved(let a) = try ledger.reserve(task: "t", key: "t/1/base", usd: 0.04, day: "2026-11-30",
                                                          dailyBudget: 0.10, taskBudget: nil) else { Issue.record("a"); return }
        guard case .reserved(let b) = try ledger.reserve(task: "t", key: "t/1/grid", usd: 0.04, day: "2026-11-30",
                                                          dailyBudget: 0.10, taskBudget: nil) else { Issue.record("b"); return }
        #expect(try ledger.reserve(task: "u", key: "u/1/base", usd: 0.04, day: "2026-11-30", dailyBudget: 0.10, taskBudget: nil)
                    == .overDaily(committed: 0.08))
        try ledger.settle(a, cost: 0.02, day: "2026-11-30")
        try ledger.settle(b, cost: nil, day: "2026-11-30") // failed: nothing spent
        var state = try ledger.read()
        #expect(state.reserved.isEmpty && state.spent(day: "2026-11-30") == 0.02 && state.spent(task: "t") == 0.02)
        #expect(try ledger.reserve(task: "t", key: "t/2/base", usd: 0.04, day: "2026-11-30", dailyBudget: nil, taskBudget: 0.05)
                    == .overTask(committed: 0.02))
        // The same request settled again (redone after a crash) replaces its record.
        guard case .reserved(let again) = try ledger.reserve(task: "t", key: "t/1/base", usd: 0.04, day: "2026-11-30",
                                                              dailyBudget: nil, taskBudget: nil) else { return }
        try ledger.settle(again, cost: 0.03, day: "2026-11-30")
        state = try ledger.read()
        #expect(state.spent(day: "2026-11-30") == 0.03)
    }

    @Test("a reservation whose process died is dropped; a lost ledger is rebuilt equal to the folders' records")
    func phantomsAndRebuild() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let records = [SpendEntry(taskID: "t", persona: 1, request: "base", provider: "openai", model: "dall-e-2",
                                  day: "2026-11-30", costUSD: 0.02),
                       SpendEntry(taskID: "t", persona: 1, request: "grid", provider: "openai", model: "dall-e-2",
                                  day: "2026-11-30", costUSD: 0.02)]
        let ledger = SpendLedger(directory: dir + "/ledger", rebuild: { records })
        // A process that no longer exists reserved money: a kill -9 mid-request.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        var state = try ledger.read() // rebuilt from the records (no file yet)
        #expect(state.spent(day: "2026-11-30") == 0.04)
        state.reserved = [SpendLedger.Reservation(id: "x", task: "t", key: "t/2/base", usd: 0.5, day: "2026-11-30",
                                                  pid: dead.processIdentifier, host: ProcessInfo.processInfo.hostName)]
        try JSONEncoder().encode(state).write(to: URL(fileURLWithPath: dir + "/ledger/ledger.json"))
        #expect(try ledger.read().reserved.isEmpty)
        try FileManager.default.removeItem(atPath: dir + "/ledger/ledger.json")
        #expect(try ledger.reconcile().settled == (try ledger.read()).settled)
        #expect(try ledger.read().spent(task: "t") == 0.04)
    }

    /// An image provider that answers at once with a fixed cost.
    struct PricedImages: ImageProvider {
        let cost: Double
        var name: String { "priced" }
        var sizeRule: ImageSizeRule { .anyInRange }
        func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
            GeneratedImage(png: [1], usage: ImageUsage(inputTokens: 0, outputTokens: 0, totalTokens: 0, model: "dall-e-2", costUSD: cost))
        }
        func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
            try await baseImage(prompt: prompt, persona: persona, task: task, index: index)
        }
    }

    @Test("over the daily budget a request waits (never fails) and goes on the next UTC day; over budget_usd it fails with 'task budget reached'")
    func guardWaitsAndFails() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clockFile = dir + "/now"
        try "2026-11-30T10:00:00Z".write(toFile: clockFile, atomically: true, encoding: .utf8)
        let config = SpendConfig(imageProvider: "openai", imageModel: "dall-e-2", editModel: "dall-e-2")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let spendGuard = SpendGuard(ledger: SpendLedger(directory: dir + "/ledger", rebuild: { [] }), clock: SpendClock(file: clockFile),
                                    dailyBudget: 0.04, config: config, prices: .shipped, logger: logger, recheck: .milliseconds(20))
        let images = BudgetedImageProvider(PricedImages(cost: 0.02), spendGuard: spendGuard)
        let persona = Persona(firstname: "A", lastname: "B", gender: "female", age: 30, country: "PT", city: "Lisbon", occupation: "x", bio: "y")
        let task = TaskSpec(taskID: "t", count: 3, images: ImageOptions(size: ImageSize(width: 1024, height: 1024)))
        _ = try await images.baseImage(prompt: "p", persona: persona, task: task, index: 1)
        _ = try await images.gridImage(base: [], prompt: "p", persona: persona, task: task, index: 1)
        let third = Task { try await images.baseImage(prompt: "p", persona: persona, task: task, index: 2) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(spendGuard.waitingNow?.committed == 0.04)
        #expect(spendGuard.waitingNow?.text.contains("2026-12-01T00:00:00Z") == true)
        try "2026-12-01T00:00:01Z".write(toFile: clockFile, atomically: true, encoding: .utf8)
        _ = try await third.value
        let state = try spendGuard.ledger.read()
        #expect(state.spent(day: "2026-11-30") == 0.04)
        #expect(state.reserved.isEmpty)

        // A raised budget (SIGHUP) applies at once; then only the task's own budget limits.
        spendGuard.setDailyBudget(nil)
        var capped = task
        capped.taskID = "capped"
        capped.budgetUSD = 0.03
        _ = try await images.baseImage(prompt: "p", persona: persona, task: capped, index: 1)
        let error = await #expect(throws: ProviderError.self) {
            _ = try await images.gridImage(base: [], prompt: "p", persona: persona, task: capped, index: 1)
        }
        #expect(error?.code == .budget)
        #expect(error?.message.contains("task budget reached") == true)
    }
}
