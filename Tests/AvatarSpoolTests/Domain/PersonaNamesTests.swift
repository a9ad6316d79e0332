import AvatarDomain
import Testing

@Suite("One rule for the same name")
struct PersonaNamesTests {
    @Test("names that differ only in case or spacing are one name, for the pipeline and every provider")
    func sameName() {
        #expect(PersonaNames.key("Ana  Silva") == PersonaNames.key("ana silva"))
        #expect(PersonaNames.isTaken("ANA SILVA", in: ["Ana Silva"]))
        #expect(!PersonaNames.isTaken("Ana Silvá", in: ["Ana Silva"]))
        #expect(PersonaNames.keys(["Ana Silva", "ana  silva"]).count == 1)
    }
}
