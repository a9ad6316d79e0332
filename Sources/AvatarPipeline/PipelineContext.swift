import AvatarDomain
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// Everything the pipeline needs, handed in by the composition root.
public struct PipelineContext: Sendable {
    public var personas: any PersonaProvider
    public var images: any ImageProvider
    public var store: any ObjectStore
    /// At most MULTITHREAD_FLOWISE data-provider requests at once, across tasks.
    public var dataLimiter: AsyncLimiter
    /// At most IMAGE_CONCURRENCY personas in their image steps at once, across tasks.
    public var imageLimiter: AsyncLimiter
    /// The first part of every object key ("avatars").
    public var keyPrefix: String
    /// Trim tolerance for step 5.
    public var trimTolerance: Int
    /// Longest side of the thumbnails (AVATAR_THUMB_SIZE); 0: none.
    public var thumbSize: Int
    /// This run's thumbnails, decoded, until their task's contact sheet
    /// (handed to `onFinish` in the snapshot).
    public var keptThumbnails: KeptThumbnails
    /// Turns task.json into a spec (for snapshots).
    public var parse: @Sendable ([UInt8]) -> TaskSpec?
    /// Called after every transition and every finished persona (the index).
    public var onProgress: @Sendable (TaskWorkspace) async -> Void
    /// Called when a task has finished, while result.json is written and
    /// before the final rename, and by `refresh`: the task's page and contact
    /// sheet (the manifest it gets has no checksums). It must not throw:
    /// pages never break a task.
    public var onFinish: @Sendable (TaskWorkspace, TaskSnapshot, ResultManifest) async -> Void
    /// Set when the processor is shutting down: no new step starts.
    public var stopping: StopFlag
    /// Masks configured secrets in text that goes into error files (a
    /// remote may echo a key back in its error message).
    public var redact: @Sendable (String) -> String
    /// SHA-256 (hex) of a file, for result.json's checksums; nil records none.
    public var digest: (@Sendable (String) async throws -> String)?
    public var logger: Logger

    public init(personas: any PersonaProvider, images: any ImageProvider, store: any ObjectStore,
                dataLimiter: AsyncLimiter, imageLimiter: AsyncLimiter, keyPrefix: String = "avatars",
                trimTolerance: Int = 10, thumbSize: Int = 256, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?,
                onProgress: @escaping @Sendable (TaskWorkspace) async -> Void = { _ in },
                onFinish: @escaping @Sendable (TaskWorkspace, TaskSnapshot, ResultManifest) async -> Void = { _, _, _ in },
                stopping: StopFlag = StopFlag(), redact: @escaping @Sendable (String) -> String = { $0 },
                digest: (@Sendable (String) async throws -> String)? = nil,
                keptThumbnails: KeptThumbnails = KeptThumbnails(), logger: Logger) {
        self.personas = personas
        self.images = images
        self.store = store
        self.dataLimiter = dataLimiter
        self.imageLimiter = imageLimiter
        self.keyPrefix = keyPrefix
        self.trimTolerance = trimTolerance
        self.thumbSize = thumbSize
        self.keptThumbnails = keptThumbnails
        self.parse = parse
        self.onProgress = onProgress
        self.onFinish = onFinish
        self.stopping = stopping
        self.redact = redact
        self.digest = digest
        self.logger = logger
    }
}

/// A flag raised once, read from anywhere.
public final class StopFlag: @unchecked Sendable {
    // Confinement: `raised` only under `lock`.
    private let lock = NSLock()
    private var raised = false
    public init() {}
    public var isRaised: Bool { lock.withLock { raised } }
    public func raise() { lock.withLock { raised = true } }
}

/// Thrown when a step is not started because the processor is stopping.
public struct Stopping: Error {}
