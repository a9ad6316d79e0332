import AvatarDomain
import Foundation

/// `index.html` of one finished task: a static, self-contained page (inline
/// CSS, no script, relative links only), so it works opened from disk, after
/// the folder is copied, or behind any static web server. Every text shown
/// is escaped.
public struct TaskPage: Sendable {
    /// One of a persona's five pictures.
    public struct Picture: Sendable {
        /// "base", "1" … "4".
        public var label: String
        /// Relative path of what is shown (the thumbnail, else the full
        /// image); nil when both are gone: a placeholder.
        public var shown: String?
        /// The full-size image it links to, when present.
        public var full: String?
        /// Size of `shown` in pixels (from its PNG header).
        public var width: Int
        public var height: Int

        public init(label: String, shown: String?, full: String?, width: Int, height: Int) {
            self.label = label
            self.shown = shown
            self.full = full
            self.width = width
            self.height = height
        }
    }

    public struct Person: Sendable {
        public var index: Int
        public var status: String
        public var persona: Persona?
        public var pictures: [Picture]
        /// For a failed persona: "step 2/7: base image" and the message.
        public var failedStep: String?
        public var error: String?

        public init(index: Int, status: String, persona: Persona?, pictures: [Picture], failedStep: String?, error: String?) {
            self.index = index
            self.status = status
            self.persona = persona
            self.pictures = pictures
            self.failedStep = failedStep
            self.error = error
        }
    }

    public struct Sheet: Sendable {
        public var file: String
        public var width: Int
        public var height: Int

        public init(file: String, width: Int, height: Int) {
            self.file = file
            self.width = width
            self.height = height
        }
    }

    public var taskID: String
    public var status: String
    public var createdAt: Date?
    public var finishedAt: String?
    /// ("data", "builtin"), ("images", …), ("storage", …).
    public var providers: [(role: String, name: String)]
    public var count: Int
    public var succeeded: Int
    public var failed: Int
    public var usage: ImageUsage?
    /// What the task's image requests cost (result.json's cost_usd); nil when none was priced.
    public var costUSD: Double?
    public var sheets: [Sheet]
    public var personas: [Person]

    public init(taskID: String, status: String, createdAt: Date?, finishedAt: String?,
                providers: [(role: String, name: String)], count: Int, succeeded: Int, failed: Int,
                usage: ImageUsage?, sheets: [Sheet], personas: [Person]) {
        self.taskID = taskID
        self.status = status
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.providers = providers
        self.count = count
        self.succeeded = succeeded
        self.failed = failed
        self.usage = usage
        self.sheets = sheets
        self.personas = personas
    }

    /// Pictures are shown at most this wide (CSS shrinks them further on a phone).
    static let pictureBox = 200

    public func render() -> String {
        let e = HTML.escape
        var out = HTML.head(title: "Task \(taskID) — \(status)")
        out += "<body><main>\n"
        out += "<p class=\"muted\"><a href=\"../../index.html\">all tasks</a></p>\n"
        out += "<h1>Task \(e(taskID))</h1>\n<dl class=\"facts\">\n"
        out += "<dt>status</dt><dd>\(e(status))</dd>\n"
        if let createdAt { out += "<dt>submitted</dt><dd>\(e(Self.time(createdAt)))</dd>\n" }
        if let finishedAt { out += "<dt>finished</dt><dd>\(e(finishedAt))</dd>\n" }
        out += "<dt>personas</dt><dd>\(succeeded) of \(count) succeeded" + (failed > 0 ? ", \(failed) failed" : "") + "</dd>\n"
        for p in providers { out += "<dt>\(e(p.role))</dt><dd>\(e(p.name))</dd>\n" }
        if let u = usage, u.totalTokens > 0 {
            out += "<dt>tokens</dt><dd>\(u.totalTokens) (input \(u.inputTokens), output \(u.outputTokens))</dd>\n"
        }
        if let cost = costUSD { out += "<dt>cost</dt><dd>\(String(format: "%.4f", cost)) USD</dd>\n" }
        out += "<dt>files</dt><dd><a href=\"result.json\">result.json</a>"
            + (failed > 0 ? " · <a href=\"error.json\">error.json</a>" : "") + "</dd>\n</dl>\n"
        if !sheets.isEmpty {
            out += "<details class=\"sheets\"><summary>contact sheet" + (sheets.count > 1 ? "s (\(sheets.count))" : "") + "</summary>\n"
            for s in sheets {
                out += "<a href=\"\(HTML.path(s.file))\"><img src=\"\(HTML.path(s.file))\" width=\"\(s.width)\" height=\"\(s.height)\" alt=\"contact sheet \(e(s.file))\"></a>\n"
            }
            out += "</details>\n"
        }
        for p in personas { out += card(p) }
        out += "</main></body>\n</html>\n"
        return out
    }

    private func card(_ p: Person) -> String {
        let e = HTML.escape
        let name = p.persona.map { "\($0.firstname) \($0.lastname)" } ?? "persona \(p.index)"
        var out = "<article class=\"card\(p.status == "failed" ? " failed" : "")\" id=\"persona-\(p.index)\">\n"
        out += "<h2>\(p.index). \(e(name))</h2>\n"
        if let q = p.persona {
            let facts = [q.gender, "\(q.age)", [q.city, q.country].filter { !$0.isEmpty }.joined(separator: ", "), q.occupation]
                .filter { !$0.isEmpty }
            out += "<p class=\"muted\">\(facts.map(e).joined(separator: " · "))</p>\n"
            out += "<p class=\"bio\">\(e(q.bio))</p>\n"
        }
        if p.status == "failed" {
            out += "<p class=\"error\">failed" + (p.failedStep.map { " at \(e($0))" } ?? "") + (p.error.map { ": \(e($0))" } ?? "") + "</p>\n"
        }
        if p.status != "failed" || p.pictures.contains(where: { $0.shown != nil }) {
            out += "<div class=\"imgs\">\n"
            for pic in p.pictures { out += picture(pic, name: name) }
            out += "</div>\n"
        }
        out += "</article>\n"
        return out
    }

    private func picture(_ pic: Picture, name: String) -> String {
        let e = HTML.escape
        let caption = pic.label == "base" ? "base" : "variant \(pic.label)"
        guard let shown = pic.shown, pic.width > 0, pic.height > 0 else {
            return "<figure><div class=\"ph\" role=\"img\" aria-label=\"\(e(caption)) image missing\">image missing</div><figcaption>\(e(caption))</figcaption></figure>\n"
        }
        let scale = min(1, Double(Self.pictureBox) / Double(max(pic.width, pic.height)))
        let w = max(1, Int((Double(pic.width) * scale).rounded())), h = max(1, Int((Double(pic.height) * scale).rounded()))
        let img = "<img src=\"\(HTML.path(shown))\" width=\"\(w)\" height=\"\(h)\" alt=\"\(e(name)), \(e(caption))\">"
        let linked = pic.full.map { "<a href=\"\(HTML.path($0))\">\(img)</a>" } ?? img
        return "<figure>\(linked)<figcaption>\(e(caption))</figcaption></figure>\n"
    }

    static func time(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: date)
    }
}
