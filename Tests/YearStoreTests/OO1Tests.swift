import Foundation
import Testing
import YearCore

@testable import YearStore

@Suite("ОО-1 over a generated school")
struct OO1Tests {
    /// The generator's files as rows by column name.
    static func records(_ files: [RegistryKind: String], _ kind: RegistryKind) throws -> [[String: String]] {
        try MovementTests.records(files, kind)
    }

    @Test(
        "on 20 September: by class, grade, sex and age, the counts a test makes from the files, and the movement book's",
        arguments: [3, 11])
    func equalsIndependentCount(seed: Int) async throws {
        let (store, year, files) = try await MovementTests.loadGenerated(seed: UInt64(seed))
        let day = try #require(CalendarDate(iso: "2026-09-20"))
        let ageOn = OO1Report.ageDay(for: day, yearStart: year.startDate)
        #expect(ageOn.description == "2027-01-01")
        let report = OO1Report(
            school: "school-a", schoolName: "A", year: year.label.description, date: day, ageOn: ageOn,
            counts: try await store.database.oo1Counts(school: "school-a", year: year, on: day, ageOn: ageOn))

        // Who is in which class at the end of the day, from the generator's files alone.
        let present = try MovementTests.intervals(files).filter {
            $0.from <= "2026-09-20" && ($0.to ?? "9") > "2026-09-20"
        }
        let students = Dictionary(
            uniqueKeysWithValues: try Self.records(files, .students).map { ($0["student_id"] ?? "", $0) })
        let grades = Dictionary(
            uniqueKeysWithValues: try Self.records(files, .classes).map {
                ($0["class"] ?? "", Int($0["grade"] ?? "") ?? 0)
            })
        #expect(!present.isEmpty)
        var byClass: [String: (students: Int, girls: Int)] = [:]
        var byAge: [String: (students: Int, girls: Int)] = [:]
        for entry in present {
            let student = try #require(students[entry.student])
            let girl = ["F", "Ж", "ж", "f"].contains(student["gender"] ?? "")
            let born = try #require(RegistryValues.date(student["birth_date"] ?? ""))
            let age = min(max(OO1Report.fullYears(born: born, on: ageOn), OO1Report.youngest), OO1Report.oldest)
            byClass[entry.group, default: (0, 0)].students += 1
            if girl { byClass[entry.group, default: (0, 0)].girls += 1 }
            let key = "\(age) \(grades[entry.group] ?? 0)"
            byAge[key, default: (0, 0)].students += 1
            if girl { byAge[key, default: (0, 0)].girls += 1 }
        }
        #expect(report.classes.count == byClass.count)
        for line in report.classes {
            let expected = try #require(byClass[line.className ?? ""])
            #expect(line.students == expected.students && line.girls == expected.girls, "\(line)")
            #expect(line.grade == grades[line.className ?? ""])
        }
        #expect(report.ages.count == byAge.count)
        for age in report.ages {
            // The generator gives every student a birth date: no age is missing.
            let known = try #require(age.age)
            let expected = try #require(byAge["\(known) \(age.grade)"])
            #expect(age.students == expected.students && age.girls == expected.girls, "\(age)")
        }
        for grade in report.grades {
            let mine = report.classes.filter { $0.grade == grade.grade }
            #expect(grade.classes == mine.count && grade.students == mine.map(\.students).reduce(0, +))
        }
        #expect(report.total.students == present.count && report.total.classes == byClass.count)
        #expect(report.total.adapted == 0 && report.total.repeaters == 0)

        // The movement book on that day says the same, class by class and for the school.
        let book = try await store.database.movement(school: "school-a", years: [year], from: day, to: day)
        #expect(book.school.end == report.total.students)
        for line in book.classes where line.end > 0 {
            #expect(report.classes.first { $0.className == line.group }?.students == line.end, "\(line)")
        }

        // Several schools in one statement: each school's groups are its own (school-b has a year and no one), in
        // the order asked, and the same as the one school asked alone.
        let other = try await store.createYear(school: "school-b")
        let both = try await store.database.oo1Counts([
            OO1Request(school: "school-b", year: other, day: day, ageOn: ageOn),
            OO1Request(school: "school-a", year: year, day: day, ageOn: ageOn),
        ])
        let alone = try await store.database.oo1Counts(school: "school-a", year: year, on: day, ageOn: ageOn)
        #expect(both.count == 2 && both[0].isEmpty)
        #expect(Set(both[1].map { "\($0)" }) == Set(alone.map { "\($0)" }) && !alone.isEmpty)
        // Many schools are counted in parts at once (a region's schools, here a part for each): the answers come
        // back in the order asked, each its school's.
        let inParts = try await store.database.oo1Counts(
            [
                OO1Request(school: "school-a", year: year, day: day, ageOn: ageOn),
                OO1Request(school: "school-b", year: other, day: day, ageOn: ageOn),
            ], parts: 2)
        #expect(inParts.count == 2 && inParts[1].isEmpty)
        #expect(Set(inParts[0].map { "\($0)" }) == Set(alone.map { "\($0)" }))
    }

