import Foundation
import GRDB
import Testing
import YearCore
import YearGenerator

@testable import YearStore

@Suite("Registry import and export")
struct RegistryImportTests {
    func importFile(
        _ store: StoreFixture, _ kind: RegistryKind, _ text: String, year: AcademicYear?, dryRun: Bool = false
    ) async throws -> ImportOutcome {
        try await store.importText(kind, text, year: year, dryRun: dryRun)
    }

    func export(_ store: StoreFixture, _ kind: RegistryKind, year: AcademicYear?) async throws -> String {
        try await store.database.exportRegistry(kind: kind, school: "school-a", year: year, after: nil, limit: 1000).csv
    }

    static let staff =
        "staff_id,last_name,first_name,middle_name,position,login\nT1,Петрова,Анна,Ивановна,учитель,apetrova\n"
    static let classes =
        "\u{FEFF}class;grade;letter;profile;class_type;class_teacher_id;capacity\r\n5А;5;А;;;T1;30\r\n5Б;5;Б;;;;\r\n"
    static let students = """
        student_id,last_name,first_name,middle_name,birth_date,gender,class,personal_file_no,snils,enrolled_on
        S1,Ёлкин,Пётр,Ильич,01.03.2015,М,5А,П-1,123-456-789 01,01.09.2022
        S2,Иванова,"Мария, Анна",,2015-07-12,F,5б,П-2,,

        """

    func loaded() async throws -> (StoreFixture, AcademicYear) {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        for (kind, text, added) in [
            (RegistryKind.staff, Self.staff, 1), (.classes, Self.classes, 2), (.students, Self.students, 2),
        ] {
            let outcome = try await importFile(store, kind, text, year: kind == .staff ? nil : year)
            #expect(outcome.added == added, "\(kind): \(outcome.problems)")
        }
        return (store, year)
    }

    @Test("each kind imports (semicolons, BOM, CRLF, DD.MM.YYYY, Cyrillic) and round-trips through export unchanged")
    func roundTrip() async throws {
        let (store, year) = try await loaded()
        _ = try await importFile(store, .subjects, "subject_id,name\nmath,Математика\n", year: nil)
        for kind in [RegistryKind.staff, .subjects, .classes, .students] {
            let exported = try await export(store, kind, year: year)
            let again = try await importFile(store, kind, exported, year: year)
            #expect(again.problemCount == 0, "\(kind): \(again.problems)")
            #expect(again.added == 0 && again.changed == 0 && again.unchanged == again.rows, "\(kind): \(again)")
            #expect(try await export(store, kind, year: year) == exported)
        }
        let students = try await export(store, .students, year: year)
        #expect(students.contains("S2,Иванова,\"Мария, Анна\",,2015-07-12,F,5Б,П-2,,"))
        let enrolled = try await store.database.pool.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM enrollment WHERE to_date IS NULL")
        }
        #expect(enrolled == 2)
    }

    @Test("one bad row among good ones writes nothing and is reported by line and column")
    func badRowRefusesTheFile() async throws {
        let (store, year) = try await loaded()
        let before = try await export(store, .students, year: year)
        let text = """
            student_id,last_name,first_name,birth_date,gender,class
            S3,Новиков,Иван,2015-01-01,M,5А
            S4,Орлова,Ольга,2015-02-30,F,5А
            S5,Павлов,Павел,2015-03-03,M,9Я
            S3,Новиков,Иван,2015-01-01,M,5А

            """
        let outcome = try await importFile(store, .students, text, year: year)
        #expect(outcome.applied == false)
        #expect(outcome.problems.map { "\($0.line):\($0.column)" } == ["3:4", "4:6", "5:1"], "\(outcome.problems)")
        #expect(try await export(store, .students, year: year) == before)
    }

    @Test("a dry run counts and writes nothing; changes are counted as changes")
    func dryRunAndChanges() async throws {
        let (store, year) = try await loaded()
        let changed = Self.students.replacingOccurrences(of: "Ильич", with: "Ильич-Оглы")
        let dry = try await importFile(store, .students, changed, year: year, dryRun: true)
        #expect(dry.changed == 1 && dry.unchanged == 1 && !dry.applied)
        #expect(try await export(store, .students, year: year).contains("Ильич,"))
        let real = try await importFile(store, .students, changed, year: year)
        #expect(real.changed == 1 && real.applied)
        #expect(try await export(store, .students, year: year).contains("Ильич-Оглы"))
    }

    @Test("moving a student to another class is refused: that takes an order")
    func classChangeNeedsAnOrder() async throws {
        let (store, year) = try await loaded()
        let moved = Self.students.replacingOccurrences(of: ",5А,", with: ",5Б,")
        let outcome = try await importFile(store, .students, moved, year: year)
        #expect(outcome.problems.first?.field == "class")
        #expect(outcome.problems.first?.message.contains("order") == true)
    }

    @Test("the data of a closed year refuse every write, even raw SQL")
    func closedYearIsReadOnly() async throws {
        let (store, year) = try await loaded()
        try store.raw(
            "UPDATE academic_year SET state = 'closed', version = version + 1 WHERE id = \(year.id)")
        #expect(throws: DatabaseError.self) {
            try store.raw("UPDATE school_class SET capacity = 31 WHERE year_id = \(year.id)")
        }
        #expect(throws: DatabaseError.self) {
            try store.raw("DELETE FROM enrollment WHERE year_id = \(year.id)")
        }
        #expect(throws: DatabaseError.self) {
            try store.raw(
                "INSERT INTO school_class (year_id, school_id, name, grade, letter) VALUES (\(year.id), 'school-a', '6А', 6, 'А')"
            )
        }
        await #expect(throws: YearError.self) { try await importFile(store, .classes, "class\n7А\n", year: year) }
    }

    @Test("empty files, missing columns and broken CSV are refused with where and why")
    func brokenFiles() async throws {
        let (store, year) = try await loaded()
        #expect(try await importFile(store, .staff, "", year: nil).problems.first?.message.contains("empty") == true)
        let missing = try await importFile(store, .staff, "staff_id,position\nT9,x\n", year: nil)
        #expect(Set(missing.problems.compactMap(\.field)) == ["last_name", "first_name"])
        let broken = try await importFile(store, .subjects, "subject_id,name\nx,\"open\n", year: year)
        #expect(broken.problems.first?.line == 2)
    }
}

