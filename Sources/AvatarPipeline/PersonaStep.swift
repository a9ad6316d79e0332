/// The old service's seven steps of one persona (DESIGN.md §3), in order:
/// the one place that knows their numbers, names, checkpoint files, which
/// ones cost money and which ones hold the image slot. The runner, the
/// `Step k/7` log lines, `nextStep`, `status` and `TaskDetail` all read it.
public enum PersonaStep: Int, CaseIterable, Sendable, Comparable {
    case prompt = 1
    case base
    case uploadBase
    case grid
    case split
    case uploadImages
    case record

    /// How many steps there are: the `7` of `Step k/7`.
    public static let count = allCases.count
    /// What `nextStep` says when every step is done.
    public static let doneNumber = count + 1

    public var number: Int { rawValue }

    public var name: String {
        switch self {
        case .prompt: "image prompt"
        case .base: "base image"
        case .uploadBase: "upload base"
        case .grid: "variation grid"
        case .split: "split grid"
        case .uploadImages: "upload images"
        case .record: "record URLs"
        }
    }

    /// "step 4/7: variation grid": how `error.json` names the step a persona failed in.
    public var label: String { "step \(number)/\(Self.count): \(name)" }

    /// A remote request that is billed (the data provider's prompt, the two
    /// image requests): its result is on disk before the next step, so it is
    /// never paid for twice.
    public var isPaid: Bool {
        switch self {
        case .prompt, .base, .grid: true
        default: false
        }
    }

    /// Runs inside one IMAGE_CONCURRENCY slot: the image requests and the
    /// base upload beside the grid request (steps 2–4). The prompt comes
    /// before the slot, writing the grid, splitting and publishing after it.
    public var holdsImageSlot: Bool {
        switch self {
        case .base, .uploadBase, .grid: true
        default: false
        }
    }

    /// The files in the task folder whose presence says this step is done.
    /// Uploads are idempotent (deterministic keys) and leave no file of their
    /// own: step 3 is recorded by the base URL in urls.json, step 6 by the
    /// image URLs that step 7 writes there (a crash between them redoes the
    /// uploads, never a paid request).
    public func checkpoints(_ f: PersonaFiles) -> [String] {
        switch self {
        case .prompt: [f.prompt]
        case .base: [f.base]
        case .uploadBase, .uploadImages, .record: [f.urls]
        case .grid: [f.grid]
        case .split: f.images
        }
    }

    /// Whether the persona's files, as found, say this step is done.
    public func isDone(_ p: PersonaSnapshot) -> Bool {
        switch self {
        case .prompt: p.prompt != nil
        case .base: p.hasBase
        case .uploadBase: p.urls.base != nil
        case .grid: p.hasGrid
        case .split: p.imageCount == 4
        case .uploadImages, .record: p.urls.images.count == 4
        }
    }

    public static func < (a: PersonaStep, b: PersonaStep) -> Bool { a.rawValue < b.rawValue }
}
