import Foundation
import Testing
import YearCore

@testable import YearStore

@Suite("The summary sheet over a generated school")
struct SummarySheetTests {
    @Test(
        "every student in a class at the year's end, every subject of their curriculum, every year grade of the files",
        arguments: [3, 11])
    func equalsTheFiles(seed: Int) async throws {
        let (store, year, files) = try await MovementTests.loadGenerated(seed: UInt64(seed))
        let classes = try await store.database.summarySheet(school: "school-a", year: year, group: nil)

        // Who is in which class when no order takes them away, from the files alone.
        let present = try MovementTests.intervals(files).filter { $0.to == nil }
        var expectedStudents: [String: Set<String>] = [:]
        for entry in present { expectedStudents[entry.group, default: []].insert(entry.student) }
        #expect(
            Dictionary(uniqueKeysWithValues: classes.map { ($0.class, Set($0.students.map(\.id))) })
                == expectedStudents)

        let rows = { (kind: RegistryKind) in try MovementTests.records(files, kind) }
        var grade: [String: (Int, String)] = [:]
        for row in try rows(.classes) {
            grade[row["class"] ?? ""] = (Int(row["grade"] ?? "") ?? 0, row["profile"] ?? "")
        }
        var curriculum: [Int: [(profile: String, subject: String)]] = [:]
        for row in try rows(.curriculum) {
            curriculum[Int(row["grade"] ?? "") ?? 0, default: []].append(
                (row["profile"] ?? "", row["subject_id"] ?? ""))
        }
        var marks: [String: [String: String]] = [:]
        for row in try rows(.grades) where row["period"] == "year" {
            marks[row["student_id"] ?? "", default: [:]][row["subject_id"] ?? ""] = row["grade"]
        }
        let outcomes = Dictionary(
            uniqueKeysWithValues: try rows(.decisions).map { ($0["student_id"] ?? "", $0["outcome"] ?? "") })
        for part in classes {
            let (number, profile) = try #require(grade[part.class])
            #expect(part.grade == number)
            let planned = Set(
                (curriculum[number] ?? []).filter { $0.profile.isEmpty || $0.profile == profile }.map(\.subject))
            let graded = Set(part.students.flatMap { marks[$0.id]?.keys ?? [:].keys })
            // The curriculum's subjects come first, then those only graded; none twice.
            let ids = part.subjects.map(\.id)
            #expect(ids.count == Set(ids).count)
            #expect(Set(ids.prefix(planned.count)) == planned, "\(part.class)")
            #expect(Set(ids) == planned.union(graded), "\(part.class)")
            #expect(part.subjects.allSatisfy { $0.name != $0.id && !$0.name.isEmpty })
            // By name, as SQLite orders text (by code point, as Swift compares these names).
            #expect(part.students.map(\.name) == part.students.map(\.name).sorted(), "\(part.class)")
            for student in part.students {
                #expect(student.grades == (marks[student.id] ?? [:]), "\(student.id)")
                #expect(student.outcome?.rawValue == outcomes[student.id], "\(student.id)")
            }
        }
        // One class only, and a conditional promotion's debts named by the subjects' names.
        let one = try #require(classes.first)
        let only = try await store.database.summarySheet(school: "school-a", year: year, group: one.class)
        #expect(only == [one])
        let conditional = classes.flatMap(\.students).filter { $0.outcome == .conditional }
        #expect(!conditional.isEmpty)
        let names = Set(classes.flatMap(\.subjects).map(\.name))
        for student in conditional {
            let debts = try #require(student.debts)
            #expect(debts.components(separatedBy: ", ").allSatisfy(names.contains), "\(debts)")
        }
    }
}

@Suite("A class teacher's reading of their own class")
struct ClassTeacherReadTests {
    @Test("leading this year's 5А reads this year's 5А, not last year's (another teacher's), nor another class")
    func onlyTheirClassOfTheYearRead() async throws {
        let store = try await StoreFixture()
        let old = try await store.createYear("2026/2027")
        let new = try await store.createYear("2027/2028")
        let staff = try await store.importText(
            .staff, "staff_id,last_name,first_name,middle_name,position,login\nT1,Петрова,Анна,,,anna\nT2,Ли,Ян,,,\n",
            year: nil)
        #expect(staff.problemCount == 0, "\(staff.problems)")
        let header = "class,grade,letter,profile,class_type,class_teacher_id,capacity\n"
        for (year, teacher) in [(old, "T2"), (new, "T1")] {
            let classes = try await store.importText(
                .classes, header + "5А,5,А,,,\(teacher),25\n5Б,5,Б,,,T2,25\n", year: year)
            #expect(classes.problemCount == 0, "\(classes.problems)")
        }
        let denial = YearError.permissionDenied(
            method: "io.yeard.Reports.Consents", required: [.secretary], school: nil)
        let mine = OwnershipCheck(.leadsClass("5А"), login: "anna", denial: denial)
        let day = try #require(CalendarDate(iso: "2027-09-20"))
        #expect(
            try await store.database.consents(
                school: "school-a", year: new, on: day, group: "5А", student: nil, missingOnly: false, ownership: mine
            ).isEmpty)
        await #expect(throws: denial) {
            try await store.database.consents(
                school: "school-a", year: old, on: try #require(CalendarDate(iso: "2026-09-20")), group: "5А",
                student: nil, missingOnly: false, ownership: mine)
        }
        await #expect(throws: denial) {
            try await store.database.consents(
                school: "school-a", year: new, on: day, group: "5Б", student: nil, missingOnly: false, ownership: mine)
        }
    }
}
