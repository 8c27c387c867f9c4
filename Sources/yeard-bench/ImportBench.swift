import ArgumentParser
import Crypto
import Foundation
import Glibc
import YearCore
import YearGenerator
import YearProtocol
import YearStore

/// `yeard-bench import`: the generated region's students through yeard, beside the sqlite3 CLI's `.import` of the
/// same file into a plain table (the floor, which checks nothing).
struct ImportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import of generated students (default: the region size, ~1,000,000) against sqlite3's .import.")

    @Option(help: "How many generated schools' students go into the one file (1,000: the region size).")
    var schools = 1000
    @Option(help: "The yeard binary (default: next to this one).") var yeard: String?
    @Option(help: "How many movement counts to time.") var counts = 200
    @Option(help: "How many generated schools' year grades go into the grades file (50: about 480,000 grades).")
    var gradeSchools = 50
    @Flag(
        help: """
            Give the students and grades files the Russian headers of schools' exports (docs/formats.md) instead of \
            the column names: the header is mapped once per file, so the rows should cost the same.
            """)
    var russianHeaders = false

    /// `line` (a file's header of column names) as the benchmark writes it: Russian with --russian-headers.
    func header(_ line: Substring, _ kind: RegistryKind) -> String {
        guard russianHeaders else { return String(line) }
        return line.split(separator: ",").map { kind.russianHeaders[String($0)]?.first ?? String($0) }
            .joined(separator: ",")
    }

    func run() async throws {
        let binary = yeard ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/yeard"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no yeard at \(binary): build it first with 'swift build -c release' or give --yeard")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-bench-import-\(getpid())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let generator = RegistryGenerator(seed: 1, startYear: 2026)
        let first = generator.school(0)
        let studentsPath = directory + "/students.csv"
        _ = FileManager.default.createFile(atPath: studentsPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: studentsPath))
        var rows = 0
        for index in 0..<schools {
            let text = index == 0 ? first[.students] ?? "" : generator.school(index)[.students] ?? ""
            let rest = text.drop { $0 != "\n" }
            let body = index == 0 ? Substring(header(text.prefix { $0 != "\n" }, .students) + rest) : rest.dropFirst()
            rows += body.split(separator: "\n").count - (index == 0 ? 1 : 0)
            try output.write(contentsOf: Data(body.utf8))
        }
        try output.close()
        let size = (try FileManager.default.attributesOfItem(atPath: studentsPath)[.size] as? Int) ?? 0
        print("yeard-bench import: \(rows) students, \(size / 1_000_000) MB, \(schools) generated schools in one file")

        let gradesPath = directory + "/grades.csv"
        _ = FileManager.default.createFile(atPath: gradesPath, contents: nil)
        let gradesOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: gradesPath))
        var gradeRows = 0
        for index in 0..<min(gradeSchools, schools) {
            let files = index == 0 ? first : generator.school(index)
            // Students who arrived during the year came by orders, which this benchmark does not load: their grades
            // stay out. (The generated data have no quoted fields, so splitting on commas is exact.)
            let enrolled = Set(
                (files[.students] ?? "").split(separator: "\n").dropFirst().compactMap { line -> Substring? in
                    let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                    return fields.count > 6 && !fields[6].isEmpty ? fields[0] : nil
                })
            let lines = (files[.grades] ?? "").split(separator: "\n").dropFirst().filter {
                enrolled.contains($0.prefix { $0 != "," })
            }
            if index == 0 {
                try gradesOutput.write(
                    contentsOf: Data((header("student_id,subject_id,period,grade", .grades) + "\n").utf8))
            }
            gradeRows += lines.count
            try gradesOutput.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        try gradesOutput.close()

        let floor = try sqliteImport(studentsPath, directory: directory)
        let gradesFloor = try sqliteImport(gradesPath, directory: directory, table: "grades")
        let daemon = try DaemonProcess(
            binary: binary, directory: directory + "/yeard", grants: ["admin", "secretary", "auditor", "teacher"],
            schools: ["bench-school", "one-school"])
        defer { daemon.stop() }
        let result = try await VarlinkSession.withConnection(path: daemon.socket) { session in
            for school in ["bench-school", "one-school"] {
                _ = try await session.call(
                    YeardAPI.Year.create,
                    YearCreateParameters(school: school, label: "2026/2027", startDate: nil, endDate: nil))
            }
            // The benchmark's user is a teacher assigned every subject of every class, so that grades pass the
            // teacher's own-assignment check like a real teacher's.
            let me = String(cString: getpwuid(getuid()).pointee.pw_name)
            let staff = (first[.staff] ?? "") + "BENCH,Замерова,Вера,,учитель,\(me)\n"
            let subjects = (first[.curriculum] ?? "").split(separator: "\n").dropFirst().compactMap {
                $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst(2).first.map(String.init)
            }
            let classes = (first[.classes] ?? "").split(separator: "\n").dropFirst().compactMap {
                $0.split(separator: ",").first.map(String.init)
            }
            var assignments = "class,subject_id,group,teacher_id\n"
            for group in classes {
                for subject in Set(subjects).sorted() { assignments += "\(group),\(subject),,BENCH\n" }
            }
            for (kind, text) in [
                (RegistryKind.staff, staff), (.subjects, first[.subjects] ?? ""), (.classes, first[.classes] ?? ""),
            ] {
                _ = try await Self.upload(Data(text.utf8), kind: kind, school: "bench-school", session: session)
            }
            // The movement book is timed on one realistic school: the generated school with its year's orders.
            for kind in [RegistryKind.staff, .classes, .students, .orders] {
                _ = try await Self.upload(
                    Data((first[kind] ?? "").utf8), kind: kind, school: "one-school", session: session)
            }
            let start = ContinuousClock.now
            let reply = try await Self.upload(
                try Data(contentsOf: URL(fileURLWithPath: studentsPath)), kind: .students, school: "bench-school",
                session: session)
            let elapsed = ContinuousClock.now - start
            _ = try await Self.upload(
                Data(assignments.utf8), kind: .assignments, school: "bench-school", session: session)
            let gradesStart = ContinuousClock.now
            let gradesReply = try await Self.upload(
                try Data(contentsOf: URL(fileURLWithPath: gradesPath)), kind: .grades, school: "bench-school",
                session: session)
            let gradesElapsed = ContinuousClock.now - gradesStart
            var times: [Double] = []
            for _ in 0..<counts {
                let begin = ContinuousClock.now
                _ = try await session.call(
                    YeardAPI.Registry.movement,
                    MovementParameters(
                        school: "one-school", year: nil, from: "2026-09-20", to: "2026-09-20", class: nil))
                let taken = ContinuousClock.now - begin
                times.append(Double(taken.components.seconds) * 1000 + Double(taken.components.attoseconds) / 1e15)
            }
            return (reply, elapsed, times.sorted(), gradesReply, gradesElapsed)
        }
        let seconds = Double(result.1.components.seconds) + Double(result.1.components.attoseconds) / 1e18
        let memory = daemon.memory()
        daemon.stop()
        let schemaFloor = try storeFloor(database: directory + "/yeard/yeard.sqlite")
        print(
            "  sqlite3 .import (floor, no checks):  \(String(format: "%6.2f", floor)) s  \(String(format: "%8.0f", Double(rows) / floor)) rows/s"
        )
        print(
            "  yeard import, every row checked:     \(String(format: "%6.2f", seconds)) s  \(String(format: "%8.0f", Double(rows) / seconds)) rows/s  (\(result.0.added) added)"
        )
        print(String(format: "  ratio to the floor: %.2fx (target: at most 2x)", seconds / floor))
        print(
            "  storing the same rows in yeard's schema from SQL alone (no parsing, no checks): "
                + String(format: "%.2f s = %.2fx the floor", schemaFloor, schemaFloor / floor))
        let gradeSeconds = Double(result.4.components.seconds) + Double(result.4.components.attoseconds) / 1e18
        print(
            "  grades: \(gradeRows) rows; sqlite3 .import \(String(format: "%.2f", gradesFloor)) s "
                + "(\(String(format: "%.0f", Double(gradeRows) / gradesFloor)) rows/s); yeard "
                + "\(String(format: "%.2f", gradeSeconds)) s (\(String(format: "%.0f", Double(gradeRows) / gradeSeconds)) "
                + "rows/s, \(result.3.added) added, teacher's own assignments checked): "
                + String(format: "%.2fx", gradeSeconds / gradesFloor))
        print(String(format: "  yeard peak RSS (VmHWM): %.1f MB (target: under 200 MB)", memory.peak))
        let p50 = result.2[result.2.count / 2], p99 = result.2[min(result.2.count - 1, result.2.count * 99 / 100)]
        print(
            String(
                format:
                    "  movement count of one school (~1,000 students) on 2026-09-20: p50 %.2f ms, p99 %.2f ms (target: under 10 ms)",
                p50, p99))
    }

    static func upload(_ data: Data, kind: RegistryKind, school: String, session: VarlinkSession) async throws
        -> ImportReply
    {
        var upload: String?
        var offset = 0
        repeat {
            let chunk = data[offset..<min(offset + 512 * 1024, data.count)]
            upload = try await session.call(
                YeardAPI.Registry.upload, UploadParameters(upload: upload, data: Data(chunk).base64EncodedString())
            ).upload
            offset += 512 * 1024
        } while offset < data.count
        return try await session.call(
            YeardAPI.Registry.`import`,
            ImportParameters(
                kind: kind, upload: upload ?? "", school: school, year: nil, fileName: "\(kind.rawValue).csv",
                sha256: nil, dryRun: false))
    }

    /// Seconds the sqlite3 CLI takes to store the imported students again, with their enrollments, in yeard's own
    /// schema (its constraints, indexes and triggers), from rows already parsed and checked: the least any import
    /// into that schema can cost, whatever it does before. The rows are copied aside, deleted and vacuumed away
    /// first (not timed), so that the database grows again as it did during the import.
    func storeFloor(database: String) throws -> Double {
        let floor = BenchmarkStatements.importFloor(school: "bench-school")
        try Self.runSQLite(database, floor.prepare)
        let start = ContinuousClock.now
        try Self.runSQLite(database, floor.measured)
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Runs `sql` through the sqlite3 CLI on `database`, failing on any error.
    static func runSQLite(_ database: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-bail", database]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("sqlite3 failed on \(database) (exit \(process.terminationStatus))")
        }
    }

    /// Seconds the sqlite3 CLI takes to `.import` the file into a plain table of a fresh WAL database.
    func sqliteImport(_ path: String, directory: String, table: String = "students") throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [
            directory + "/floor.sqlite", "-cmd", "PRAGMA journal_mode=WAL", "-cmd", "PRAGMA synchronous=FULL",
            "-cmd", ".mode csv", "-cmd", ".import \(path) \(table)", ".exit",
        ]
        process.standardOutput = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
