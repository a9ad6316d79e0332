import AvatarDomain

/// What stays the same in every picture of one persona: skin, hair, eyes,
/// clothes, accessories, background. Chosen deterministically from a seed,
/// with the persona's gender and age making the choice plausible.
struct AvatarLook: Sendable {
    enum HairStyle: String, Sendable, CaseIterable {
        case short, long, bun, curly, afro, bald, bob, ponytail
    }

    var skin: Color
    var hair: Color
    var hairStyle: HairStyle
    /// Side parting offset in head units (-0.3…0.3).
    var parting: Float
    var iris: Color
    var lips: Color
    var clothing: Color
    var collar: Bool
    var background: (top: Color, bottom: Color)
    var bokeh: [(x: Float, y: Float, r: Float, color: Color)]
    var glasses: Color?
    var beard: Bool
    var moustache: Bool
    /// Head width relative to the picture (varies the face a little).
    var headScale: Float
    var faceLength: Float
    var eyeSpacing: Float
    var eyeSize: Float
    var noseLength: Float

    /// Realistic skin tones, light to dark; a pick blends two neighbours.
    static let skinTones: [Color] = [
        Color(255, 224, 200), Color(246, 206, 174), Color(236, 188, 150), Color(219, 164, 124),
        Color(198, 138, 98), Color(168, 110, 74), Color(134, 86, 58), Color(101, 64, 44), Color(78, 50, 36),
    ]
    static let hairColors: [Color] = [
        Color(28, 24, 22), Color(48, 34, 26), Color(78, 52, 34), Color(112, 76, 48),
        Color(150, 108, 68), Color(205, 168, 105), Color(226, 196, 138), Color(150, 66, 34),
    ]
    static let irisColors: [Color] = [
        Color(92, 56, 30), Color(60, 38, 24), Color(118, 96, 52), Color(70, 120, 80),
        Color(70, 120, 170), Color(110, 130, 145),
    ]
    static let clothingColors: [Color] = [
        Color(40, 70, 140), Color(150, 40, 50), Color(40, 110, 80), Color(60, 60, 70),
        Color(210, 140, 40), Color(120, 70, 140), Color(230, 230, 225), Color(30, 30, 35),
        Color(80, 140, 170), Color(180, 90, 110), Color(110, 120, 60),
    ]
    static let backgrounds: [(Color, Color)] = [
        (Color(120, 160, 200), Color(70, 100, 150)), (Color(200, 170, 140), Color(150, 110, 90)),
        (Color(140, 180, 140), Color(80, 120, 90)), (Color(190, 150, 190), Color(120, 90, 140)),
        (Color(110, 110, 120), Color(60, 60, 70)), (Color(220, 180, 110), Color(170, 110, 70)),
        (Color(100, 170, 180), Color(50, 100, 120)), (Color(200, 130, 120), Color(130, 70, 80)),
    ]

    /// Picks a look for `persona` from `random`.
    init(persona: Persona, random: inout SeededRandom) {
        let gender = persona.gender.lowercased()
        let female = gender == "female" || gender == "f" || gender == "woman"
        let male = gender == "male" || gender == "m" || gender == "man"
        let age = persona.age

        let tone = random.float(0...Float(Self.skinTones.count - 1) - 0.001)
        let i = Int(tone)
        skin = Self.skinTones[i].mixed(with: Self.skinTones[i + 1], tone - Float(i))

        // Hair colour: darker hair is commoner; grey comes with age.
        var hairColor = random.chance(0.5) ? random.pick(Array(Self.hairColors.prefix(3))) : random.pick(Self.hairColors)
        if age >= 40 {
            let greyness = min(1, Float(age - 40) / 30) * random.float(0.4...1.1)
            let grey = Color(190, 188, 185).mixed(with: Color(235, 235, 232), min(1, Float(max(0, age - 55)) / 25))
            hairColor = hairColor.mixed(with: grey, min(1, greyness))
        }
        hair = hairColor

        let styles: [(HairStyle, Float)]
        if female {
            styles = [(.long, 4), (.bob, 3), (.bun, 2), (.ponytail, 2), (.curly, 2), (.afro, 1), (.short, 1)]
        } else if male {
            let baldWeight: Float = age >= 50 ? 3 : (age >= 35 ? 1.2 : 0.3)
            styles = [(.short, 6), (.curly, 2), (.afro, 1), (.bald, baldWeight), (.long, 0.6), (.bun, 0.3)]
        } else {
            styles = [(.short, 3), (.bob, 2), (.curly, 2), (.long, 2), (.afro, 1), (.bun, 1), (.ponytail, 1)]
        }
        var roll = random.float(0...styles.reduce(0) { $0 + $1.1 })
        var chosen = styles[0].0
        for (style, weight) in styles {
            if roll < weight { chosen = style; break }
            roll -= weight
        }
        hairStyle = chosen
        parting = random.float(-0.3...0.3)

        iris = random.pick(Self.irisColors)
        let lipBase = female && random.chance(0.5) ? Color(185, 75, 85) : skin.mixed(with: Color(170, 80, 80), 0.45)
        lips = lipBase.scaled(0.95)
        clothing = random.pick(Self.clothingColors)
        collar = random.chance(0.5)
        let bg = random.pick(Self.backgrounds)
        background = (bg.0, bg.1)
        bokeh = (0..<random.int(2...4)).map { _ in
            (random.float(0...1), random.float(0...0.7), random.float(0.08...0.25),
             random.chance(0.5) ? Color.white : bg.0.scaled(1.25))
        }
        // Frames that stand out against the skin: dark on light skin, light or bright on dark.
        let skinLuma = 0.299 * skin.r + 0.587 * skin.g + 0.114 * skin.b
        let frames = skinLuma > 150
            ? [Color(30, 30, 30), Color(90, 55, 35), Color(120, 30, 40), Color(40, 50, 90)]
            : [Color(205, 170, 90), Color(200, 200, 210), Color(170, 40, 50), Color(20, 20, 20)]
        glasses = random.chance(age >= 45 ? 0.45 : 0.2) ? random.pick(frames) : nil
        let adultMale = male && age >= 18
        beard = adultMale && random.chance(0.35)
        moustache = adultMale && !beard && random.chance(0.15)
        headScale = random.float(0.185...0.21)
        faceLength = random.float(1.2...1.34)
        eyeSpacing = random.float(0.34...0.42)
        eyeSize = random.float(0.9...1.1)
        noseLength = random.float(0.85...1.15)
    }
}
