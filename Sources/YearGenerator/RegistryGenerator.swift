import Foundation
import YearCore

/// A deterministic generator of realistic school registries, in the CSV formats of docs/formats.md: Russian names,
/// classes 1А..11В, staff with class teachers, subjects, students enrolled from the year's start, and the year's
/// orders (arrivals, departures, class changes). The same seed gives the same files, byte for byte.
public struct RegistryGenerator: Sendable {
    /// How much to generate.
    public enum Size: String, Sendable, CaseIterable {
        /// One school of about 1,000 students.
        case school
        /// 50 schools, about 50,000 students.
        case district
        /// 1,000 schools, about 1,000,000 students.
        case region

        /// How many schools.
        public var schools: Int {
            switch self {
            case .school: 1
            case .district: 50
            case .region: 1000
            }
        }
    }

    /// The generator of every draw (one seed, one school).
    typealias Random = SplitMix64

    /// The order in which a school's files load (each refers only to kinds before it).
    public static let loadOrder: [RegistryKind] = [
        .staff, .subjects, .classes, .periods, .students, .orders, .guardians, .consents, .applications, .curriculum,
        .assignments, .schedule, .grades, .decisions, .certificates,
    ]

    /// The seed and the academic year's first calendar year.
    public let seed: UInt64, startYear: Int

    /// A generator for `seed` and the year starting in `startYear`.
    public init(seed: UInt64, startYear: Int) {
        self.seed = seed
        self.startYear = startYear
    }

    static let maleLast = [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
        "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
        "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
        "Яковлев", "Григорьев",
    ]
    static let maleFirst = [
        "Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья",
        "Кирилл", "Михаил", "Никита", "Матвей", "Роман", "Егор", "Арсений", "Иван", "Денис", "Евгений", "Тимофей",
        "Владимир", "Пётр", "Фёдор", "Глеб", "Лев", "Марк",
    ]
    static let femaleFirst = [
        "Анастасия", "Мария", "Анна", "Виктория", "Екатерина", "Наталья", "Марина", "Полина",
        "Дарья", "Алина", "Ксения", "Елизавета", "Софья", "Алёна", "Вероника", "Ульяна", "Варвара", "Арина", "Ева",
        "Милана", "Таисия", "Яна", "Ольга", "Татьяна", "Юлия",
    ]
    static let patronymics: [(String, String)] = [
        ("Александрович", "Александровна"), ("Дмитриевич", "Дмитриевна"), ("Сергеевич", "Сергеевна"),
        ("Андреевич", "Андреевна"), ("Алексеевич", "Алексеевна"), ("Михайлович", "Михайловна"),
        ("Иванович", "Ивановна"), ("Петрович", "Петровна"), ("Николаевич", "Николаевна"),
        ("Владимирович", "Владимировна"), ("Евгеньевич", "Евгеньевна"), ("Фёдорович", "Фёдоровна"),
        ("Юрьевич", "Юрьевна"), ("Олегович", "Олеговна"), ("Викторович", "Викторовна"),
    ]
    static let subjects: [(String, String)] = [
        ("rus", "Русский язык"), ("lit", "Литература"), ("math", "Математика"), ("alg", "Алгебра"),
        ("geom", "Геометрия"), ("inf", "Информатика"), ("hist", "История"), ("soc", "Обществознание"),
        ("geo", "География"), ("bio", "Биология"), ("phys", "Физика"), ("chem", "Химия"), ("eng", "Английский язык"),
        ("pe", "Физическая культура"), ("art", "Изобразительное искусство"), ("music", "Музыка"),
        ("tech", "Труд (технология)"), ("world", "Окружающий мир"),
    ]
    static let letters = ["А", "Б", "В", "Г"]

