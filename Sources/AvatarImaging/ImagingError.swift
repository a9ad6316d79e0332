/// An image could not be decoded, encoded, validated or split.
public struct ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure; extensible.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The bytes do not start with the PNG signature.
        public static let notPNG = Code(rawValue: "not_png")
        /// An animated PNG (APNG): not one still image.
        public static let animated = Code(rawValue: "animated")
        /// The image is not a 2x2 grid (one picture filling it, or too small).
        public static let notAGrid = Code(rawValue: "not_a_grid")
        /// libpng refused the data (truncated, bad CRC, bad header…).
        public static let decodeFailed = Code(rawValue: "decode_failed")
        /// The image has more pixels than allowed (checked before allocating).
        public static let tooManyPixels = Code(rawValue: "too_many_pixels")
        /// libpng could not encode the pixels.
        public static let encodeFailed = Code(rawValue: "encode_failed")
        /// A side is below the minimum or above the maximum.
        public static let badSize = Code(rawValue: "bad_size")
        /// The image is not the size that was asked for.
        public static let wrongSize = Code(rawValue: "wrong_size")
        /// The image is (nearly) one colour.
        public static let blank = Code(rawValue: "blank")
        /// Reading or writing a file failed.
        public static let io = Code(rawValue: "io")
    }

    public var code: Code
    /// What went wrong, in words; libpng's own message where there is one.
    public var message: String
    /// Where: a file path or step, when known.
    public var context: String?

    public init(_ code: Code, _ message: String, context: String? = nil) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        context.map { "\($0): \(message)" } ?? message
    }
}
