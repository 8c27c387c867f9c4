import ArgumentParser
import Foundation
import Glibc
import YearCore
import YearGenerator
import YearProtocol
import YearSheets
import YearStore

/// `yeard-bench xlsx`: the region's students imported from one Excel workbook beside the CSV import of the same rows
/// (the floor, measured in the same run, each by a daemon of its own so that each peak RSS is its own), and ОО-1 for
/// every school of the region in one call.
struct XlsxBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xlsx",
        abstract: "Students from one .xlsx against the same rows as CSV; OO-1 for the region (1,000 schools).")

    @Option(help: "How many generated schools' students go into the one file (1,000: the region, ~900,000 rows).")
    var schools = 1000
    @Option(help: "How many schools the OO-1 region has (0: skip that part).") var regionSchools = 1000
    @Option(help: "The yeard binary (default: next to this one).") var yeard: String?

    func run() async throws {
        let binary = yeard ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/yeard"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no yeard at \(binary): build it first with 'swift build -c release' or give --yeard")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-bench-xlsx-\(getpid())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // The same rows twice: as CSV, and as a workbook with dates as date cells (as Excel saves a typed table).
        let generator = RegistryGenerator(seed: 1, startYear: 2026)
        let first = generator.school(0)
        let csvPath = directory + "/students.csv", xlsxPath = directory + "/students.xlsx"
        _ = FileManager.default.createFile(atPath: csvPath, contents: nil)
        let csv = try FileHandle(forWritingTo: URL(fileURLWithPath: csvPath))
        var workbook = try WorkbookWriter(path: xlsxPath)
        let columns = RegistryKind.students.columns
        var rows = 0
        for index in 0..<schools {
            let text = index == 0 ? first[.students] ?? "" : generator.school(index)[.students] ?? ""
            var lines = text.split(separator: "\n")
            let header = lines.removeFirst()
            if index == 0 {
                try csv.write(contentsOf: Data((header + "\n").utf8))
                try workbook.beginSheet("Ученики", header: header.split(separator: ",").map(String.init))
            }
            try csv.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
            // The generated data have no quoted fields, so splitting on commas is exact.
            for line in lines {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                try workbook.append(
                    zip(fields, columns).map { field, column in
                        if field.isEmpty { return .empty }
                        if column.type == .date, let date = CalendarDate(iso: field) { return .date(date) }
                        return .text(field)
                    })
                rows += 1
            }
        }
        try csv.close()
        try workbook.finish()
        let size = { (path: String) in
            Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
        }
        print(
            "yeard-bench xlsx: \(rows) students of \(schools) generated schools; CSV \(String(format: "%.0f", size(csvPath))) MB, "
                + "workbook \(String(format: "%.0f", size(xlsxPath))) MB (its sheet part unpacks to about the CSV's size x3)"
        )

        // The workbook read alone, in this process: the container and the XML, without checks or storing.
        let readStart = ContinuousClock.now
        var limits = ZipReader.Limits()
        limits.entryBytes = 2 << 30
        limits.totalBytes = 4 << 30
        var reader = try Workbook(path: xlsxPath, limits: limits)
        var cells = 0
        try reader.rows(of: try reader.sheet(nil)) { cells += $0.cells.count }
        let reading = Self.seconds(ContinuousClock.now - readStart)
        print(
            String(
                format: "  reading the workbook alone (inflate, XML events, cells): %.2f s, %.0f cells/s", reading,
                Double(cells) / reading))

        var results: [(name: String, seconds: Double, peak: Double, added: Int)] = []
        for (name, path) in [("CSV (floor)", csvPath), ("xlsx", xlsxPath)] {
            let daemon = try DaemonProcess(
                binary: binary, directory: directory + "/yeard-\(results.count)", grants: ["admin", "secretary"],
                schools: ["bench-school"], daemonKeys: "workbook_max_part_bytes = \(2 << 30)")
            defer { daemon.stop() }
            let (reply, seconds) = try await VarlinkSession.withConnection(path: daemon.socket) { session in
                _ = try await session.call(
                    YeardAPI.Year.create,
                    YearCreateParameters(school: "bench-school", label: "2026/2027", startDate: nil, endDate: nil))
                for kind in [RegistryKind.staff, .subjects, .classes] {
                    _ = try await ImportBench.upload(
                        Data((first[kind] ?? "").utf8), kind: kind, school: "bench-school", session: session)
                }
                let start = ContinuousClock.now
                let reply = try await ImportBench.upload(
                    try Data(contentsOf: URL(fileURLWithPath: path)), kind: .students, school: "bench-school",
                    session: session)
                return (reply, Self.seconds(ContinuousClock.now - start))
            }
            guard reply.problemCount == 0 else {
                throw ValidationError("the \(name) import failed: \(reply.problems.prefix(3))")
            }
            results.append((name, seconds, daemon.memory().peak, reply.added))
            daemon.stop()
        }
        for result in results {
            print(
                "  \(result.name.padding(toLength: 12, withPad: " ", startingAt: 0)) import: "
                    + String(
                        format: "%6.2f s  %8.0f rows/s  peak RSS %5.1f MB  (%d added)", result.seconds,
                        Double(rows) / result.seconds, result.peak, result.added))
        }
        print(
            String(
                format: "  xlsx / CSV: %.2fx (target: at most 1.5x); xlsx peak RSS %.1f MB (target: under 250 MB)",
                results[1].seconds / results[0].seconds, results[1].peak))

        guard regionSchools > 0 else { return }
        let ids = (1...regionSchools).map { String(format: "school-%04d", $0) }
        let roles = ["admin", "secretary", "coordinator", "teacher"]
        let regionDirectory = directory + "/region"
        try await ChecksBench.buildRegion(binary: binary, directory: regionDirectory, ids: ids, roles: roles)
        let database = regionDirectory + "/yeard.sqlite"
        let floorStart = ContinuousClock.now
        let students = try ChecksBench.sqliteCount(database, BenchmarkStatements.countStudents)
        let floor = Self.seconds(ContinuousClock.now - floorStart)
        // The honest floor: ОО-1's own statement over every school, run by the sqlite3 CLI on one connection.
        let years = try ChecksBench.sqliteValue(database, BenchmarkStatements.everyYear).split(separator: "\n")
            .compactMap { line -> (school: String, id: Int64, start: CalendarDate)? in
                let fields = line.split(separator: "|").map(String.init)
                guard fields.count == 3, let id = Int64(fields[1]), let start = CalendarDate(iso: fields[2]) else {
                    return nil
                }
                return (fields[0], id, start)
            }
        let script = regionDirectory + "/oo1-floor.sql"
        try BenchmarkStatements.oo1Floor(years: years).write(toFile: script, atomically: true, encoding: .utf8)
        var statementTimes: [Double] = []
        for _ in 0..<3 {
            let start = ContinuousClock.now
            _ = try ChecksBench.sqliteValue(database, ".read " + script)
            statementTimes.append(Self.seconds(ContinuousClock.now - start))
        }
        statementTimes.sort()
        // Measured on a daemon at rest: no backup made up at start-up (no backup schedule), and the quick check that
        // follows READY=1 (a region's file takes it most of a minute) done, as the STATUS line says.
        let notify = try NotifyListener(path: regionDirectory + "/notify.sock")
        defer { notify.close() }
        let begin = DispatchTime.now().uptimeNanoseconds
        let daemon = try DaemonProcess(
            binary: binary, directory: regionDirectory, grants: roles, schools: ids,
            extra: "[backup]\nschedule = \"\"\n", environment: ["NOTIFY_SOCKET": notify.path])
        defer { daemon.stop() }
        _ = try notify.wait(for: "integrity ", since: begin)
        let (reports, times, one) = try await VarlinkSession.withConnection(path: daemon.socket) { session in
            var reports: [OO1Report] = []
            var times: [Double] = []
            for _ in 0..<3 {
                let start = ContinuousClock.now
                reports =
                    try await session.call(
                        YeardAPI.Reports.oo1, OO1Parameters(school: nil, year: nil, date: nil, allSchools: true)
                    ).reports
                times.append(Self.seconds(ContinuousClock.now - start))
            }
            let oneStart = ContinuousClock.now
            _ = try await session.call(YeardAPI.Reports.oo1, OO1Parameters(school: ids[0]))
            return (reports, times.sorted(), Self.seconds(ContinuousClock.now - oneStart))
        }
        let region = times[1]
        let counted = reports.map(\.total.students).reduce(0, +)
        print(
            "  OO-1 for the region: \(reports.count) schools, \(counted) students counted on 20 September "
                + "(\(students) students in the database)")
        print(
            String(
                format:
                    "  OO-1, every school in one call: %.2f s median of 3 (%.2f-%.2f; target: under 5 s); "
                    + "one school: %.0f ms; sqlite3 count(*) of the students (floor): %.2f s",
                region, times[0], times[2], one * 1000, floor))
        print(
            String(
                format:
                    "  honest floor: the same statement over every school by the sqlite3 CLI on one connection (16 MB cache): "
                    + "%.2f s median of 3 (%.2f-%.2f)", statementTimes[1], statementTimes[0], statementTimes[2]))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
