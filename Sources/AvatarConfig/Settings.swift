import Foundation

/// Configuration values by name, merged from (lowest first) a config file,
/// the environment and command-line flags. Providers and stores read their
/// own variables from it; `ProcessorSettings` holds the processor's own.
public struct Settings: Sendable {
    public private(set) var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// Merges the layers: flags beat the environment, which beats the file.
    public static func merged(file: [String: String], environment: [String: String],
                              flags: [String: String]) -> Settings {
        var v = file
        for (k, x) in environment { v[k] = x }
        for (k, x) in flags { v[k] = x }
        return Settings(v)
    }

    public subscript(_ name: String) -> String? {
        guard let v = values[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    /// An integer setting within `range`, else `fallback`.
    /// - Throws: `SettingsError` naming the variable when it is not a whole number in range.
    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = self[name] else { return fallback }
        guard let n = Int(raw), range.contains(n) else {
            throw SettingsError(variable: name, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return n
    }

    public func double(_ name: String, default fallback: Double, range: ClosedRange<Double>) throws -> Double {
        guard let raw = self[name] else { return fallback }
        guard let n = Double(raw), range.contains(n) else {
            throw SettingsError(variable: name, message: "must be a number from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return n
    }

    /// Names whose values must never be shown.
    public static func isSecret(_ name: String) -> Bool {
        if SettingsCatalog.spec(name)?.secret == true { return true }
        let n = name.uppercased()
        return n.contains("KEY") || n.contains("SECRET") || n.contains("TOKEN") || n.contains("PASSWORD")
    }

    /// Every secret value present, for scrubbing text that leaves the process.
    /// That is every value of a secret-named variable and every credential
    /// inside a URL value (`Settings+URLMasking.swift`).
    public var secretValues: [String] {
        let named = values.filter { Self.isSecret($0.key) }.map(\.value)
        let inURLs = values.values.flatMap(Self.urlSecrets)
        return Array(Set(named + inURLs)).filter { $0.count >= 4 }
    }

    /// "sk-a…(51 chars)" style masking for `doctor`.
    public static func mask(_ value: String) -> String {
        value.isEmpty ? "(empty)" : "\(value.prefix(3))…(\(value.count) chars)"
    }
}

/// A setting that is missing or malformed.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public var variable: String
    public var message: String

    public init(variable: String, message: String) {
        self.variable = variable
        self.message = message
    }

    public var description: String { variable.isEmpty || message.contains(variable) ? message : "\(variable) \(message)" }
}
