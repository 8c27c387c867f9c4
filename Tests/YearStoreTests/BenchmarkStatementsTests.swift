import Foundation
import Testing
import YearCore
import YearGenerator

@testable import YearStore

/// The statements `yeard-bench` runs through the sqlite3 CLI, run the same way on a generated school, so that a
/// change of the schema that breaks them fails here rather than in the next benchmark.
@Suite(
    "The benchmarks' statements, through the sqlite3 CLI",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
struct BenchmarkStatementsTests {
    /// The first value sqlite3 prints for `sql` on `database` (failing the test on an error).
    static func sqlite(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-bail", database]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(
            process.terminationStatus == 0,
            "sqlite3 failed: \(String(decoding: complaint, as: UTF8.self)) on \(sql.prefix(200))")
        return String(decoding: printed, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }

    /// A store with a generated school-a (the files of `kinds`) and a year at school-b too, closed so that sqlite3
    /// has the file alone.
    static func generated(_ kinds: [RegistryKind] = RegistryGenerator.loadOrder) async throws -> (
        path: String, students: Int
    ) {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        _ = try await store.createYear(school: "school-b")
        let files = RegistryGenerator(seed: 11, startYear: 2026).school(0)
        for kind in RegistryGenerator.loadOrder where kinds.contains(kind) {
            let text = try #require(files[kind])
            let outcome = try await store.importText(kind, text, year: kind.isYearScoped ? year : nil)
            #expect(outcome.problemCount == 0, "\(kind): \(outcome.problems.prefix(3))")
        }
        let path = store.database.path
        try store.database.close()
        return (path, Int(try sqlite(path, BenchmarkStatements.countStudents)) ?? 0)
    }

    @Test("cloning a school copies its rows to every other school, each student with a SNILS of its own")
    func cloneSchool() async throws {
        let (path, students) = try await Self.generated()
        #expect(students > 100)
        _ = try Self.sqlite(path, try BenchmarkStatements.cloneSchool("school-a", database: path))
        #expect(Int(try Self.sqlite(path, BenchmarkStatements.countStudents)) == 2 * students)
        let grades = "SELECT count(*) FROM final_grade WHERE school_id = "
        #expect(try Self.sqlite(path, grades + "'school-a'") == Self.sqlite(path, grades + "'school-b'"))
        let shared = """
            SELECT count(*) FROM student a JOIN student b ON a.snils = b.snils
            WHERE a.school_id = 'school-a' AND b.school_id = 'school-b'
            """
        #expect(try Self.sqlite(path, shared) == "0")
        #expect(try Self.sqlite(path, "PRAGMA foreign_key_check") == "")
    }

    @Test("the ОО-1 floor is the daemon's own statement: the same students counted at every school")
    func oo1Floor() async throws {
        let (path, _) = try await Self.generated()
        _ = try Self.sqlite(path, try BenchmarkStatements.cloneSchool("school-a", database: path))
        let database = try YearDatabase(path: path)
        let years = try await database.years(of: ["school-a", "school-b"])
        let requests = years.map { year in
            let day = OO1Report.referenceDay(of: year)
            return OO1Request(
                school: year.school, year: year, day: day, ageOn: OO1Report.ageDay(for: day, yearStart: year.startDate))
        }
        // Every group, as "school/grade/class/girl/age/repeater/adapted/students".
        var expected: Set<String> = []
        for (request, counts) in zip(requests, try await database.oo1Counts(requests)) {
            #expect(!counts.isEmpty, "\(request.school)")
            for count in counts {
                let fields: [String] = [
                    request.school, String(count.grade), count.className, count.girl ? "1" : "0",
                    count.age.map(String.init) ?? "-", count.repeater ? "1" : "0", count.adapted ? "1" : "0",
                    String(count.students),
                ]
                expected.insert(fields.joined(separator: "/"))
            }
        }
        try database.close()
        let floorYears = years.map { ($0.school, $0.id, $0.startDate) }
        let floor = try Self.sqlite(
            path,
            """
            SELECT group_concat(school || '/' || grade || '/' || class_name || '/' || girl || '/'
                || coalesce(age, '-') || '/' || repeater || '/' || adapted || '/' || students, ',')
            FROM (\(BenchmarkStatements.oo1(years: floorYears)));
            """)
        #expect(Set(floor.split(separator: ",").map(String.init)) == expected)
        #expect(try Self.sqlite(path, BenchmarkStatements.oo1Floor(years: floorYears)) == String(expected.count))
    }

    @Test("the import floor stores the same students again")
    func importFloor() async throws {
        // What the import benchmark loads into its school.
        let (path, students) = try await Self.generated([.staff, .subjects, .classes, .students, .assignments])
        let floor = BenchmarkStatements.importFloor(school: "school-a")
        _ = try Self.sqlite(path, floor.prepare)
        #expect(try Self.sqlite(path, BenchmarkStatements.countStudents) == "0")
        _ = try Self.sqlite(path, floor.measured)
        #expect(Int(try Self.sqlite(path, BenchmarkStatements.countStudents)) == students)
    }

    @Test("closing every year, the applies' time and the rollover floor run on the schema")
    func rolloverStatements() async throws {
        let (path, _) = try await Self.generated()
        _ = try Self.sqlite(path, BenchmarkStatements.closeEveryYear)
        #expect(try Self.sqlite(path, "SELECT group_concat(DISTINCT state) FROM academic_year") == "closing")
        _ = try Self.sqlite(path, BenchmarkStatements.rolloverApplyMilliseconds)
        let floor = try BenchmarkStatements.rolloverFloor(database: path)
        #expect(floor.tables.contains("student") && floor.tables.contains("enrollment"))
        #expect(floor.tables.contains("academic_year") && floor.tables.contains("school_order"))
        for count in floor.counts { #expect(try Self.sqlite(path, count) == "0") }
        _ = try Self.sqlite(path, floor.prepare)
        _ = try Self.sqlite(path, floor.measured)
        _ = try Self.sqlite(path, floor.cleanUp)
        #expect(try Self.sqlite(path, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'floor_%'") == "0")
    }
}
