import Foundation
import Testing
import AvatarDomain
@testable import AvatarProviders
import AvatarTask

@Suite struct TaskBuiltinPersonaTests {
    let provider = BuiltinPersonaProvider()

    private func people(_ task: TaskSpec) -> [Persona] {
        var taken: Set<String> = []
        var out: [Persona] = []
        for index in 1...task.count {
            let p = provider.persona(for: task, index: index, avoiding: taken)
            taken.insert(p.fullName)
            out.append(p)
        }
        return out
    }

    @Test("the same task id and index give the same persona; another id gives others")
    func deterministic() {
        let task = TaskSpec(taskID: "berlin-devs", count: 20)
        let a = people(task), b = people(task)
        #expect(a == b)
        let other = people(TaskSpec(taskID: "berlin-devs-2", count: 20))
        #expect(a != other)
        // Pinned: FNV-1a + SplitMix64 do not depend on the Swift version or the process.
        #expect(SeededRandom.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(SeededRandom.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
    }

    @Test("1000 personas of one task have 1000 different full names, even one country and gender")
    func uniqueNames() {
        for hints in [PersonaHints(), PersonaHints(gender: .female, country: "JP"), PersonaHints(gender: .male, country: "SE")] {
            let all = people(TaskSpec(taskID: "big", count: 1000, persona: hints))
            #expect(Set(all.map(\.fullName)).count == 1000)
        }
    }

    @Test("gender, age range and country hints are honoured")
    func hints() {
        let task = TaskSpec(taskID: "t", count: 200, persona: PersonaHints(gender: .female, ageMin: 30, ageMax: 35, country: "NG"))
        for p in people(task) {
            #expect(p.gender == "female")
            #expect((30...35).contains(p.age))
            #expect(p.country == "NG")
            #expect(BuiltinNames.nigerian.female.contains(p.firstname))
            #expect(BuiltinNames.countries["NG"]!.cities.contains(p.city))
        }
        let exact = people(TaskSpec(taskID: "t", count: 50, persona: PersonaHints(gender: .male, ageMin: 40, ageMax: 40)))
        #expect(exact.allSatisfy { $0.age == 40 && $0.gender == "male" })
        let mixed = people(TaskSpec(taskID: "mix", count: 100))
        #expect(Set(mixed.map(\.gender)) == ["female", "male"])
        #expect(Set(mixed.map(\.country)).count >= 8)
        #expect(mixed.allSatisfy { (18...65).contains($0.age) })
    }

    @Test("a country without its own data gets international names and its own name as the place")
    func otherCountry() {
        let p = provider.persona(for: TaskSpec(taskID: "se", count: 1, persona: PersonaHints(country: "SE")), index: 1, avoiding: [])
        #expect(p.country == "SE" && p.city == "Sweden")
        #expect(p.bio.contains("Sweden") && !p.bio.contains("Sweden, Sweden"))
    }

    @Test("occupations follow the description's keywords")
    func occupations() {
        func jobs(_ description: String?) -> Set<String> {
            Set(people(TaskSpec(taskID: "o", count: 30, persona: PersonaHints(description: description))).map(\.occupation))
        }
        let developerJobs = Set(BuiltinNames.occupationsByKeyword[0].occupations)
        #expect(jobs("Software developers living in Berlin").isSubset(of: developerJobs))
        #expect(jobs("nurses in Lagos").allSatisfy { $0.contains("nurse") || $0 == "midwife" })
        #expect(jobs("teachers").allSatisfy { $0.contains("teacher") })
        #expect(jobs("designers").allSatisfy { $0.contains("designer") })
        #expect(jobs("people").isSubset(of: Set(BuiltinNames.generalOccupations)))
        #expect(jobs(nil).count > 5)
    }

    @Test("the bio has two or three sentences naming occupation, city and a hobby")
    func bio() {
        for p in people(TaskSpec(taskID: "bio", count: 60, persona: PersonaHints(country: "FR"))) {
            let sentences = p.bio.split(separator: ".").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect((2...3).contains(sentences.count), "\(p.bio)")
            #expect(p.bio.contains(p.occupation) && p.bio.contains(p.city) && p.bio.contains(p.firstname))
            #expect(BuiltinNames.hobbies.contains { p.bio.contains($0) })
            #expect(!p.bio.contains(" a a") && !p.bio.contains(" a e") && !p.bio.contains(" a i"), "\(p.bio)")
        }
    }

    @Test("the image prompt names the persona and uses the task's style")
    func prompt() {
        let task = TaskSpec(taskID: "p", count: 1)
        let persona = Persona(firstname: "Lena", lastname: "Fischer", gender: "female", age: 34, country: "DE",
                              city: "Berlin", occupation: "software developer", bio: "")
        let text = provider.imagePrompt(for: persona, task: task, index: 1)
        #expect(text.hasPrefix("A natural smartphone selfie of Lena Fischer, a 34-year-old female software developer from Berlin, Germany. "))
        var studio = task
        studio.images.style = "  editorial studio portrait "
        #expect(provider.imagePrompt(for: persona, task: studio, index: 1).hasPrefix("An editorial studio portrait of Lena Fischer"))
        #expect(provider.name == "builtin")
    }
}
