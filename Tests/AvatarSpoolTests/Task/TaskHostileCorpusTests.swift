import Foundation
import Testing
@testable import AvatarTask

@Suite struct TaskHostileCorpusTests {
    /// The sizes of a typical remote image provider; the default size is among them.
    static let sizes: Set<ImageSize> = [ImageSize(width: 1024, height: 1024), ImageSize(width: 512, height: 512)]

    @Test("the committed corpus has at least 50 files, each listed in expected.json, under 100 KB")
    func committedCorpusShape() throws {
        let dir = HostileCorpus.committedDirectory
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "expected.json" }
        let cases = try HostileCorpus.committedCases()
        #expect(files.count >= 50)
        #expect(Set(files) == Set(cases.map(\.name)))
        let total = try files.reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: dir + "/" + $1)[.size] as! Int) }
        #expect(total < 100_000)
    }

    @Test("every corpus file, committed or generated, fails validation with its expected message")
    func everyFileFails() throws {
        let tmp = try HostileCorpus.makeTemporaryDirectory()
        defer { HostileCorpus.removeDirectory(tmp) }
        let cases = try HostileCorpus.committedCases() + HostileCorpus.writeLargeCases(into: tmp)
        for c in cases {
            switch TaskValidator.validate(fileAt: c.path, sizeRule: .oneOf(Self.sizes, allowsAuto: false)) {
            case .success(let spec):
                Issue.record("\(c.name) was accepted: \(spec)")
            case .failure(let error):
                #expect(error.description.contains(c.expected), "\(c.name): \(error)")
                #expect(error.fileName == c.name)
            }
        }
    }

    @Test("the validator refuses the 50 MB file by its size, without reading it")
    func refusesBySize() throws {
        let tmp = try HostileCorpus.makeTemporaryDirectory()
        defer { HostileCorpus.removeDirectory(tmp) }
        _ = try HostileCorpus.writeLargeCases(into: tmp)
        let clock = ContinuousClock()
        var result: Result<TaskSpec, TaskValidationError>?
        let elapsed = clock.measure { result = TaskValidator.validate(fileAt: tmp + "/big-50mb.json") }
        guard case .failure(let error)? = result else { Issue.record("accepted"); return }
        #expect(error.issues.first?.got == "\(50 * 1024 * 1024) bytes")
        // A hang guard only (reading 50 MB would take well over this on any machine); speed is for `make bench`.
        #expect(elapsed < .seconds(2))
    }

    @Test("validate(fileAt:) refuses symlinks, FIFOs and directories without following or blocking")
    func notRegularFiles() throws {
        let tmp = try HostileCorpus.makeTemporaryDirectory()
        defer { HostileCorpus.removeDirectory(tmp) }
        for entry in try HostileCorpus.writeSpecialEntries(into: tmp) + [("missing.json", "No such file")] {
            let result = TaskValidator.validate(fileAt: tmp + "/" + entry.name)
            guard let expected = entry.expected else { continue }
            guard case .failure(let error) = result else { Issue.record("\(entry.name) accepted"); continue }
            #expect(error.description.contains(expected), "\(entry.name): \(error)")
            #expect(!error.description.contains("root:"))
        }
    }
}
