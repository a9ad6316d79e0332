/// Text made safe for HTML: every byte of untrusted text (bios and prompts
/// from a model, errors from a remote) goes through `escape`, so `<script>`
/// or `<img onerror=…>` in a bio renders as text.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`: safe in element content and in
    /// quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A relative link safe in an `href`/`src`: each path segment
    /// percent-encoded (task ids and file names are plain already; this is
    /// the belt to their braces).
    public static func path(_ relative: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/".utf8)
        var out = ""
        for b in relative.utf8 {
            if allowed.contains(b) { out.unicodeScalars.append(Unicode.Scalar(b)) } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    /// The head every page shares: UTF-8, phone viewport, no script may run
    /// (a Content-Security-Policy as a second guard behind escaping), the
    /// inline style sheet.
    static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'">
        <meta name="color-scheme" content="light dark">
        <title>\(escape(title))</title>
        <style>\(PageStyle.css)</style>
        </head>

        """
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
