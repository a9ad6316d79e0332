import AvatarDomain
import AvatarPipeline
import AvatarSpoolEngine
import AvatarTask
import Foundation
import Testing

@Suite("The step model")
struct PersonaStepTests {
    static let personaJSON = #"{"firstname":"Ada","lastname":"Lovelace","gender":"female","age":36,"country":"GB","city":"London","occupation":"mathematician","bio":"Notes."}"#

    /// A workspace holding persona 1's files up to (not including) `step`.
    static func workspace(doneBefore step: PersonaStep?) -> MemoryWorkspace {
        let ws = MemoryWorkspace()
        let f = PersonaFiles(1)
        ws.put(f.persona, personaJSON)
        let last = step.map { $0.rawValue - 1 } ?? PersonaStep.count
        for s in PersonaStep.allCases where s.rawValue <= last {
            switch s {
            case .prompt: ws.put(f.prompt, "a selfie")
            case .base: ws.put(f.base, "png")
            case .uploadBase: ws.put(f.urls, #"{"base":"u/base.png","images":[]}"#)
            case .grid: ws.put(f.grid, "png")
            case .split: for p in f.images { ws.put(p, "png") }
            case .uploadImages, .record:
                ws.put(f.urls, #"{"base":"u/base.png","images":["u/0","u/1","u/2","u/3"]}"#)
            }
        }
        return ws
    }

    static func snapshot(_ ws: MemoryWorkspace, count: Int = 1, images: Bool = true) async throws -> TaskSnapshot {
        let spec = TaskSpec(taskID: ws.taskID, count: count, images: ImageOptions(enabled: images))
        ws.put(TaskFiles.task, "{}")
        return try await TaskSnapshot.read(from: ws, parse: { _ in spec })
    }

    @Test("seven steps numbered 1…7 in order, labelled as error.json names them")
    func numbering() {
        #expect(PersonaStep.count == 7)
        #expect(PersonaStep.allCases.map(\.number) == Array(1...7))
        #expect(PersonaStep.allCases.sorted() == PersonaStep.allCases)
        #expect(PersonaStep.base.label == "step 2/7: base image")
        #expect(PersonaStep.grid.label == "step 4/7: variation grid")
        #expect(PersonaStep.uploadImages.label == "step 6/7: upload images")
        #expect(Set(PersonaStep.allCases.map(\.name)).count == 7)
    }

    @Test("the paid steps are the prompt and the two image requests; the image slot holds steps 2-4, contiguous")
    func paidAndSlot() {
        #expect(PersonaStep.allCases.filter(\.isPaid) == [.prompt, .base, .grid])
        let slot = PersonaStep.allCases.filter(\.holdsImageSlot).map(\.number)
        #expect(slot == [2, 3, 4])
        #expect(slot == Array(slot.first!...slot.last!))
    }

    @Test("every paid step has a checkpoint file of its own, which no other step shares")
    func paidCheckpoints() {
        let f = PersonaFiles(3)
        for step in PersonaStep.allCases where step.isPaid {
            let mine = Set(step.checkpoints(f))
            #expect(!mine.isEmpty)
            for other in PersonaStep.allCases where other != step {
                #expect(mine.isDisjoint(with: other.checkpoints(f)), "\(step) shares a file with \(other)")
            }
            #expect(mine.allSatisfy { $0.hasPrefix("persona_3/") })
        }
        #expect(PersonaStep.split.checkpoints(f) == f.images)
    }

    @Test("nextStep is the first step whose checkpoint is missing, for each step in turn; 8 when all are done")
    func nextStepInTurn() async throws {
        for step in PersonaStep.allCases where step != .record {
            let s = try await Self.snapshot(Self.workspace(doneBefore: step))
            let p = try #require(s.personas.first)
            #expect(p.pendingStep == step, "files up to \(step)")
            #expect(p.nextStep == step.number)
            #expect(p.state == .inProgress)
        }
        let done = try await Self.snapshot(Self.workspace(doneBefore: nil))
        #expect(done.personas[0].nextStep == PersonaStep.doneNumber)
        #expect(done.personas[0].pendingStep == nil)
        #expect(done.personas[0].state == .completed)
        #expect(done.succeeded == 1 && done.failed == 0)
    }

    @Test("a persona without data is step 0; images off means done once the data exists")
    func dataAndImagesOff() async throws {
        let ws = MemoryWorkspace()
        let none = try await Self.snapshot(ws)
        #expect(none.personas[0].nextStep == 0)
        #expect(none.personas[0].state == .inProgress)
        let off = try await Self.snapshot(Self.workspace(doneBefore: .prompt), images: false)
        #expect(off.personas[0].nextStep == PersonaStep.doneNumber)
        #expect(off.personas[0].state == .completed)
    }

    @Test("an error.json fails the persona whatever its files; the task's error log names its step")
    func failedPersona() async throws {
        let ws = Self.workspace(doneBefore: .grid)
        ws.put(PersonaFiles(1).error, #"{"persona":1,"name":"Ada Lovelace","step":"step 4/7: variation grid","message":"refused"}"#)
        let s = try await Self.snapshot(ws)
        #expect(s.personas[0].state == .failed)
        #expect(s.failed == 1)
        #expect(s.errorLog == "persona 1 (Ada Lovelace) step 4/7: variation grid: refused")
    }

    @Test("status's one-line step names the earliest pending step of the personas in progress")
    func currentStep() async throws {
        let ws = Self.workspace(doneBefore: .split)
        let s = try await Self.snapshot(ws, count: 2)
        // persona 2 has no data: not counted as a step
        #expect(s.currentStep == "images 0/2, next step 5/7")
        let data = try await Self.snapshot(MemoryWorkspace(stage: .generatingData), count: 3)
        #expect(data.currentStep == "data 0/3")
    }
}

@Suite("The task transition table")
struct TaskTransitionTests {
    @Test("the pipeline's path and retry's paths are allowed; nothing leaves a stage for itself or for pending")
    func table() {
        let path: [TaskStage] = [.pending, .generatingData, .dataGenerated, .generatingImages, .completed]
        for (a, b) in zip(path, path.dropFirst()) { #expect(a.canMove(to: b), "\(a) → \(b)") }
        for s in TaskStage.allCases where s != .completed && s != .failed {
            #expect(s.canMove(to: .failed), "\(s) → failed")
        }
        for s in [TaskStage.completed, .failed] {
            #expect(s.canMove(to: .dataGenerated) && s.canMove(to: .generatingData))
            #expect(!s.canMove(to: .generatingImages))
        }
        #expect(TaskStage.dataGenerated.canMove(to: .completed), "images off: straight to completed")
        for s in TaskStage.allCases {
            #expect(!s.canMove(to: s))
            #expect(!s.canMove(to: .pending))
        }
        #expect(!TaskStage.completed.canMove(to: .failed))
        #expect(!TaskStage.generatingData.canMove(to: .completed))
    }

    @Test("a task folder refuses a move the table does not allow, naming the task and both folders, and stays put")
    func refused() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("transitions-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let layout = SpoolLayout(root: root)
        try layout.create()
        try FileManager.default.createDirectory(atPath: layout.taskPath(.completed, "t1"), withIntermediateDirectories: false)
        let folder = try #require(try TaskFolder.lock(layout: layout, stage: .completed, id: "t1"))
        do {
            try await folder.transition(to: .generatingImages)
            Issue.record("completed → generating-images was allowed")
        } catch let e as TaskTransitionError {
            #expect(e.description.contains("t1") && e.description.contains("completed/") && e.description.contains("generating-images/"))
        }
        #expect(folder.stage == .completed)
        #expect(FileManager.default.fileExists(atPath: layout.taskPath(.completed, "t1")))
        try await folder.transition(to: .dataGenerated)
        #expect(FileManager.default.fileExists(atPath: layout.taskPath(.dataGenerated, "t1")))
    }
}
