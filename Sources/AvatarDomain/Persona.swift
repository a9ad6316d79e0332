import AvatarTask

/// One generated persona: the data the old service stored per result row.
public struct Persona: Sendable, Equatable, Codable {
    public var firstname: String
    public var lastname: String
    public var gender: String
    public var age: Int
    public var country: String
    public var city: String
    public var occupation: String
    public var bio: String

    public init(firstname: String, lastname: String, gender: String, age: Int,
                country: String, city: String, occupation: String, bio: String) {
        self.firstname = firstname
        self.lastname = lastname
        self.gender = gender
        self.age = age
        self.country = country
        self.city = city
        self.occupation = occupation
        self.bio = bio
    }

    public var fullName: String { "\(firstname) \(lastname)" }
}
