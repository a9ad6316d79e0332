import AvatarDomain
import AvatarProviders
import Testing

@Suite("PersonaJSON: finding and checking a persona in LLM text")
struct PersonaJSONTests {
    let json = #"{"firstname":"Ana","lastname":"Silva","gender":"female","age":31,"country":"PT","city":"Lisbon","occupation":"nurse","bio":"I like {braces} and \"quotes\"."}"#

    @Test("a bare object, prose around it, a ```json fence")
    func shapes() throws {
        #expect(try PersonaJSON.persona(in: json).firstname == "Ana")
        #expect(try PersonaJSON.persona(in: "Sure! Here it is: \(json) Hope that helps {not json}.").city == "Lisbon")
        #expect(try PersonaJSON.persona(in: "Here:\n```json\n\(json)\n```\nDone.").bio == #"I like {braces} and "quotes"."#)
        #expect(try PersonaJSON.persona(in: "```\n\(json)\n```").age == 31)
        #expect(try PersonaJSON.persona(in: #"{"persona": \#(json)}"#).lastname == "Silva")
    }

    @Test("a missing field, a wrong type, no JSON: each says what is wrong")
    func invalid() {
        func reason(_ text: String) -> String {
            do { _ = try PersonaJSON.persona(in: text); return "valid" } catch { return "\(error)" }
        }
        #expect(reason(json.replacingOccurrences(of: #""city":"Lisbon","#, with: "")) == "missing field 'city'")
        #expect(reason(json.replacingOccurrences(of: "31", with: #""thirty""#)).contains("'age' must be a whole number"))
        #expect(reason(json.replacingOccurrences(of: "31", with: "true")).contains("'age'"))
        #expect(reason(json.replacingOccurrences(of: "31", with: "31.5")).contains("'age'"))
        #expect(reason(json.replacingOccurrences(of: #""PT""#, with: "7")).contains("'country' must be a string"))
        #expect(reason(json.replacingOccurrences(of: #""nurse""#, with: #""  ""#)) == "field 'occupation' is empty")
        #expect(reason("I cannot do that.") == "no JSON object found in the answer")
    }
}
