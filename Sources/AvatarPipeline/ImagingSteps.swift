import AvatarImaging

/// The imaging the pipeline does between remote calls. TEMP: wired to
/// AvatarImaging's validator and splitter once that branch merges.
enum ImagingSteps {
    static func validate(_ png: [UInt8], width: Int, height: Int) throws {}
    static func split(_ png: [UInt8], tolerance: Int) throws -> [[UInt8]] { [png, png, png, png] }
}
