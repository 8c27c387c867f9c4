import Foundation
import GRDB
import Testing
import YearCore
import YearGenerator

@testable import YearStore

@Suite("The book of student movement over a generated school")
struct MovementTests {
    /// Loads a generated school into a fresh store, in the documented order.
    static func loadGenerated(seed: UInt64) async throws -> (StoreFixture, AcademicYear, [RegistryKind: String]) {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let files = RegistryGenerator(seed: seed, startYear: 2026).school(0)
        for kind in RegistryGenerator.loadOrder {
            let text = try #require(files[kind])
            let outcome = try await store.importText(kind, text, year: kind.isYearScoped ? year : nil)
            #expect(outcome.problemCount == 0, "\(kind): \(outcome.problems.prefix(3))")
        }
        return (store, year, files)
    }

    /// A generated file's rows by column name.
    static func records(_ files: [RegistryKind: String], _ kind: RegistryKind) throws -> [[String: String]] {
        var parser = CSVParser()
        var rows: [[String]] = []
        try parser.feed(Array((files[kind] ?? "").utf8)) { rows.append($0.fields) }
        try parser.finish { rows.append($0.fields) }
        let header = rows.removeFirst()
        return rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// Enrollment intervals computed from the generator's files alone, without SQL: a student in a class from the
    /// year's first day (the opening roll, `opening`), then each order in date order.
    static func intervals(_ files: [RegistryKind: String]) throws -> [(
        student: String, group: String, from: String, to: String?, internalStart: Bool, internalEnd: Bool,
        opening: Bool
    )] {
        func records(_ kind: RegistryKind) throws -> [[String: String]] { try Self.records(files, kind) }
        var open: [String: (group: String, from: String, internalStart: Bool)] = [:]
        var done: [(String, String, String, String?, Bool, Bool)] = []
        for student in try records(.students) where !(student["class"] ?? "").isEmpty {
            open[student["student_id"] ?? ""] = (student["class"] ?? "", "2026-09-01", false)
        }
        let orders = try records(.orders).sorted { ($0["effective_on"] ?? "") < ($1["effective_on"] ?? "") }
        for order in orders {
            let id = order["student_id"] ?? "", date = order["effective_on"] ?? "", kind = order["kind"] ?? ""
            if let current = open[id], kind != "enrollment" {
                done.append((id, current.group, current.from, date, current.internalStart, kind == "class_change"))
                open[id] = nil
            }
            if kind == "enrollment" || kind == "class_change" {
                open[id] = (order["class_to"] ?? "", date, kind == "class_change")
            }
        }
        for (id, current) in open { done.append((id, current.group, current.from, nil, current.internalStart, false)) }
        let roll = Set(
            try records(.students).filter { !($0["class"] ?? "").isEmpty }.map { $0["student_id"] ?? "" })
        return done.map {
            (
                student: $0.0, group: $0.1, from: $0.2, to: $0.3, internalStart: $0.4, internalEnd: $0.5,
                opening: $0.2 == "2026-09-01" && roll.contains($0.0) && !$0.4
            )
        }
    }

    @Test("per class and for the school, the book equals a count made from the generator's files", arguments: [3, 11])
    func movementEqualsIndependentCount(seed: Int) async throws {
        let (store, year, files) = try await Self.loadGenerated(seed: UInt64(seed))
        let intervals = try Self.intervals(files)
        for (from, to) in [("2026-09-01", "2027-05-31"), ("2026-09-20", "2026-09-20"), ("2026-10-01", "2026-11-15")] {
            let book = try await store.database.movement(
                school: "school-a", years: [year], from: try #require(CalendarDate(iso: from)),
                to: try #require(CalendarDate(iso: to)))
            // The opening roll is there at the start of the year's first day; it did not arrive on it.
            let before = { (i: (from: String, opening: Bool)) in i.from < from || (i.from == from && i.opening) }
            for line in book.classes {
                let mine = intervals.filter { $0.group == line.group }
                #expect(line.start == mine.filter { before(($0.from, $0.opening)) && ($0.to ?? "9") >= from }.count)
                #expect(
                    line.arrived
                        == mine.filter { $0.from >= from && $0.from <= to && !before(($0.from, $0.opening)) }.count)
                #expect(line.left == mine.filter { ($0.to ?? "9") >= from && ($0.to ?? "9") <= to }.count)
                #expect(line.end == mine.filter { $0.from <= to && ($0.to ?? "9") > to }.count)
                #expect(line.start + line.arrived - line.left == line.end)
            }
            let present = { (day: String, atStart: Bool) in
                Set(
                    intervals.filter {
                        atStart
                            ? (before(($0.from, $0.opening)) && ($0.to ?? "9") >= day)
                            : ($0.from <= day && ($0.to ?? "9") > day)
                    }.map(\.student)
                ).count
            }
            #expect(book.school.start == present(from, true))
            #expect(book.school.end == present(to, false))
            #expect(
                book.school.arrived
                    == intervals.filter { !$0.internalStart && !$0.opening && $0.from >= from && $0.from <= to }.count)
            #expect(
                book.school.left
                    == intervals.filter { !$0.internalEnd && ($0.to ?? "9") >= from && ($0.to ?? "9") <= to }.count)
            #expect(book.school.start + book.school.arrived - book.school.left == book.school.end)
            #expect(book.classes.map(\.end).reduce(0, +) == book.school.end)
        }
    }

    @Test(
        "the book's lists name exactly the students the files move in and out of each class, with their orders",
        arguments: [3, 11])
    func bookListsEqualIndependentMoves(seed: Int) async throws {
        let (store, year, files) = try await Self.loadGenerated(seed: UInt64(seed))
        let intervals = try Self.intervals(files)
        let orders = Dictionary(
            try Self.records(files, .orders).map { ("\($0["student_id"] ?? "") \($0["effective_on"] ?? "")", $0) }
        ) { first, _ in first }
        for (from, to) in [("2026-09-01", "2027-05-31"), ("2026-10-01", "2026-11-15")] {
            let read = try await store.database.movementBook(
                school: "school-a", years: [year], from: try #require(CalendarDate(iso: from)),
                to: try #require(CalendarDate(iso: to)))
            for line in read.classes {
                let mine = intervals.filter { $0.group == line.group }
                let entries = read.entries.filter { $0.group == line.group }
                let arrived = entries.filter(\.arrived).map(\.entry), left = entries.filter { !$0.arrived }.map(\.entry)
                #expect(arrived.count == line.arrived && left.count == line.left, "\(line)")
                let arrivals = mine.filter { $0.from >= from && $0.from <= to && !($0.from == from && $0.opening) }
                #expect(
                    Set(arrived.map { "\($0.student) \($0.date)" }) == Set(arrivals.map { "\($0.student) \($0.from)" }))
                let departures = mine.filter { ($0.to ?? "9") >= from && ($0.to ?? "9") <= to }
                #expect(
                    Set(left.map { "\($0.student) \($0.date)" })
                        == Set(departures.map { "\($0.student) \($0.to ?? "")" }))
                // Each names the order of the files that moved them, its kind and, for a move, the other class.
                for entry in arrived + left {
                    let order = try #require(orders["\(entry.student) \(entry.date)"], "\(entry)")
                    #expect(entry.orderNo == order["order_no"] && entry.kind?.rawValue == order["kind"], "\(entry)")
                    if entry.kind == .classChange {
                        #expect(entry.otherClass == (arrived.contains(entry) ? order["class_from"] : order["class_to"]))
                    }
                    #expect(!entry.name.isEmpty && entry.name != entry.student)
                }
            }
        }
    }

    @Test("re-importing the same orders changes nothing; an order cannot be edited or applied out of date order")
    func ordersAreDocuments() async throws {
        let (store, year, files) = try await Self.loadGenerated(seed: 5)
        let orders = try #require(files[.orders])
        let again = try await store.importText(.orders, orders, year: year)
        #expect(again.added == 0 && again.unchanged == again.rows && again.problemCount == 0)
        let firstLine = try #require(orders.split(separator: "\n").dropFirst().first)
        var fields = firstLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[7] = fields[7] + " (исправлено)"
        let edited = orders.split(separator: "\n")[0] + "\n" + fields.joined(separator: ",") + "\n"
        let refused = try await store.importText(.orders, String(edited), year: year)
        #expect(refused.problems.first?.message.contains("not edited") == true, "\(refused.problems)")
    }

    @Test("every kind of a generated school loads without a problem and round-trips through export unchanged")
    func everyKindRoundTrips() async throws {
        let (store, year, _) = try await Self.loadGenerated(seed: 2)
        for kind in RegistryGenerator.loadOrder {
            // Exported and imported on the same day: the students with their class on that day.
            let exported = try await store.database.exportRegistry(
                kind: kind, school: "school-a", year: year, after: nil, limit: 100_000, now: StoreFixture.t0
            ).csv
            #expect(exported.split(separator: "\n").count > 1, "\(kind) exported nothing")
            let again = try await store.importText(
                kind, exported, year: kind.isYearScoped ? year : nil, dryRun: true)
            #expect(again.problemCount == 0, "\(kind): \(again.problems.prefix(3))")
            #expect(again.added == 0 && again.changed == 0, "\(kind): \(again)")
        }
    }

    @Test("a teacher records grades only for their own assignments")
    func teacherScope() async throws {
        let (store, year, files) = try await Self.loadGenerated(seed: 4)
        let assignments = try #require(files[.assignments]).split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        // Grade 1 is taught without marks: a class of another grade.
        let mine = try #require(assignments.first { RegistryValues.className($0[0])?.grade != 1 })
        let (group, subject, teacher) = (mine[0], mine[1], mine[3])
        let student = try #require(
            try await store.database.pool.read {
                try String.fetchOne(
                    $0, sql: "SELECT student_id FROM enrollment WHERE class_name = ? AND to_date IS NULL LIMIT 1",
                    arguments: [group])
            })
        let other = try #require(assignments.first { $0[0] == group && $0[3] != teacher })[1]
        let text = "student_id,subject_id,period,grade\n\(student),\(subject),q1,5\n\(student),\(other),q1,5\n"
        // The teacher is found by login inside the import's transaction.
        try await store.database.pool.write {
            try $0.execute(sql: "UPDATE staff SET login = 'ivanova' WHERE id = ?", arguments: [teacher])
        }
        let denial = YearError.permissionDenied(method: "io.yeard.Registry.Import", required: [.teacher], school: "a")
        let outcome = try await store.importText(
            .grades, text, year: year, ownership: OwnershipCheck(.ownAssignments, login: "ivanova", denial: denial))
        #expect(outcome.problems.map(\.line) == [3], "\(outcome.problems)")
        #expect(outcome.problems.first?.message.contains("own assignments") == true)
        // A login no member of staff has is refused with the check's denial, and nothing is written.
        let before = try await store.database.pool.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM final_grade")
        }
        await #expect(throws: denial) {
            _ = try await store.importText(
                .grades, "student_id,subject_id,period,grade\n\(student),\(subject),q1,5\n", year: year,
                ownership: OwnershipCheck(.ownAssignments, login: "nobody", denial: denial))
        }
        let after = try await store.database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM final_grade") }
        #expect(before == after)
    }

    @Test("a class teacher changes a guardian's contact only in their own class, checked in the write")
    func classTeacherScope() async throws {
        let (store, _, _) = try await Self.loadGenerated(seed: 5)
        let row = try #require(
            try await store.database.pool.read {
                try Row.fetchOne(
                    $0,
                    sql: """
                        SELECT g.id AS guardian, g.student_id AS student, c.class_teacher_id AS teacher
                        FROM guardian g JOIN enrollment e ON e.student_id = g.student_id AND e.to_date IS NULL
                        JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                        WHERE c.class_teacher_id IS NOT NULL LIMIT 1
                        """)
            })
        let (guardian, student, teacher): (String, String, String) = (row["guardian"], row["student"], row["teacher"])
        let other = try #require(
            try await store.database.pool.read {
                try String.fetchOne($0, sql: "SELECT id FROM staff WHERE id <> ? LIMIT 1", arguments: [teacher])
            })
        try await store.database.pool.write {
            try $0.execute(sql: "UPDATE staff SET login = 'lead' WHERE id = ?", arguments: [teacher])
            try $0.execute(sql: "UPDATE staff SET login = 'other' WHERE id = ?", arguments: [other])
        }
        let denial = YearError.permissionDenied(
            method: "io.yeard.Registry.UpdateContact", required: [.secretary], school: "school-a")
        let caller = Caller(uid: 1006, gid: 100, userName: "lead")
        func update(_ login: String, phone: String) async throws -> Bool {
            try await store.database.updateGuardianContact(
                school: "school-a", student: student, guardian: guardian, phone: phone, email: nil, caller: caller,
                ownership: OwnershipCheck(.classTeacher(student: student), login: login, denial: denial))
        }
        #expect(try await update("lead", phone: "+7 900 000-00-01"))
        await #expect(throws: denial) { _ = try await update("other", phone: "+7 900 000-00-02") }
        await #expect(throws: denial) { _ = try await update("nobody", phone: "+7 900 000-00-03") }
        let phone = try await store.database.pool.read {
            try String.fetchOne($0, sql: "SELECT phone FROM guardian WHERE id = ?", arguments: [guardian])
        }
        #expect(phone == "+7 900 000-00-01")
    }
}