    @Test("after a rollover: the repeaters and the students moved to adapted programmes are those the decisions name")
    func repeatersAndAdapted() async throws {
        let (store, year, files) = try await RolloverApplyTests.closing(seed: 7)
        // The generator decides promotions; three students of grades below the last are kept back instead.
        try store.raw(
            """
            UPDATE decision SET outcome = 'retained', debts = NULL, deadline = NULL, target_class = NULL
            WHERE rowid IN (SELECT rowid FROM decision WHERE outcome = 'promoted' ORDER BY rowid LIMIT 3)
            """)
        // And two go to an adapted programme in a class of their grade.
        try store.raw(
            """
            UPDATE decision SET outcome = 'adapted', debts = NULL, deadline = NULL, target_class = (
                SELECT en.class_name FROM enrollment en WHERE en.school_id = decision.school_id
                    AND en.student_id = decision.student_id AND en.year_id = decision.year_id AND en.to_date IS NULL)
            WHERE rowid IN (SELECT rowid FROM decision WHERE outcome = 'promoted' ORDER BY rowid LIMIT 2)
            """)
        let request = try await RolloverApplyTests.request(store, year)
        let rollover = try #require(try await RolloverApplyTests.approve(store, request).rollover)
        let nextID = try #require(rollover.toYearID)
        let next = try #require(try await store.database.year(id: nextID))
        let day = OO1Report.referenceDay(of: next)
        let ageOn = OO1Report.ageDay(for: day, yearStart: next.startDate)
        let report = OO1Report(
            school: "school-a", schoolName: "A", year: next.label.description, date: day, ageOn: ageOn,
            counts: try await store.database.oo1Counts(school: "school-a", year: next, on: day, ageOn: ageOn))
        let outcomes = try Self.records(files, .decisions).map { $0["outcome"] ?? "" }
        #expect(report.total.repeaters == 3)
        #expect(report.total.adapted == 2)
        let stay = outcomes.filter { $0 != "graduated" && $0 != "left" }.count
        let book = try await store.database.movement(school: "school-a", years: [next], from: day, to: day)
        #expect(report.total.students == book.school.end && report.total.students >= stay)
    }

    @Test("a student with no birth date is counted everywhere but in an age, and in a row of their own")
    func noBirthDate() async throws {
        let (store, year, _) = try await MovementTests.loadGenerated(seed: 5)
        let day = OO1Report.referenceDay(of: year)
        let ageOn = OO1Report.ageDay(for: day, yearStart: year.startDate)
        let before = try await store.database.oo1Counts(school: "school-a", year: year, on: day, ageOn: ageOn)
        // The students import allows an empty birth date (the check student.birth-date-missing names it).
        try await store.database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE student SET birth_date = NULL WHERE school_id = 'school-a' AND id IN (
                        SELECT student_id FROM enrollment WHERE year_id = ? AND to_date IS NULL LIMIT 2)
                    """, arguments: [year.id])
            #expect(db.changesCount == 2)
        }
        let counts = try await store.database.oo1Counts(school: "school-a", year: year, on: day, ageOn: ageOn)
        let report = OO1Report(
            school: "school-a", schoolName: "A", year: year.label.description, date: day, ageOn: ageOn, counts: counts)
        let unknown = report.ages.filter { $0.age == nil }
        #expect(unknown.map(\.students).reduce(0, +) == 2)
        #expect(report.ages.last?.age == nil)
        #expect(report.ages.map(\.students).reduce(0, +) == report.total.students)
        #expect(report.total.students == before.map(\.students).reduce(0, +))
    }

    @Test("full years on 1 January: a birthday on that day counts, the next day's does not")
    func ages() throws {
        let day = try #require(CalendarDate(iso: "2027-01-01"))
        #expect(OO1Report.fullYears(born: try #require(CalendarDate(iso: "2020-01-01")), on: day) == 7)
        #expect(OO1Report.fullYears(born: try #require(CalendarDate(iso: "2020-01-02")), on: day) == 6)
        #expect(OO1Report.fullYears(born: try #require(CalendarDate(iso: "2019-12-31")), on: day) == 7)
        #expect(OO1Report.fullYears(born: try #require(CalendarDate(iso: "2008-02-29")), on: day) == 18)
    }
}
