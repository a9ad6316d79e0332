import Testing
@testable import AvatarTask

@Suite struct TaskValidatorTests {
    private func validate(_ text: String, file: String = "t.json", sizes: Set<ImageSize>? = nil,
                          rule: ImageSizeRule? = nil) -> Result<TaskSpec, TaskValidationError> {
        TaskValidator.validate(bytes: Array(text.utf8), fileName: file,
                               sizeRule: rule ?? sizes.map { .oneOf($0, allowsAuto: false) } ?? .anyInRange)
    }

    private func issues(_ text: String, sizes: Set<ImageSize>? = nil, rule: ImageSizeRule? = nil) -> [ValidationIssue] {
        if case .failure(let e) = validate(text, sizes: sizes, rule: rule) { return e.issues }
        return []
    }

    /// The single issue of an invalid document.
    private func only(_ text: String, sizes: Set<ImageSize>? = nil, rule: ImageSizeRule? = nil) throws -> ValidationIssue {
        let all = issues(text, sizes: sizes, rule: rule)
        #expect(all.count == 1, "\(all)")
        return try #require(all.first)
    }

    @Test("a minimal task gets every default, and the id from the file name")
    func defaults() throws {
        let spec = try validate(#"{"count": 4}"#, file: "Berlin devs.json").get()
        #expect(spec == TaskSpec(taskID: "Berlin-devs", count: 4))
        #expect(spec.persona.gender == .any)
        #expect(spec.persona.ageMin == 18 && spec.persona.ageMax == 65)
        #expect(spec.persona.country == nil && spec.persona.language == nil && spec.persona.description == nil)
        #expect(spec.images.enabled && spec.images.size == ImageSize(width: 1024, height: 1024))
        #expect(spec.images.style == "natural smartphone selfie")
    }

    @Test("a full task is read field by field; codes are normalised")
    func fullTask() throws {
        let spec = try validate("""
            {"version": 1, "task_id": "berlin-devs-01", "count": 10,
             "persona": {"gender": "female", "age_min": 22, "age_max": 45, "country": "de", "language": "DE",
                         "description": "software developers\\nin Berlin"},
             "images": {"enabled": false, "size": "512x768", "style": "studio portrait"}}
            """).get()
        #expect(spec.taskID == "berlin-devs-01")
        #expect(spec.count == 10)
        #expect(spec.persona == PersonaHints(gender: .female, ageMin: 22, ageMax: 45, country: "DE", language: "de",
                                             description: "software developers\nin Berlin"))
        #expect(spec.images == ImageOptions(enabled: false, size: ImageSize(width: 512, height: 768), style: "studio portrait"))
    }

    @Test("the examples in examples/ are valid")
    func examples() throws {
        let root = #filePath.components(separatedBy: "/Tests/").first!
        for name in ["berlin-devs.json", "tokyo-designers.json", "lagos-nurses.json"] {
            let result = TaskValidator.validate(fileAt: root + "/examples/" + name)
            if case .failure(let e) = result { Issue.record("\(e)") }
        }
        let nurses = try TaskValidator.validate(fileAt: root + "/examples/lagos-nurses.json").get()
        #expect(nurses.taskID == "lagos-nurses")
    }

    @Test("count: only integer literals from 1 to 1000")
    func count() throws {
        for good in ["1", "1000", "-0"] where good != "-0" {
            #expect((try? validate(#"{"count": \#(good)}"#).get()) != nil)
        }
        let cases = ["0": "the number 0 (out of range)", "-1": "the number -1 (out of range)",
                     "1001": "the number 1001 (out of range)", "10.5": "the number 10.5", "\"10\"": "the string \"10\"",
                     "1e9": "the number 1e9", "1.0": "the number 1.0", "null": "null", "[]": "an array"]
        for (literal, got) in cases {
            let issue = try only(#"{"count": \#(literal)}"#)
            #expect(issue.path == "count")
            #expect(issue.got == got)
            #expect(issue.expected.hasPrefix("an integer from 1 to 1000"))
        }
        #expect(try only(#"{"count": 1.0}"#).hint?.contains("no fraction (1.0) and no exponent (1e3)") == true)
        #expect(try only(#"{"count": "10"}"#).hint == "write the number without quotes")
        let missing = try only(#"{"persona": {}}"#)
        #expect(missing.path == "count" && missing.expected.contains("required"))
    }

    @Test("the top level must be an object")
    func topLevel() throws {
        for (text, got) in [("[]", "an array"), ("\"x\"", "the string \"x\""), ("3", "the number 3"), ("null", "null")] {
            let issue = try only(text)
            #expect(issue.path == "$" && issue.got == got)
        }
        let parse = try only("{\"count\": 1,")
        #expect(parse.path == "$" && parse.got.contains("truncated JSON"))
        #expect(try only("").hint == "the file is empty")
    }

    @Test("unknown fields at every level, with did-you-mean hints")
    func unknownFields() throws {
        let top = issues(#"{"cout": 4}"#)
        #expect(top.map(\.path) == ["cout", "count"])
        #expect(top[0].hint == "did you mean \"count\"?")
        #expect(try only(#"{"count": 1, "persona": {"age_mn": 20}}"#).hint == "did you mean \"age_min\"?")
        #expect(try only(#"{"count": 1, "persona": {"age_mn": 20}}"#).path == "persona.age_mn")
        #expect(try only(#"{"count": 1, "images": {"sise": "512x512"}}"#).hint == "did you mean \"size\"?")
        #expect(try only(#"{"count": 1, "Count": 2}"#).hint == "did you mean \"count\"?")
        #expect(try only(#"{"count": 1, "age_min": 20}"#).hint == "did you mean persona.age_min?")
        #expect(try only(#"{"count": 1, "persona": {"size": "1x1"}}"#).hint == "did you mean images.size?")
        #expect(try only(#"{"count": 1, "colour": "red"}"#).hint == nil)
        #expect(try only(#"{"count": 1, "colour": "red"}"#).expected.contains("task_id"))
    }

    @Test("wrong types in every nested field name the field path")
    func nestedTypes() {
        let cases: [(String, String)] = [
            (#""persona": 1"#, "persona"), (#""images": []"#, "images"),
            (#""persona": {"gender": "robot"}"#, "persona.gender"), (#""persona": {"gender": null}"#, "persona.gender"),
            (#""persona": {"age_min": "20"}"#, "persona.age_min"), (#""persona": {"age_max": 17}"#, "persona.age_max"),
            (#""persona": {"country": "XX"}"#, "persona.country"), (#""persona": {"country": ["DE"]}"#, "persona.country"),
            (#""persona": {"language": "deu"}"#, "persona.language"), (#""persona": {"description": {}}"#, "persona.description"),
            (#""images": {"enabled": "yes"}"#, "images.enabled"), (#""images": {"size": 512}"#, "images.size"),
            (#""images": {"style": false}"#, "images.style"), (#""task_id": 7"#, "task_id"), (#""version": 2"#, "version"),
        ]
        for (member, path) in cases {
            let found = issues(#"{"count": 1, \#(member)}"#)
            #expect(found.map(\.path) == [path], "\(member)")
        }
    }

    @Test("ages: range, order, and the defaults in the comparison")
    func ages() throws {
        let inverted = try only(#"{"count": 1, "persona": {"age_min": 50, "age_max": 30}}"#)
        #expect(inverted.path == "persona.age_min" && inverted.got == "age_min 50 > age_max 30")
        let overDefault = try only(#"{"count": 1, "persona": {"age_min": 70}}"#)
        #expect(overDefault.got.contains("(the default age_max)"))
        #expect((try? validate(#"{"count": 1, "persona": {"age_max": 18}}"#).get()) != nil)
        #expect((try? validate(#"{"count": 1, "persona": {"age_min": 30, "age_max": 30}}"#).get()) != nil)
        // A bad age is reported once, not again as an order problem.
        #expect(issues(#"{"count": 1, "persona": {"age_min": 500, "age_max": 30}}"#).count == 1)
    }

    @Test("country and language are checked against the real ISO lists")
    func codes() throws {
        #expect(try validate(#"{"count": 1, "persona": {"country": "jp", "language": "JA"}}"#).get().persona.country == "JP")
        #expect(try only(#"{"count": 1, "persona": {"country": "DEU"}}"#).hint?.contains("two-letter") == true)
        #expect(try only(#"{"count": 1, "persona": {"country": "Japan"}}"#).hint == "use the code \"JP\"")
        #expect(try only(#"{"count": 1, "persona": {"country": "UK"}}"#).hint?.contains("not an assigned") == true)
        #expect(issues(#"{"count": 1, "persona": {"language": "xx"}}"#).count == 1)
        #expect(ISO3166.names.count == 249)
        #expect(ISO639.names.count >= 180)
    }

    @Test("image sizes: format, range, and the provider's list")
    func sizes() throws {
        #expect(try only(#"{"count": 1, "images": {"size": "100x100"}}"#).got == "the string \"100x100\" (out of range)")
        #expect(try only(#"{"count": 1, "images": {"size": "1000000x1"}}"#).got.contains("out of range"))
        #expect(try only(#"{"count": 1, "images": {"size": "99999999999999999999x1"}}"#).got.contains("out of range"))
        #expect(try only(#"{"count": 1, "images": {"size": "abc"}}"#).path == "images.size")
        #expect(try only(#"{"count": 1, "images": {"size": "1024x"}}"#).path == "images.size")
        #expect(try only(#"{"count": 1, "images": {"size": "1024×1024"}}"#).hint?.contains("lower-case x") == true)
        let allowed: Set = [ImageSize(width: 1024, height: 1024), ImageSize(width: 1536, height: 1024)]
        let issue = try only(#"{"count": 1, "images": {"size": "512x512"}}"#, sizes: allowed)
        #expect(issue.expected == "one of the sizes the image model can make: \"1024x1024\", \"1536x1024\"")
        #expect((try? validate(#"{"count": 1, "images": {"size": "1536x1024"}}"#, sizes: allowed).get()) != nil)
        #expect((try? validate(#"{"count": 1}"#, sizes: allowed).get()) != nil)
        let noDefault = try only(#"{"count": 1}"#, sizes: [ImageSize(width: 512, height: 512)])
        #expect(noDefault.path == "images.size" && noDefault.hint == "set images.size")
    }

    @Test("gpt-image-2 sizes: each rule that fails is stated; auto, 1536x1024 and 3840x2160 pass")
    func currentModelSizes() throws {
        let rule = ImageSizeRule.constrained(SizeConstraints(multiple: 16, maxEdge: 3840, maxRatio: 3, pixels: 655_360...8_294_400))
        func got(_ size: String) throws -> String { try only(#"{"count": 1, "images": {"size": "\#(size)"}}"#, rule: rule).got }
        #expect(try got("1000x1000") == "\"1000x1000\": 1000 is not a multiple of 16 (edges must be multiples of 16)")
        #expect(try got("4096x1024").contains("the longest edge 4096 is above 3840"))
        #expect(try got("3072x1008").contains("ratio 3072:1008 is above 3:1"))
        #expect(try got("512x512").contains("262144 pixels is outside 655,360…8,294,400"))
        for ok in ["auto", "1536x1024", "1024x1536", "2048x2048", "3840x2160", "1024x640"] {
            #expect((try? validate(#"{"count": 1, "images": {"size": "\#(ok)"}}"#, rule: rule).get()) != nil, "\(ok)")
        }
        #expect(try validate(#"{"count": 1, "images": {"size": "auto"}}"#).get().images.size == .auto)
        #expect(try only(#"{"count": 1, "images": {"size": "auto"}}"#, sizes: [ImageSize(width: 1024, height: 1024)]).got
                    .contains("does not take \"auto\""))
        #expect(try only(#"{"count": 1, "images": {"size": "AUTO"}}"#).hint == "write auto in lower case")
        // The base and edit models' rules together: both must accept.
        let both = ImageSizeRule.all([rule, .oneOf([ImageSize(width: 1024, height: 1024)], allowsAuto: true)])
        #expect(try only(#"{"count": 1, "images": {"size": "2048x2048"}}"#, rule: both).got.contains("not one of the sizes"))
    }

    @Test("text fields: length limits and control characters")
    func texts() throws {
        let long = String(repeating: "é", count: 2001)
        #expect(try only(#"{"count": 1, "persona": {"description": "\#(long)"}}"#).got == "a string of 2001 characters")
        let ok = String(repeating: "é", count: 2000)
        #expect((try? validate(#"{"count": 1, "persona": {"description": "\#(ok)"}}"#).get()) != nil)
        #expect((try? validate(#"{"count": 1, "persona": {"description": "a\n\tb"}}"#).get()) != nil)
        #expect(try only(#"{"count": 1, "persona": {"description": "a\u0000b"}}"#).path == "persona.description")
        #expect(try only(#"{"count": 1, "images": {"style": "a\nb"}}"#).path == "images.style")
        #expect(try only(#"{"count": 1, "images": {"style": "\#(String(repeating: "s", count: 501))"}}"#).path == "images.style")
    }

    @Test("task_id: the pattern, and a reason for each kind of bad id")
    func taskIDs() throws {
        #expect(try validate(#"{"task_id": "A.b_c-9", "count": 1}"#).get().taskID == "A.b_c-9")
        let cases: [(String, String)] = [
            ("../x", "'/' is not allowed"), ("a/b", "'/' is not allowed"), (".hidden", "leading '.'"),
            ("", "empty id"), (String(repeating: "a", count: 300), "300 characters"),
            (#"a\u0000b"#, "control characters"), (#"a\nb"#, "control characters"), ("my task", "only letters"),
            ("-x", "only letters"), ("ü", "only letters"),
        ]
        for (id, reason) in cases {
            let issue = try only(#"{"task_id": "\#(id)", "count": 1}"#)
            #expect(issue.path == "task_id")
            #expect(issue.hint?.contains(reason) == true, "\(id): \(issue)")
        }
    }

    @Test("every problem is reported, and the description lists them")
    func collectsAll() throws {
        let text = #"{"cout": 4, "persona": {"gender": "robot", "age_min": 10}, "images": {"size": "big"}}"#
        guard case .failure(let error) = validate(text, file: "bad.json") else { Issue.record("valid?"); return }
        #expect(error.issues.map(\.path) == ["cout", "count", "persona.gender", "persona.age_min", "images.size"])
        let lines = error.description.split(separator: "\n")
        #expect(lines.first == "task file bad.json is invalid (5 problems):")
        #expect(lines[1] == #"  - cout: expected no unknown fields (the top level allows version, task_id, count, persona, images, budget_usd), got an unknown field "cout" (did you mean "count"?)"#)
        #expect(error.json["issues"]?.arrayValue?.count == 5)
    }

    @Test("the size cap refuses large input before parsing, by bytes and by file size")
    func sizeCap() throws {
        var big = Array(#"{"count": 1}"#.utf8)
        big += [UInt8](repeating: 0x20, count: TaskValidator.maxFileBytes)
        guard case .failure(let e) = TaskValidator.validate(bytes: big, fileName: "big.json") else { Issue.record("accepted"); return }
        #expect(e.issues.first?.expected.contains("at most 1 MiB") == true)
        let exact = Array(#"{"count": 1}"#.utf8) + [UInt8](repeating: 0x20, count: TaskValidator.maxFileBytes - 12)
        #expect((try? TaskValidator.validate(bytes: exact, fileName: "x.json").get()) != nil)
    }
}
