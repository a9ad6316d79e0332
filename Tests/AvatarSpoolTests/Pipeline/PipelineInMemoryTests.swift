import AvatarDomain
import AvatarPipeline
import AvatarProviders
import AvatarTask
import Foundation
import Testing

/// The pipeline alone, in memory (Support/MemoryPipeline.swift): no file
/// system, no network, no process. What providers, stores and folders do is
/// tested against the real ones elsewhere.
@Suite("Pipeline in memory")
struct PipelineInMemoryTests {
    @Test("a task of three personas runs all seven steps: every checkpoint, four stored images each, result.json, completed")
    func fullTask() async throws {
        let pipeline = MemoryPipeline()
        let (ws, stage) = try await pipeline.run(MemoryPipeline.task(count: 3))
        #expect(stage == .completed)
        #expect(ws.transitions == [.dataGenerated, .generatingImages, .completed])
        for n in 1...3 {
            let f = PersonaFiles(n)
            for path in [f.persona, f.prompt, f.base, f.grid, f.urls] + f.images {
                #expect(ws.exists(path), "\(path) missing: \(ws.paths)")
            }
            let urls = try #require(ws.json(f.urls))
            #expect((urls["images"] as? [String])?.count == 4)
            #expect((urls["base"] as? String)?.hasPrefix("memory://objects/avatars/task_memory-task/persona_\(n)/") == true)
            #expect(!ws.exists(f.error))
        }
        #expect(ws.json(TaskFiles.result)?["succeeded"] as? Int == 3)
        #expect(!ws.exists(TaskFiles.error))
        // Each persona: base and four images, and the five thumbnails.
        #expect(pipeline.store.objects.count == 3 * 10, "\(pipeline.store.objects.keys.sorted())")
        #expect(pipeline.images.count(ScriptedRequest.base, of: 3) == 3)
        #expect(pipeline.images.count(ScriptedRequest.grid, of: 3) == 3)
    }

    @Test("a provider refusal at step 2 fails that persona only, naming the step, the provider and its message; the task completes listing it")
    func baseRefused() async throws {
        let pipeline = MemoryPipeline()
        pipeline.images.on(.base(2), .failure(ProviderError(.refused, provider: "scripted-images", status: 400,
                                                            message: "moderation_blocked: the prompt was refused")))
        let (ws, stage) = try await pipeline.run(MemoryPipeline.task(count: 2))
        #expect(stage == .completed)
        let error = try #require(ws.json(PersonaFiles(2).error))
        #expect(error["step"] as? String == "step 2/7: base image", "\(error)")
        #expect(error["provider"] as? String == "scripted-images")
        #expect((error["message"] as? String)?.contains("moderation_blocked") == true, "\(error)")
        #expect(!ws.exists(PersonaFiles(2).base))
        #expect(ws.exists(PersonaFiles(1).image(3)) && !ws.exists(PersonaFiles(1).error))
        let report = try #require(ws.json(TaskFiles.error))
        #expect(report["message"] as? String == "1 of 2 personas failed")
        #expect((report["failures"] as? [[String: Any]])?.first?["persona"] as? Int == 2)
        #expect(ws.json(TaskFiles.result)?["failed"] as? Int == 1)
    }

    @Test("when every persona fails the task goes to failed/, and its error names the first failure")
    func allFail() async throws {
        let pipeline = MemoryPipeline()
        for n in 1...2 {
            pipeline.images.on(.grid(n), .failure(ProviderError(.badResponse, provider: "scripted-images", message: "no image in the answer")))
        }
        let (ws, stage) = try await pipeline.run(MemoryPipeline.task(count: 2))
        #expect(stage == .failed)
        #expect(ws.transitions.last == .failed)
        #expect((ws.json(TaskFiles.error)?["message"] as? String)?.contains("no persona succeeded") == true)
        #expect(ws.json(PersonaFiles(1).error)?["step"] as? String == "step 4/7: variation grid")
        #expect(ws.exists(PersonaFiles(1).base), "the base is kept: a retry does not pay for it again")
    }

    @Test("a run stopped during a base request resumes at the first missing checkpoint: no paid step is asked for twice")
    func resumes() async throws {
        let first = MemoryPipeline()
        first.images.on(.base(1), .raising(first.stopping))
        let spec = MemoryPipeline.task(count: 2)
        let (ws, stage) = try await first.run(spec)
        #expect(stage == nil, "stopped, not finished")
        #expect(ws.exists(PersonaFiles(1).base), "the request in flight was saved")
        #expect(!ws.exists(TaskFiles.result))
        let basesKept = (1...2).filter { ws.exists(PersonaFiles($0).base) }.count
        let gridsKept = (1...2).filter { ws.exists(PersonaFiles($0).grid) }.count

        let second = MemoryPipeline()
        let (_, final) = try await second.run(spec, in: ws)
        #expect(final == .completed)
        #expect(second.images.count(ScriptedRequest.base, of: 2) == 2 - basesKept, "\(second.images.requests)")
        #expect(second.images.count(ScriptedRequest.grid, of: 2) == 2 - gridsKept, "\(second.images.requests)")
        #expect((second.personas as? ScriptedPersonaProvider)?.requests.contains(.persona(1)) == false, "the data was kept")
        #expect(ws.json(TaskFiles.result)?["succeeded"] as? Int == 2)
    }

    @Test("a store that refuses the images fails that persona at step 6, with the store's message")
    func storeRefuses() async throws {
        let pipeline = MemoryPipeline()
        pipeline.store.fail(keysEndingIn: "persona_1/image_2.png",
                            with: ProviderError(.storage, provider: "memory", message: "AccessDenied — check S3_ACCESS_KEY and S3_SECRET_KEY"))
        let (ws, stage) = try await pipeline.run(MemoryPipeline.task(count: 2))
        #expect(stage == .completed)
        let error = try #require(ws.json(PersonaFiles(1).error))
        #expect(error["step"] as? String == "step 6/7: upload images", "\(error)")
        #expect((error["message"] as? String)?.contains("AccessDenied") == true)
        #expect(ws.exists(PersonaFiles(1).image(2)), "the images stay in the folder for a retry")
    }

    @Test("500 personas from one small name pool (DE, female; images off) all succeed with distinct full names")
    func manyDistinctNames() async throws {
        var pipeline = MemoryPipeline()
        pipeline.personas = BuiltinPersonaProvider()
        let count = 500
        let spec = MemoryPipeline.task("many-names", count: count, images: false,
                                       persona: PersonaHints(gender: .female, country: "DE"))
        let (ws, stage) = try await pipeline.run(spec)
        #expect(stage == .completed)
        #expect(!ws.exists(TaskFiles.error), "\(ws.text(TaskFiles.error)?.prefix(600) ?? "")")
        let names = (1...count).compactMap { n in
            ws.json(PersonaFiles(n).persona).flatMap { p in
                (p["firstname"] as? String).flatMap { first in (p["lastname"] as? String).map { "\(first) \($0)" } }
            }
        }
        #expect(names.count == count)
        #expect(Set(names.map { $0.lowercased() }).count == count, "two personas share a full name")
    }
}
