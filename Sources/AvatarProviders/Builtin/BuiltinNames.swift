/// Name, city and occupation data of the built-in persona provider.
/// Order matters: personas are picked by index into these lists, so
/// reordering or removing entries changes every generated persona.
enum BuiltinNames {
    struct Pool: Sendable {
        let female: [String]
        let male: [String]
        let last: [String]
    }

    struct Country: Sendable {
        let pool: Pool
        let cities: [String]
    }

    static let german = Pool(
        female: ["Lena", "Anna", "Laura", "Julia", "Sarah", "Katharina", "Lisa", "Hannah", "Johanna", "Sophie",
                 "Miriam", "Franziska", "Nina", "Carolin", "Jana", "Theresa", "Marie", "Lea", "Vanessa", "Svenja"],
        male: ["Lukas", "Jonas", "Felix", "Maximilian", "Tobias", "Florian", "Sebastian", "Jan", "Niklas", "Moritz",
               "Philipp", "Tim", "Matthias", "Stefan", "Alexander", "Daniel", "Benedikt", "Kai", "Jannik", "Fabian"],
        last: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
               "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
               "Hartmann", "Lange", "Werner", "Krause", "Lehmann"])

    static let english = Pool(
        female: ["Emily", "Olivia", "Sophie", "Charlotte", "Amelia", "Grace", "Hannah", "Jessica", "Lucy", "Megan",
                 "Rebecca", "Chloe", "Abigail", "Madison", "Ella", "Isabelle", "Natalie", "Rachel", "Katie", "Zoe"],
        male: ["James", "Oliver", "Jack", "Harry", "Thomas", "William", "Daniel", "Matthew", "Ethan", "Samuel",
               "Benjamin", "Joshua", "Ryan", "Nathan", "Christopher", "Andrew", "Luke", "Michael", "Connor", "Owen"],
        last: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Taylor", "Davies", "Evans", "Wilson", "Thomas",
               "Roberts", "Walker", "Wright", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
               "Harris", "Clarke", "Jackson", "Turner", "Hill"])

    static let american = Pool(
        female: ["Emma", "Ava", "Madison", "Olivia", "Abigail", "Ashley", "Samantha", "Brianna", "Jasmine", "Taylor",
                 "Kayla", "Lauren", "Alyssa", "Morgan", "Hailey", "Destiny", "Sydney", "Brooke", "Jenna", "Maria"],
        male: ["Michael", "Jacob", "Ethan", "Tyler", "Brandon", "Austin", "Justin", "Kevin", "Jason", "Aiden",
               "Logan", "Mason", "Carlos", "Dylan", "Hunter", "Jordan", "Marcus", "Trevor", "Caleb", "Wyatt"],
        last: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
               "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
               "Thompson", "White", "Harris", "Clark", "Lewis"])

    static let french = Pool(
        female: ["Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Clara", "Juliette", "Pauline",
                 "Mathilde", "Élodie", "Marion", "Océane", "Lucie", "Margaux", "Charlotte", "Justine", "Amandine", "Anaïs"],
        male: ["Lucas", "Hugo", "Louis", "Théo", "Nathan", "Thomas", "Antoine", "Maxime", "Julien", "Nicolas",
               "Alexandre", "Quentin", "Romain", "Clément", "Baptiste", "Mathieu", "Guillaume", "Adrien", "Florian", "Kevin"],
        last: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
               "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
               "Morel", "Girard", "André", "Mercier", "Dupont"])

    static let japanese = Pool(
        female: ["Yui", "Haruka", "Aoi", "Sakura", "Yuna", "Misaki", "Nanami", "Hina", "Rin", "Mei",
                 "Ayaka", "Mao", "Saki", "Kaho", "Riko", "Natsuki", "Yuka", "Emi", "Chihiro", "Kanako"],
        male: ["Haruto", "Ren", "Sota", "Yuto", "Kaito", "Riku", "Takumi", "Daiki", "Shota", "Kenta",
               "Yusuke", "Hiroshi", "Takeshi", "Kazuki", "Naoki", "Ryota", "Yuki", "Sho", "Tatsuya", "Kenji"],
        last: ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
               "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu", "Yamazaki",
               "Mori", "Abe", "Ikeda", "Hashimoto", "Ishikawa"])

    static let portuguese = Pool(
        female: ["Ana", "Beatriz", "Camila", "Juliana", "Larissa", "Fernanda", "Mariana", "Gabriela", "Letícia", "Amanda",
                 "Bruna", "Carolina", "Isabela", "Luana", "Rafaela", "Thaís", "Vitória", "Júlia", "Natália", "Patrícia"],
        male: ["Lucas", "Gabriel", "Matheus", "Pedro", "Rafael", "Gustavo", "Felipe", "Bruno", "Thiago", "Rodrigo",
               "Leonardo", "Diego", "Vinícius", "João", "Guilherme", "André", "Eduardo", "Caio", "Henrique", "Marcelo"],
        last: ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
               "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa",
               "Rocha", "Dias", "Nascimento", "Andrade", "Moreira"])

    static let indian = Pool(
        female: ["Priya", "Ananya", "Aishwarya", "Divya", "Kavya", "Sneha", "Pooja", "Neha", "Shreya", "Meera",
                 "Riya", "Isha", "Lakshmi", "Deepika", "Nandini", "Anjali", "Sanya", "Tanvi", "Aditi", "Swati"],
        male: ["Arjun", "Rahul", "Aditya", "Vikram", "Rohan", "Karthik", "Siddharth", "Amit", "Ankit", "Varun",
               "Nikhil", "Pranav", "Rajesh", "Suresh", "Harsh", "Manish", "Vivek", "Kunal", "Aarav", "Ishaan"],
        last: ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Joshi",
               "Rao", "Desai", "Verma", "Chopra", "Malhotra", "Banerjee", "Mukherjee", "Pillai", "Kapoor", "Agarwal",
               "Menon", "Bhat", "Shah", "Chatterjee", "Saxena"])

    static let nigerian = Pool(
        female: ["Chiamaka", "Ngozi", "Adaeze", "Funmilayo", "Temitope", "Aisha", "Zainab", "Blessing", "Chioma", "Folake",
                 "Amina", "Ifeoma", "Yetunde", "Oluwaseun", "Nneka", "Halima", "Bukola", "Kemi", "Uche", "Damilola"],
        male: ["Chinedu", "Emeka", "Oluwaseun", "Tunde", "Ibrahim", "Musa", "Obinna", "Adebayo", "Chukwuemeka", "Babatunde",
               "Ifeanyi", "Segun", "Kelechi", "Yusuf", "Olumide", "Nnamdi", "Abdullahi", "Femi", "Uchenna", "Tobi"],
        last: ["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Bello", "Ogunleye", "Nwosu", "Abubakar", "Adebayo",
               "Chukwu", "Ibrahim", "Olawale", "Onyekachi", "Obi", "Adeleke", "Nwachukwu", "Musa", "Oyelaran", "Akinola",
               "Uzor", "Danjuma", "Fashola", "Ikenna", "Olatunji"])

    static let spanish = Pool(
        female: ["Lucía", "María", "Paula", "Laura", "Marta", "Sara", "Carmen", "Elena", "Andrea", "Claudia",
                 "Irene", "Alba", "Cristina", "Nerea", "Ainhoa", "Raquel", "Sofía", "Valentina", "Daniela", "Natalia"],
        male: ["Hugo", "Daniel", "Pablo", "Alejandro", "Javier", "Sergio", "Adrián", "Carlos", "David", "Álvaro",
               "Diego", "Jorge", "Mario", "Iván", "Rubén", "Manuel", "Raúl", "Marcos", "Andrés", "Santiago"],
        last: ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
               "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres",
               "Domínguez", "Vázquez", "Ramos", "Gil", "Serrano"])

    static let italian = Pool(
        female: ["Giulia", "Francesca", "Chiara", "Sara", "Martina", "Alessia", "Valentina", "Federica", "Elisa", "Silvia",
                 "Giorgia", "Ilaria", "Beatrice", "Camilla", "Elena", "Aurora", "Serena", "Roberta", "Arianna", "Marta"],
        male: ["Marco", "Luca", "Alessandro", "Andrea", "Matteo", "Lorenzo", "Francesco", "Davide", "Simone", "Federico",
               "Riccardo", "Stefano", "Giovanni", "Tommaso", "Gabriele", "Nicola", "Paolo", "Emanuele", "Filippo", "Pietro"],
        last: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
               "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
               "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi"])

    static let polish = Pool(
        female: ["Anna", "Zuzanna", "Julia", "Maja", "Zofia", "Aleksandra", "Natalia", "Katarzyna", "Magdalena", "Agnieszka",
                 "Karolina", "Monika", "Joanna", "Paulina", "Weronika", "Marta", "Ewa", "Dominika", "Justyna", "Kinga"],
        male: ["Jakub", "Kacper", "Mateusz", "Piotr", "Tomasz", "Michał", "Krzysztof", "Paweł", "Łukasz", "Marcin",
               "Bartosz", "Wojciech", "Adam", "Damian", "Szymon", "Rafał", "Grzegorz", "Filip", "Dawid", "Kamil"],
        last: ["Nowak", "Kowalczyk", "Wiśniewski", "Wójcik", "Kowalski", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak",
               "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski",
               "Michalski", "Król", "Wieczorek", "Jabłoński", "Majewski"])

    static let chinese = Pool(
        female: ["Na", "Xiaoling", "Mei", "Jing", "Yan", "Hui", "Xin", "Ying", "Lan", "Fang",
                 "Yuxin", "Zihan", "Shuang", "Qian", "Lili", "Wenjing", "Xiaoyu", "Ruoxi", "Jiayi", "Min"],
        male: ["Wei", "Hao", "Jun", "Lei", "Ming", "Qiang", "Tao", "Yang", "Bo", "Chen",
               "Zhiwei", "Haoran", "Yuxuan", "Jian", "Peng", "Xiaolong", "Kai", "Jie", "Zihao", "Long"],
        last: ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
               "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo",
               "Zheng", "Liang", "Xie", "Song", "Tang"])

    /// Names for countries without their own data.
    static let international = Pool(
        female: ["Anna", "Maria", "Sofia", "Elena", "Laura", "Sara", "Nina", "Eva", "Mila", "Lina",
                 "Alice", "Clara", "Emma", "Hana", "Lara", "Amira", "Leila", "Yasmin", "Ines", "Nadia"],
        male: ["David", "Daniel", "Adam", "Leo", "Omar", "Samuel", "Elias", "Noah", "Karim", "Adrian",
               "Victor", "Martin", "Lucas", "Jonas", "Ali", "Ivan", "Hugo", "Oscar", "Milan", "Tomas"],
        last: ["Novak", "Horvat", "Petrov", "Hansen", "Jensen", "Nielsen", "Berg", "Lind", "Costa", "Rahman",
               "Haddad", "Mansour", "Popescu", "Ionescu", "Kovacs", "Nagy", "Demir", "Yilmaz", "Andersen", "Larsen",
               "Vidal", "Moretti", "Silva", "Kaya", "Karimi"])

    /// Countries with their own cities; the name pool may be shared by neighbours.
    static let countries: [String: Country] = [
        "DE": Country(pool: german, cities: ["Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt", "Leipzig", "Stuttgart", "Dresden"]),
        "AT": Country(pool: german, cities: ["Vienna", "Graz", "Linz", "Salzburg", "Innsbruck"]),
        "CH": Country(pool: german, cities: ["Zurich", "Basel", "Bern", "Lucerne", "Winterthur"]),
        "US": Country(pool: american, cities: ["New York", "Chicago", "Austin", "Seattle", "Denver", "Atlanta", "San Diego", "Boston"]),
        "GB": Country(pool: english, cities: ["London", "Manchester", "Bristol", "Leeds", "Edinburgh", "Birmingham", "Glasgow", "Brighton"]),
        "IE": Country(pool: english, cities: ["Dublin", "Cork", "Galway", "Limerick"]),
        "CA": Country(pool: american, cities: ["Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"]),
        "AU": Country(pool: english, cities: ["Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide"]),
        "NZ": Country(pool: english, cities: ["Auckland", "Wellington", "Christchurch"]),
        "FR": Country(pool: french, cities: ["Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Strasbourg"]),
        "BE": Country(pool: french, cities: ["Brussels", "Liège", "Namur", "Charleroi"]),
        "JP": Country(pool: japanese, cities: ["Tokyo", "Osaka", "Kyoto", "Yokohama", "Sapporo", "Fukuoka", "Nagoya", "Kobe"]),
        "BR": Country(pool: portuguese, cities: ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Porto Alegre", "Curitiba", "Recife", "Salvador", "Brasília"]),
        "PT": Country(pool: portuguese, cities: ["Lisbon", "Porto", "Braga", "Coimbra", "Faro"]),
        "IN": Country(pool: indian, cities: ["Bengaluru", "Mumbai", "Delhi", "Hyderabad", "Chennai", "Pune", "Kolkata", "Ahmedabad"]),
        "NG": Country(pool: nigerian, cities: ["Lagos", "Abuja", "Ibadan", "Port Harcourt", "Kano", "Enugu", "Benin City", "Kaduna"]),
        "ES": Country(pool: spanish, cities: ["Madrid", "Barcelona", "Valencia", "Seville", "Bilbao", "Málaga", "Zaragoza", "Granada"]),
        "MX": Country(pool: spanish, cities: ["Mexico City", "Guadalajara", "Monterrey", "Puebla", "Mérida"]),
        "AR": Country(pool: spanish, cities: ["Buenos Aires", "Córdoba", "Rosario", "Mendoza"]),
        "IT": Country(pool: italian, cities: ["Milan", "Rome", "Turin", "Naples", "Bologna", "Florence", "Genoa", "Verona"]),
        "PL": Country(pool: polish, cities: ["Warsaw", "Kraków", "Wrocław", "Gdańsk", "Poznań", "Łódź", "Katowice", "Lublin"]),
        "CN": Country(pool: chinese, cities: ["Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Hangzhou", "Chengdu", "Wuhan", "Nanjing"]),
    ]

    /// Countries picked when the task names none.
    static let defaultCountries = ["DE", "US", "GB", "FR", "JP", "BR", "IN", "NG", "ES", "IT", "PL", "CN"]

    /// Occupations for keywords in the task description (lower case, matched as substrings).
    static let occupationsByKeyword: [(keywords: [String], occupations: [String])] = [
        (["developer", "software", "programmer", "engineer", "coder", "devops", "backend", "frontend"],
         ["software developer", "backend engineer", "frontend developer", "DevOps engineer", "data engineer",
          "mobile app developer", "QA engineer", "full-stack developer"]),
        (["nurse", "nursing", "hospital", "midwi"],
         ["registered nurse", "intensive care nurse", "pediatric nurse", "midwife", "community health nurse", "emergency room nurse"]),
        (["designer", "design", "ux", "illustrat"],
         ["UX designer", "graphic designer", "product designer", "interior designer", "UI designer", "fashion designer"]),
        (["teacher", "teaching", "school", "educat"],
         ["primary school teacher", "secondary school maths teacher", "English teacher", "kindergarten teacher",
          "music teacher", "science teacher"]),
        (["doctor", "physician", "medic"],
         ["general practitioner", "pediatrician", "anaesthetist", "emergency physician", "dermatologist"]),
        (["student", "university"],
         ["university student", "medical student", "engineering student", "law student", "PhD student"]),
        (["chef", "cook", "restaurant", "baker"],
         ["chef", "pastry chef", "line cook", "baker", "restaurant owner"]),
        (["market", "sales"],
         ["marketing manager", "sales representative", "social media manager", "brand strategist"]),
    ]

    static let generalOccupations = [
        "accountant", "architect", "barista", "civil engineer", "electrician", "journalist", "lawyer", "librarian",
        "logistics coordinator", "marketing manager", "pharmacist", "photographer", "physiotherapist", "project manager",
        "real estate agent", "sales representative", "shop owner", "social worker", "software developer", "teacher",
        "translator", "veterinarian", "nurse", "graphic designer", "bank clerk", "mechanic",
    ]

    static let hobbies = [
        "hiking", "cooking for friends", "playing the guitar", "running", "photography", "reading crime novels",
        "cycling", "gardening", "yoga", "playing football", "baking bread", "board games", "swimming",
        "painting with watercolours", "travelling", "rock climbing", "playing chess", "dancing salsa",
        "volunteering at an animal shelter", "learning languages",
    ]
}
