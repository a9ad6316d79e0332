import AvatarDomain
import AvatarPipeline
import AvatarSystem
import AvatarTask
import Logging

/// One task through the pipeline (`TaskRunner`) with nothing on disk and
/// nothing remote: a `MemoryWorkspace`, scripted providers and store. The
/// workspace starts where a claim leaves a task (generating-data, holding
/// task.json), or is handed in to resume one.
struct MemoryPipeline {
    var personas: any PersonaProvider = ScriptedPersonaProvider()
    var images = ScriptedImageProvider()
    var store = ScriptedStore()
    var thumbSize = 64
    var stopping = StopFlag()

    /// A task of `count` personas with small images (256x256), or none.
    static func task(_ id: String = "memory-task", count: Int, images: Bool = true,
                     persona: PersonaHints = .init()) -> TaskSpec {
        TaskSpec(taskID: id, count: count, persona: persona,
                 images: ImageOptions(enabled: images, size: ImageSize(width: 256, height: 256)))
    }

    /// Runs `spec` in `ws` (a new workspace when nil) to its end or until stopped.
    /// - Returns: the workspace and the terminal stage (nil when stopped).
    func run(_ spec: TaskSpec, in ws: MemoryWorkspace? = nil) async throws -> (ws: MemoryWorkspace, stage: TaskStage?) {
        let ws = ws ?? MemoryWorkspace(taskID: spec.taskID, stage: .generatingData)
        if !ws.exists(TaskFiles.task) { ws.put(TaskFiles.task, "{}") }
        let context = PipelineContext(
            personas: personas, images: images, store: store,
            dataLimiter: AsyncLimiter(limit: 5), imageLimiter: AsyncLimiter(limit: 4),
            thumbSize: thumbSize, parse: { _ in spec }, stopping: stopping,
            logger: Logger(label: "memory-pipeline") { _ in SwiftLogNoOpLogHandler() })
        let stage = try await TaskRunner(context: context).run(ws, spec: spec)
        return (ws, stage)
    }
}