    /// The files of school number `index` (0-based), by kind, as CSV text.
    public func school(_ index: Int) -> [RegistryKind: String] {
        var random = Random(state: seed &* 1_000_003 &+ UInt64(index))
        let prefix = String(format: "%04d", index + 1)
        var files: [RegistryKind: String] = [:]

        var staff = CSVWriter.line(RegistryKind.staff.columns.map(\.name))
        let teachers = 70
        // Names are drawn again when taken: a clean school has no duplicate people (`staff.duplicate`,
        // `student.duplicate`); duplicates are planted on purpose by `school(_:defects:)`.
        var staffNames: Set<String> = []
        for number in 1...teachers {
            let female = random.below(10) < 8
            var name = person(female: female, random: &random)
            while !staffNames.insert("\(name)").inserted { name = person(female: female, random: &random) }
            let login = number % 3 == 0 ? "t\(prefix)_\(number)" : nil
            staff += CSVWriter.line([
                "T\(prefix)-\(number)", name.last, name.first, name.middle, "учитель", login,
            ])
        }
        files[.staff] = staff
        files[.subjects] =
            CSVWriter.line(RegistryKind.subjects.columns.map(\.name))
            + Self.subjects.map { CSVWriter.line([$0.0, $0.1]) }.joined()

        var classes = CSVWriter.line(RegistryKind.classes.columns.map(\.name))
        var classNames: [String] = []
        var teacher = 1
        for grade in 1...11 {
            let count = grade <= 4 ? 4 : grade <= 9 ? 3 : 2
            for letter in Self.letters.prefix(count) {
                let name = "\(grade)\(letter)"
                classNames.append(name)
                classes += CSVWriter.line([
                    name, String(grade), letter,
                    grade >= 10 ? (letter == "А" ? "физико-математический" : "гуманитарный") : nil,
                    "общеобразовательный", "T\(prefix)-\(teacher)", "30",
                ])
                teacher += 1
            }
        }
        files[.classes] = classes
        // Quarters for grades 1-9, halves for 10-11, within the year.
        var periods = CSVWriter.line(RegistryKind.periods.columns.map(\.name))
        let (autumn, spring) = (String(startYear), String(startYear + 1))
        for grade in 1...11 {
            let split =
                grade <= 9
                ? [
                    ("q1", "\(autumn)-09-01", "\(autumn)-10-25"), ("q2", "\(autumn)-11-05", "\(autumn)-12-28"),
                    ("q3", "\(spring)-01-09", "\(spring)-03-20"), ("q4", "\(spring)-03-30", "\(spring)-05-24"),
                ]
                : [("h1", "\(autumn)-09-01", "\(autumn)-12-28"), ("h2", "\(spring)-01-09", "\(spring)-05-24")]
            for (period, from, to) in split { periods += CSVWriter.line([String(grade), period, from, to]) }
        }
        files[.periods] = periods

        var students = CSVWriter.line(RegistryKind.students.columns.map(\.name))
        var enrolled: [(id: String, group: String)] = []
        var studentNumber = 0
        var studentKeys: Set<String> = []
        func newStudent(grade: Int, group: String?) -> String {
            studentNumber += 1
            let id = "S\(prefix)-\(studentNumber)"
            let female = random.below(2) == 0
            var name: (last: String, first: String, middle: String)
            var birth: String
            repeat {
                name = person(female: female, random: &random)
                let birthYear = startYear - grade - 6 - (random.below(10) == 0 ? 1 : 0)
                birth =
                    "\(String(format: "%02d", 1 + random.below(28))).\(String(format: "%02d", 1 + random.below(12))).\(birthYear)"
            } while !studentKeys.insert("\(name)|\(birth)").inserted
            let enrolledOn = group == nil ? nil : "\(startYear - grade + 1)-09-01"
            students += CSVWriter.line([
                id, name.last, name.first, name.middle, birth, female ? "Ж" : "М", group, "\(prefix)/\(studentNumber)",
                snils(&random), enrolledOn, nil,
            ])
            return id
        }
        for group in classNames {
            let grade = Int(group.dropLast()) ?? 1
            for _ in 0..<(22 + random.below(7)) {
                enrolled.append((newStudent(grade: grade, group: group), group))
            }
        }

        // The year's orders: arrivals to classes, departures, class changes within a grade, in date order.
        var orders = CSVWriter.line(RegistryKind.orders.columns.map(\.name))
        var orderNumber = 0
        var present = enrolled
        // Arrivals and class changes go only to classes with a place left (capacity 30, `class.over-capacity`).
        var size: [String: Int] = [:]
        for student in enrolled { size[student.group, default: 0] += 1 }
        // Orders every few days from 2 September to the end of May, so that each student's orders are in date order.
        var day = CalendarDate(year: startYear, month: 9, day: 1)
        while let current = day, current.year == startYear || current.month <= 5 {
            day = current.adding(days: 1 + random.below(5))
            guard let today = day, today.year == startYear || today.month <= 5 else { break }
            orderNumber += 1
            let date = today.description
            let action = random.below(3)
            let roomy = classNames.filter { size[$0, default: 0] < 30 }
            if (action == 0 || present.isEmpty) && !roomy.isEmpty {
                let group = random.pick(roomy)
                let id = newStudent(grade: Int(group.dropLast()) ?? 1, group: nil)
                orders += CSVWriter.line([
                    "\(orderNumber)-у", date, "enrollment", id, nil, group, date, "заявление родителя", nil,
                ])
                present.append((id, group))
                size[group, default: 0] += 1
            } else if action != 2, !present.isEmpty {
                let leaving = present.remove(at: random.below(present.count))
                size[leaving.group, default: 0] -= 1
                orders += CSVWriter.line([
                    "\(orderNumber)-в", date, random.below(2) == 0 ? "withdrawal" : "transfer_out", leaving.id,
                    leaving.group, nil, date, "заявление родителя", "МБОУ СОШ № \(1 + random.below(90))",
                ])
            } else if !present.isEmpty {
                let index = random.below(present.count)
                let moving = present[index]
                let grade = moving.group.dropLast()
                let others = classNames.filter { name in
                    name.dropLast() == grade && name != moving.group
                        && size[name, default: 0] < 30
                }
                guard !others.isEmpty else { continue }
                let target = random.pick(others)
                orders += CSVWriter.line([
                    "\(orderNumber)-п", date, "class_change", moving.id, moving.group, target, date,
                    "решение педсовета", nil,
                ])
                present[index] = (moving.id, target)
                size[moving.group, default: 0] -= 1
                size[target, default: 0] += 1
            }
        }
        files[.students] = students
        files[.orders] = orders

        // Guardians and consents of every student; applications for next year's first grade.
        var guardians = CSVWriter.line(RegistryKind.guardians.columns.map(\.name))
        var consents = CSVWriter.line(RegistryKind.consents.columns.map(\.name))
        for number in 1...studentNumber {
            let student = "S\(prefix)-\(number)"
            let guardian = "G\(prefix)-\(number)"
            let mother = random.below(10) < 8
            let name = person(female: mother, random: &random)
            let phone =
                "+7 9\(10 + random.below(89)) \(100 + random.below(899))-\(10 + random.below(89))-\(10 + random.below(89))"
            guardians += CSVWriter.line([
                guardian, student, mother ? "мать" : "отец", name.last, name.first, name.middle, phone,
                random.below(3) == 0 ? "parent\(prefix)_\(number)@example.ru" : nil,
            ])
            consents += CSVWriter.line([student, "student", guardian, "\(startYear)-08-25", "2025-09", nil])
        }
        files[.guardians] = guardians
        files[.consents] = consents
        var applications = CSVWriter.line(RegistryKind.applications.columns.map(\.name))
        // The guardian who applies, and the consent signed with the application, follow from the child's name and
        // number (not from the random source: the rest of the school stays as it was generated).
        func guardian(_ last: String, female: Bool, _ number: Int) -> [String?] {
            let mother = ["Ольга", "Елена", "Ирина", "Наталья", "Светлана"][number % 5]
            return [
                "\(female ? last : last + "а") \(mother) Петровна",
                "+7 912 \(100 + number % 900)-00-\(10 + number % 90)",
                nil,
            ]
        }
        for number in 1...30 {
            let female = random.below(2) == 0
            let name = person(female: female, random: &random)
            let submitted = "\(startYear + 1)-04-0\(1 + random.below(9))"
            applications += CSVWriter.line(
                [
                    "A\(prefix)-\(number)", name.last, name.first, name.middle,
                    "\(startYear - 6)-0\(1 + random.below(9))-15",
                    female ? "F" : "M", "1", random.pick(["submitted", "accepted", "accepted", "rejected"]), submitted,
                ] + guardian(name.last, female: female, number) + [nil, submitted])
        }
        files[.applications] = applications

        // Curriculum per grade, a teacher for every subject of every class, a week's timetable, year grades and
        // the promotion decisions.
        var curriculum = CSVWriter.line(RegistryKind.curriculum.columns.map(\.name))
        var subjectsOf: [Int: [String]] = [:]
        var hoursOf: [Int: [String: Int]] = [:]
        for grade in 1...11 {
            let subjects =
                grade <= 4
                ? ["rus", "lit", "math", "world", "eng", "pe", "art", "music", "tech"]
                : grade <= 6
                    ? ["rus", "lit", "math", "hist", "geo", "bio", "eng", "pe", "art", "music", "tech", "inf"]
                    : ["rus", "lit", "alg", "geom", "inf", "hist", "soc", "geo", "bio", "phys", "chem", "eng", "pe"]
            subjectsOf[grade] = subjects
            for subject in subjects {
                let hours = 1 + random.below(3)
                hoursOf[grade, default: [:]][subject] = hours
                curriculum += CSVWriter.line([String(grade), nil, subject, String(hours), "graded"])
            }
        }
        files[.curriculum] = curriculum
        var assignments = CSVWriter.line(RegistryKind.assignments.columns.map(\.name))
        var schedule = CSVWriter.line(RegistryKind.schedule.columns.map(\.name))
        // The timetable: each class its own room, each lesson in the first period of the week (five days of eight)
        // where neither the class nor its teacher is busy, so that it has no conflict and its hours are the
        // curriculum's.
        var next = 0
        var busy: Set<String> = []
        let slots = (1...8).flatMap { period in (1...5).map { weekday in (weekday, period) } }
        for (classIndex, group) in classNames.enumerated() {
            let grade = Int(group.dropLast()) ?? 1
            for subject in subjectsOf[grade] ?? [] {
                next += 1
                let teacher = "T\(prefix)-\(1 + next % teachers)"
                assignments += CSVWriter.line([group, subject, nil, teacher])
                var placed = 0
                for (weekday, period) in slots where placed < hoursOf[grade]?[subject] ?? 0 {
                    let classSlot = "\(group)@\(weekday)-\(period)", teacherSlot = "\(teacher)@\(weekday)-\(period)"
                    guard !busy.contains(classSlot), !busy.contains(teacherSlot) else { continue }
                    busy.formUnion([classSlot, teacherSlot])
                    placed += 1
                    schedule += CSVWriter.line([
                        group, String(weekday), String(period), subject, nil, teacher, String(101 + classIndex),
                    ])
                }
            }
        }
        files[.assignments] = assignments
        files[.schedule] = schedule
        var grades = CSVWriter.line(RegistryKind.grades.columns.map(\.name))
        var decisions = CSVWriter.line(RegistryKind.decisions.columns.map(\.name))
        var certificates = CSVWriter.line(RegistryKind.certificates.columns.map(\.name))
        var certificateNumber = 0
        for (student, group) in present {
            let grade = Int(group.dropLast()) ?? 1
            var debt: String?
            // Grade 1 is taught without marks: no year grades.
            for subject in grade == 1 ? [] : subjectsOf[grade] ?? [] {
                // A debt in a graduating grade would bar the student from the exams: none in a clean school.
                let value = grade != 9 && grade != 11 && random.below(60) == 0 ? "2" : String(3 + random.below(3))
                if value == "2" { debt = subject }
                grades += CSVWriter.line([student, subject, "year", value])
            }
            let outcome = grade == 11 ? "graduated" : debt == nil ? "promoted" : "conditional"
            decisions += CSVWriter.line([
                student, outcome, debt, debt == nil ? nil : "\(startYear + 1)-10-15",
                grade == 11 ? nil : "\(grade + 1)\(group.suffix(1))", "95-о", "\(startYear + 1)-05-28", nil, nil,
            ])
            // Grade 9 ends with the basic certificate (also for those who go on to 10), grade 11 with the
            // secondary one.
            if grade == 9 || grade == 11 {
                certificateNumber += 1
                certificates += CSVWriter.line([
                    student, grade == 9 ? "basic" : "secondary", "\(prefix)-\(certificateNumber)",
                    // From the number, not the random source: the rest of the school stays as it was generated.
                    "\(startYear + 1)-06-2\(certificateNumber % 9 + 1)", certificateNumber % 20 == 0 ? "1" : nil,
                ])
            }
        }
        files[.grades] = grades
        files[.decisions] = decisions
        files[.certificates] = certificates
        // Two accepted applications for the next year's grade 10 (drawn last, so that the rest is as before).
        for number in 31...32 {
            let female = number % 2 == 0
            let name = person(female: female, random: &random)
            applications += CSVWriter.line(
                [
                    "A\(prefix)-\(number)", name.last, name.first, name.middle, "\(startYear - 15)-03-1\(number % 10)",
                    female ? "F" : "M", "10", "accepted", "\(startYear + 1)-06-0\(number % 9 + 1)",
                ] + guardian(name.last, female: female, number) + [nil, "\(startYear + 1)-06-0\(number % 9 + 1)"])
        }
        files[.applications] = applications
        // Two children in family education, attached to the school for assessment only: in no class (drawn last).
        for number in 1...2 {
            let female = number == 2
            let name = person(female: female, random: &random)
            files[.students, default: ""] += CSVWriter.line([
                "S\(prefix)-F\(number)", name.last, name.first, name.middle, "\(startYear - 12)-02-1\(number)",
                female ? "Ж" : "М", nil, "\(prefix)/F\(number)", snils(&random), nil, "family",
            ])
        }
        return files
    }

    private func person(female: Bool, random: inout Random) -> (last: String, first: String, middle: String) {
        let last = random.pick(Self.maleLast)
        let middle = random.pick(Self.patronymics)
        return (
            female ? last + "а" : last, random.pick(female ? Self.femaleFirst : Self.maleFirst),
            female ? middle.1 : middle.0
        )
    }

    /// A SNILS with a valid checksum, formatted 123-456-789 01.
    private func snils(_ random: inout Random) -> String {
        let digits = (0..<9).map { _ in random.below(10) }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * (9 - $1.offset) }
        let check = sum < 100 ? sum : sum <= 101 ? 0 : (sum % 101 == 100 ? 0 : sum % 101)
        let text = digits.map(String.init).joined()
        return "\(text.prefix(3))-\(text.dropFirst(3).prefix(3))-\(text.suffix(3)) \(String(format: "%02d", check))"
    }
}
