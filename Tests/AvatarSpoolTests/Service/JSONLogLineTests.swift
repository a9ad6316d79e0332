import AvatarService
import Foundation
import Logging
import Testing

@Suite struct JSONLogLineTests {
    @Test("a pipeline line becomes one JSON object with task, persona and step fields")
    func fields() throws {
        let line = JSONLogLine.render(time: Date(timeIntervalSince1970: 0), level: .info, label: "avatar-spool",
                                      source: "AvatarPipeline", message: "[Task t-1] [Anna Weber] Step 3/7: uploading",
                                      metadata: ["remote": "openai-images"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["time"] == "1970-01-01T00:00:00.000Z")
        #expect(object["level"] == "info")
        #expect(object["task"] == "t-1")
        #expect(object["persona"] == "Anna Weber")
        #expect(object["step"] == "3")
        #expect(object["remote"] == "openai-images")
        #expect(!line.contains("\n"))
    }

    @Test("quotes, backslashes, newlines and control characters are escaped")
    func escaping() throws {
        let message = "say \"hi\"\\ \n\t\u{1}"
        let line = JSONLogLine.render(time: Date(), level: .error, label: "l", source: "s", message: message, metadata: [:])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["message"] == message)
        #expect(object["task"] == nil)
    }
}
