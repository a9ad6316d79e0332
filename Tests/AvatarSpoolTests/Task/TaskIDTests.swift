import Testing
@testable import AvatarTask

@Suite struct TaskIDTests {
    @Test("derive: .json dropped, other characters become '-', leading dots and dashes go", arguments: [
        ("berlin-devs.json", "berlin-devs"),
        ("my task (1).json", "my-task--1-"),
        ("Berlin Devs.JSON", "Berlin-Devs"),
        (".hidden.json", "hidden"),
        ("..json", "task"),
        (".json", "task"),
        ("", "task"),
        ("---.json", "task"),
        ("-_.x.json", "x"),
        ("Zürich.json", "Z-rich"),
        ("日本.json", "task"),
        ("a.b_c-9.json", "a.b_c-9"),
        ("x.json.json", "x.json"),
        ("../../etc/passwd.json", "passwd"),
        ("tab\there.json", "tab-here"),
        ("noext", "noext"),
    ])
    func derive(fileName: String, id: String) {
        #expect(TaskID.derive(fromFileName: fileName) == id)
    }

    @Test("derive always yields a valid id, at most 100 characters")
    func deriveValid() {
        let long = String(repeating: "ab", count: 200) + ".json"
        #expect(TaskID.derive(fromFileName: long).count == 100)
        for name in ["日本.json", "\u{0}.json", " .json", "a\nb.json", long, "😀x.json", ".-.-a"] {
            #expect(TaskID.isValid(TaskID.derive(fromFileName: name)), "\(name)")
        }
    }

    @Test("isValid follows ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
    func isValid() {
        #expect(TaskID.isValid("a"))
        #expect(TaskID.isValid("9.x_y-z"))
        #expect(TaskID.isValid(String(repeating: "a", count: 100)))
        #expect(!TaskID.isValid(String(repeating: "a", count: 101)))
        for bad in ["", ".a", "-a", "_a", "a/b", "a b", "a\u{0}", "a\n", "é", "..", "a\\b"] {
            #expect(!TaskID.isValid(bad), "\(bad)")
        }
    }
}