@Suite("Registry import edge cases")
struct RegistryEdgeCaseTests {
    let helper = RegistryImportTests()

    @Test(
        "orders of the same day apply in file order, whatever their numbers; an export re-imports into an empty store")
    func sameDayOrders() async throws {
        let (store, year) = try await helper.loaded()
        _ = try await helper.importFile(
            store, .students, "student_id,last_name,first_name,birth_date,gender\nX1,Новый,Иван,2015-01-01,M\n",
            year: year)
        let orders = """
            order_no,order_date,kind,student_id,class_from,class_to,effective_on,basis,destination
            9,2026-10-01,enrollment,X1,,5А,2026-10-01,,
            10,2026-10-01,class_change,X1,5А,5Б,2026-10-01,,
            11 к,2026-10-01,withdrawal,X1,5Б,,2026-10-01,,

            """
        let outcome = try await helper.importFile(store, .orders, orders, year: year)
        #expect(outcome.problemCount == 0, "\(outcome.problems)")
        let book = try await store.database.movement(
            school: "school-a", years: [year], from: CalendarDate(iso: "2026-10-01")!,
            to: CalendarDate(iso: "2026-10-01")!)
        #expect(book.school.arrived == 1 && book.school.left == 1)
        #expect(book.school.orders == ["9", "11 к"])
        let exported = try await helper.export(store, .orders, year: year)
        #expect(exported.contains("9,2026-10-01,enrollment") && exported.contains("11 к,2026-10-01,withdrawal"))
        #expect(exported.range(of: "9,2026")!.lowerBound < exported.range(of: "10,2026")!.lowerBound)
    }

    @Test("a student who left is not enrolled again by a students import: that takes an order")
    func noReenrollmentByImport() async throws {
        let (store, year) = try await helper.loaded()
        let withdrawal = """
            order_no,order_date,kind,student_id,class_from,class_to,effective_on,basis,destination
            20-в,2026-10-15,withdrawal,S1,5А,,,,

            """
        #expect(try await helper.importFile(store, .orders, withdrawal, year: year).problemCount == 0)
        // On 15 October S1 has left; the same file compared with an earlier day is right.
        let text = RegistryImportTests.students
        let again = try await store.importText(.students, text, year: year, asOf: CalendarDate(iso: "2026-10-20"))
        #expect(again.problems.first?.message.contains("left the school on 2026-10-15") == true, "\(again.problems)")
        #expect(again.problems.first?.message.contains("enrollment order") == true, "\(again.problems)")
        let before = try await store.importText(.students, text, year: year, asOf: CalendarDate(iso: "2026-10-01"))
        #expect(before.problemCount == 0, "\(before.problems)")
    }

