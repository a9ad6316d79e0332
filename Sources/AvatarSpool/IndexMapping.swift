import AvatarSystem
import AvatarIndex
import AvatarPipeline
import Foundation

/// A task snapshot as index rows.
enum IndexMapping {
    static func row(_ s: TaskSnapshot) -> IndexedTask {
        let personaParams = s.spec.flatMap { try? JSONCoding.compactBytes($0.persona) }.map { String(decoding: $0, as: UTF8.self) }
        let imageParams = s.spec.flatMap { try? JSONCoding.compactBytes($0.images) }.map { String(decoding: $0, as: UTF8.self) }
        let costs = s.personas.map { $0.usage?.costUSD }
        let priced = costs.compactMap { $0 }
        return IndexedTask(
            taskID: s.taskID, status: s.stage.rawValue, count: s.total,
            personaParams: personaParams, imageParams: imageParams,
            completedPersonas: s.succeeded, failedPersonas: s.failed, currentStep: s.currentStep,
            errorLog: s.errorLog, createdAt: s.createdAt,
            results: s.personas.map { p in
                IndexedResult(
                    personaIndex: p.index, firstname: p.persona?.firstname, lastname: p.persona?.lastname,
                    gender: p.persona?.gender, age: p.persona?.age, country: p.persona?.country,
                    city: p.persona?.city, occupation: p.persona?.occupation, bio: p.persona?.bio,
                    imagePrompt: p.prompt, status: p.state.rawValue, error: p.failure?.message,
                    baseImageURL: p.urls.base, imageURLs: p.urls.images.map { Optional($0) },
                    baseThumbURL: p.urls.baseThumb, thumbURLs: p.urls.thumbs.map { Optional($0) },
                    costUSD: p.usage?.costUSD)
            },
            costUSD: priced.isEmpty ? nil : priced.reduce(0, +))
    }
}
