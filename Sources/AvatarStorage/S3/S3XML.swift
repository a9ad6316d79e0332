/// Just enough XML for S3's replies: the text of the first element with a
/// given name. S3's error, InitiateMultipartUpload and CompleteMultipartUpload
/// bodies are flat and small, so a full parser would buy nothing here.
enum S3XML {
    /// The unescaped text of the first `<tag>…</tag>` in `xml`, nil when absent.
    static func text(of tag: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(tag)>") else { return nil }
        guard let close = xml.range(of: "</\(tag)>", range: open.upperBound..<xml.endIndex) else { return nil }
        return unescape(String(xml[open.upperBound..<close.lowerBound]))
    }

    /// The unescaped text of every `<tag>…</tag>` in `xml`, in order (ListObjectsV2's keys).
    static func texts(of tag: String, in xml: String) -> [String] {
        var out: [String] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(tag)>"),
              let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) {
            out.append(unescape(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return out
    }

    /// `<Error><Code>…</Code><Message>…</Message></Error>` → (code, message).
    static func error(in xml: String) -> (code: String, message: String?)? {
        guard xml.contains("<Error>"), let code = text(of: "Code", in: xml) else { return nil }
        return (code, text(of: "Message", in: xml))
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"")
            .replacingAll("&apos;", "'").replacingAll("&#34;", "\"").replacingAll("&amp;", "&")
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
