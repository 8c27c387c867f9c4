import Foundation
import YearCore

/// A defect the generator planted, as the check catalogue must report it: the check and the entity id.
public struct PlantedDefect: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The check that must find it.
    public var check: String
    /// The entity it must name (`S0001-12`, `5А`, `S0001-3/math`).
    public var entityID: String

    /// A defect with every field given.
    public init(check: String, entityID: String) {
        self.check = check
        self.entityID = entityID
    }

    /// `check entity`, as in the manifest file.
    public var description: String { "\(check) \(entityID)" }

    /// By check, then entity.
    public static func < (lhs: PlantedDefect, rhs: PlantedDefect) -> Bool {
        (lhs.check, lhs.entityID) < (rhs.check, rhs.entityID)
    }
}

extension RegistryGenerator {
    /// The kinds of defect the generator can plant, each on an entity of its own so that each produces exactly the
    /// findings listed in the manifest and nothing else.
    public static let plantableChecks = [
        "student.birth-date-missing", "student.personal-file-missing", "student.snils-invalid", "consent.missing",
        "guardian.no-contact", "guardian.phone-invalid", "grade.final-missing", "decision.missing",
        "decision.order-missing", "class.no-teacher", "student.duplicate", "assignment.missing",
    ]

    /// School number `index` with `count` defects planted (cycling through `plantableChecks`), and the manifest of
    /// what was planted. The clean school is `school(index)`; the same seed plants the same defects.
    public func school(_ index: Int, defects count: Int) -> (files: [RegistryKind: String], planted: [PlantedDefect]) {
        var files = school(index)
        var random = Random(state: seed &* 7_919 &+ UInt64(index) &+ 17)
        // The generated files quote nothing and hold no commas inside fields: splitting on commas is exact.
        func rows(_ kind: RegistryKind) -> [[String]] {
            (files[kind] ?? "").split(separator: "\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }
        var classes = rows(.classes), assignments = rows(.assignments), students = rows(.students)
        var consents = rows(.consents), guardians = rows(.guardians), grades = rows(.grades)
        var decisions = rows(.decisions)
        // Students still in the school at the end of the year are those with a decision.
        var candidates = decisions.dropFirst().compactMap(\.first)
        var usedClasses: Set<String> = []
        var planted: [PlantedDefect] = []
        func row(_ table: [[String]], _ key: String) -> Int? { table.indices.dropFirst().first { table[$0][0] == key } }
        func take(where match: (String) -> Bool = { _ in true }) -> String? {
            let eligible = candidates.indices.filter { match(candidates[$0]) }
            guard !eligible.isEmpty else { return nil }
            return candidates.remove(at: eligible[random.below(eligible.count)])
        }
        for number in 0..<count {
            let check = Self.plantableChecks[number % Self.plantableChecks.count]
            if check == "class.no-teacher" || check == "assignment.missing" {
                let free = classes.dropFirst().map { $0[0] }.filter { !usedClasses.contains($0) }
                guard !free.isEmpty else { continue }
                let group = free[random.below(free.count)]
                usedClasses.insert(group)
                if check == "class.no-teacher", let line = row(classes, group) {
                    classes[line][5] = ""
                    planted.append(PlantedDefect(check: check, entityID: group))
                } else if let line = row(assignments, group) {
                    planted.append(PlantedDefect(check: check, entityID: "\(group)/\(assignments[line][1])"))
                    assignments.remove(at: line)
                }
                continue
            }
            // A twin is a second record of a child of the same class: the same grade, so no other check minds.
            let hasClass = { (id: String) in row(students, id).map { !students[$0][6].isEmpty } ?? false }
            guard let student = take(where: check == "student.duplicate" ? hasClass : { _ in true }),
                let line = row(students, student)
            else { continue }
            let guardian = "G" + student.dropFirst()
            switch check {
            case "student.birth-date-missing":
                students[line][4] = ""
            case "student.personal-file-missing":
                students[line][7] = ""
            case "student.snils-invalid":
                let snils = students[line][8]
                let digits = String(snils.filter(\.isNumber))
                guard RegistryValues.snilsChecksumValid(digits), let number = Int(digits.prefix(9)), number > 1_001_998,
                    let sum = Int(digits.suffix(2))
                else { continue }
                students[line][8] = String(snils.dropLast(2)) + String(format: "%02d", (sum + 1) % 100)
            case "consent.missing":
                consents.removeAll { $0.first == student }
            case "guardian.no-contact", "guardian.phone-invalid":
                for index in guardians.indices where guardians[index][0] == guardian {
                    guardians[index][6] = check == "guardian.no-contact" ? "" : "12-34"
                    guardians[index][7] = ""
                }
                planted.append(PlantedDefect(check: check, entityID: guardian))
                continue
            case "grade.final-missing":
                guard let grade = row(grades, student) else { continue }
                planted.append(PlantedDefect(check: check, entityID: "\(student)/\(grades[grade][1])"))
                grades.remove(at: grade)
                continue
            case "decision.missing":
                decisions.removeAll { $0.first == student }
            case "decision.order-missing":
                for index in decisions.indices where decisions[index][0] == student { decisions[index][5] = "" }
            case "student.duplicate":
                let group = students[line][6]
                guard let twin = take(where: { id in row(students, id).map { students[$0][6] == group } ?? false }),
                    let target = row(students, twin)
                else { continue }
                for column in 1...5 { students[target][column] = students[line][column] }
                planted.append(PlantedDefect(check: check, entityID: twin))
            default:
                continue
            }
            planted.append(PlantedDefect(check: check, entityID: student))
        }
        for (kind, table) in [
            (RegistryKind.classes, classes), (.assignments, assignments), (.students, students), (.consents, consents),
            (.guardians, guardians), (.grades, grades), (.decisions, decisions),
        ] {
            files[kind] = table.map { $0.joined(separator: ",") + "\n" }.joined()
        }
        return (files, planted.sorted())
    }
}