    @Test("a students file is compared with the classes on its day, not after orders that take effect later")
    func comparedOnItsDay() async throws {
        let (store, year) = try await helper.loaded()
        let change = """
            order_no,order_date,kind,student_id,class_from,class_to,effective_on,basis,destination
            21-п,2026-09-25,class_change,S1,5А,5Б,2026-11-01,,

            """
        #expect(try await helper.importFile(store, .orders, change, year: year).problemCount == 0)
        // The import's own day (21 September, the fixture's clock): S1 is in 5А, as the file says.
        let today = try await store.importText(.students, RegistryImportTests.students, year: year, dryRun: true)
        #expect(today.problemCount == 0, "\(today.problems)")
        // After the change takes effect the file is wrong, and the problem names both sides.
        let later = try await store.importText(
            .students, RegistryImportTests.students, year: year, dryRun: true, asOf: CalendarDate(iso: "2026-11-02"))
        #expect(
            later.problems.map(\.message) == [
                "the file says 5А, but on 2026-11-02 the student is in 5Б (since 2026-11-01, by order 21-п): a class "
                    + "change is made by an order, not by an import"
            ])
        // An export writes the class of its own day.
        for (day, group) in [(StoreFixture.t0, "5А"), (StoreFixture.t0.addingTimeInterval(60 * 86_400), "5Б")] {
            let csv = try await store.database.exportRegistry(
                kind: .students, school: "school-a", year: year, after: nil, limit: 10, now: day
            ).csv
            #expect(csv.contains("S1,Ёлкин,Пётр,Ильич,2015-03-01,M,\(group),"), "\(csv)")
        }
    }

    @Test("short rows, repeated header columns, lower-case letters, CR-only files and header-only files")
    func fileShapes() async throws {
        let (store, year) = try await helper.loaded()
        let short = try await helper.importFile(
            store, .staff, "staff_id,last_name,first_name,position\nT1,Петрова,Анна\n", year: nil)
        #expect(short.problems.first?.message.contains("fields") == true)
        let repeated = try await helper.importFile(store, .subjects, "subject_id,name,name\nx,Икс,Икс\n", year: nil)
        #expect(repeated.problems.first?.message.contains("twice") == true)
        let letters = try await helper.importFile(store, .classes, "class;grade;letter\n6а;6;а\n6B;6;B\n", year: year)
        #expect(letters.problemCount == 0 && letters.added == 2, "\(letters.problems)")
        let cr = try await helper.importFile(store, .subjects, "subject_id,name\rgeo,География\r", year: nil)
        #expect(cr.problemCount == 0 && cr.added == 1, "\(cr.problems)")
        let headerOnly = try await helper.importFile(store, .subjects, "subject_id,name", year: nil)
        #expect(headerOnly.problemCount == 0 && headerOnly.rows == 0)
    }

    @Test("a value with CRLF inside exports quoted and imports back unchanged")
    func lineBreaksRoundTrip() async throws {
        let (store, year) = try await helper.loaded()
        _ = try await helper.importFile(
            store, .staff, "staff_id,last_name,first_name,position\nT9,Лебедев,Олег,\"учитель\r\nфизики\"\n",
            year: nil)
        let exported = try await helper.export(store, .staff, year: year)
        let again = try await helper.importFile(store, .staff, exported, year: nil, dryRun: true)
        #expect(again.problemCount == 0 && again.changed == 0 && again.added == 0, "\(again.problems)")
    }
}

@Suite("Export paging")
struct ExportPagingTests {
    @Test("pages follow the keys: concatenated they are the whole export, for every kind of a generated school")
    func pagesConcatenate() async throws {
        let (store, year, _) = try await MovementTests.loadGenerated(seed: 6)
        for kind in RegistryGenerator.loadOrder {
            let whole = try await store.database.exportRegistry(
                kind: kind, school: "school-a", year: year, after: nil, limit: 100_000)
            #expect(whole.next == nil)
            var pages = ""
            var after: String?
            repeat {
                let page = try await store.database.exportRegistry(
                    kind: kind, school: "school-a", year: year, after: after, limit: 97)
                pages += page.csv
                after = page.next
            } while after != nil
            #expect(pages == whole.csv, "\(kind)")
        }
    }

    @Test("a row written between pages before the cursor does not shift the next page")
    func writesBetweenPages() async throws {
        let (store, year) = try await RegistryImportTests().loaded()
        _ = try await store.importText(.staff, "staff_id,last_name,first_name\nT2,Сидоров,Олег\n", year: nil)
        let first = try await store.database.exportRegistry(
            kind: .staff, school: "school-a", year: year, after: nil, limit: 1)
        _ = try await store.importText(.staff, "staff_id,last_name,first_name\nA0,Андреев,Антон\n", year: nil)
        let second = try await store.database.exportRegistry(
            kind: .staff, school: "school-a", year: year, after: first.next, limit: 10)
        #expect(first.next != nil)
        #expect(second.csv == "T2,Сидоров,Олег,,,\n", "\(second.csv)")
        await #expect(throws: YearError.self) {
            try await store.database.exportRegistry(
                kind: .staff, school: "school-a", year: year, after: "not a cursor", limit: 10)
        }
    }
}
