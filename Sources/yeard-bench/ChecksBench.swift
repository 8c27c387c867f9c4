import ArgumentParser
import Foundation
import Glibc
import Synchronization
import YearCore
import YearGenerator
import YearProtocol
import YearStore

/// `yeard-bench checks`: the whole check catalogue over a region of schools, school by school through the socket,
/// while another client keeps asking for the status; beside the floor of one `SELECT count(*)` over the largest
/// table of the same database.
struct ChecksBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "The whole check catalogue over the region (1,000 schools, ~1,000,000 students) against a count(*).")

    @Option(help: "How many schools (1,000: the region size).") var schools = 1000
    @Option(help: "The yeard binary (default: next to this one).") var yeard: String?
    @Option(help: "Seconds between a status reply and the next status call (a monitoring client polling hard).")
    var statusInterval = 0.1
    @Option(help: "Clients running schools at once (default: one per core, as the scheduler does).")
    var clients = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Also time each check on its own over the first school (median of 9 runs, less a run's fixed cost).")
    var perCheck = false

    func run() async throws {
        let binary = yeard ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/yeard"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no yeard at \(binary): build it first with 'swift build -c release' or give --yeard")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-bench-checks-\(getpid())")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ids = (1...schools).map { String(format: "school-%04d", $0) }
        let roles = ["admin", "secretary", "coordinator", "teacher"]

        let loadStart = ContinuousClock.now
        try await Self.buildRegion(binary: binary, directory: directory + "/yeard", ids: ids, roles: roles)
        let database = directory + "/yeard/yeard.sqlite"
        let loaded = ContinuousClock.now - loadStart
        let students = try Self.sqliteCount(database, BenchmarkStatements.countStudents)
        let grades = try Self.sqliteCount(database, BenchmarkStatements.countGrades)

        let floorStart = ContinuousClock.now
        _ = try Self.sqliteCount(database, BenchmarkStatements.checksFloor)
        let floor = seconds(ContinuousClock.now - floorStart)

        let daemon = try DaemonProcess(binary: binary, directory: directory + "/yeard", grants: roles, schools: ids)
        defer { daemon.stop() }
        let status = StatusProbe(path: daemon.socket, interval: statusInterval)
        status.start()
        // As the scheduler does at 06:00: as many schools at once as there are cores, each through its connection.
        let socket = daemon.socket
        let start = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: [(Double, [String])].self) { group in
            for lane in 0..<clients {
                let mine = stride(from: lane, to: ids.count, by: clients).map { ids[$0] }
                group.addTask {
                    try await VarlinkSession.withConnection(path: socket) { session in
                        var times: [(Double, [String])] = []
                        for school in mine {
                            let begin = ContinuousClock.now
                            let reply = try await session.call(
                                YeardAPI.Checks.run, CheckRunParameters(school: school, year: nil, checks: nil))
                            let taken = ContinuousClock.now - begin
                            times.append(
                                (
                                    (Double(taken.components.seconds) + Double(taken.components.attoseconds) / 1e18)
                                        * 1000, reply.run.findings.map { "\($0.check)|\($0.message)" }
                                ))
                        }
                        return times
                    }
                }
            }
            var all: [(Double, [String])] = []
            for try await times in group { all += times }
            return all
        }
        let total = seconds(ContinuousClock.now - start)
        // One school alone, as a coordinator's `yearctl checks run` is: the first 50 schools again, one at a time.
        var alone: [Double] = []
        try await VarlinkSession.withConnection(path: socket) { session in
            for school in ids.prefix(50) {
                let begin = ContinuousClock.now
                _ = try await session.call(
                    YeardAPI.Checks.run, CheckRunParameters(school: school, year: nil, checks: nil))
                alone.append(seconds(ContinuousClock.now - begin) * 1000)
            }
        }
        alone.sort()
        // Each check on its own: a run of one check costs the working sets and the reply besides the check's
        // statement, so the cheapest check's time is taken as that fixed cost.
        var perCheckTimes: [(String, Double)] = []
        if perCheck {
            try await VarlinkSession.withConnection(path: socket) { session in
                for check in CheckCatalogue.all.map(\.id) {
                    var runs: [Double] = []
                    for _ in 0..<9 {
                        let begin = ContinuousClock.now
                        _ = try await session.call(
                            YeardAPI.Checks.run, CheckRunParameters(school: ids[0], year: nil, checks: [check]))
                        runs.append(seconds(ContinuousClock.now - begin) * 1000)
                    }
                    perCheckTimes.append((check, runs.sorted()[4]))
                }
            }
        }
        var perSchool = results.map { $0.0 }
        let findings = results.map { $0.1.count }.reduce(0, +)
        // Which checks found what: a generated region is clean but for what its copies share by construction.
        var counts: [String: Int] = [:]
        var example: [String: String] = [:]
        for (_, found) in results {
            for finding in found {
                let parts = finding.split(separator: "|", maxSplits: 1).map(String.init)
                counts[parts[0], default: 0] += 1
                if example[parts[0]] == nil { example[parts[0]] = parts.last }
            }
        }
        let byCheck = counts.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value) (\(example[$0.key] ?? ""))" }
            .joined(separator: ", ")
        let latencies = status.stop()
        let memory = daemon.memory()
        perSchool.sort()
        func percentile(_ values: [Double], _ p: Double) -> Double {
            values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))]
        }
        print(
            "yeard-bench checks: \(schools) schools, \(students) students, \(grades) grades, "
                + "\(CheckCatalogue.all.count) checks, \(clients) schools at a time "
                + "(data loaded in \(String(format: "%.0f", seconds(loaded))) s)")
        print("  floor: \(BenchmarkStatements.checksFloor): " + String(format: "%.3f s", floor))
        print(
            String(
                format:
                    "  whole catalogue over every school: %.1f s (%.0fx the floor), %d findings (target: under 30 s)",
                total, total / max(floor, 0.000_001), findings))
        if !byCheck.isEmpty { print("  findings by check: \(byCheck)") }
        print(
            String(
                format: "  each school during the region run: p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                percentile(perSchool, 0.5), percentile(perSchool, 0.99), perSchool.last ?? 0))
        print(
            String(
                format:
                    "  one school (~%d students) alone: p50 %.0f ms, p99 %.0f ms, max %.0f ms (target: under 200 ms)",
                students / max(schools, 1), percentile(alone, 0.5), percentile(alone, 0.99), alone.last ?? 0))
        print(String(format: "  yeard peak RSS (VmHWM): %.1f MB (target: under 300 MB)", memory.peak))
        print(
            String(
                format: "  status calls meanwhile: %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms (target: p99 under 50 ms)",
                latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.last ?? 0))
        if let fixed = perCheckTimes.map(\.1).min() {
            let heading = "  each check alone over the first school (a run's fixed cost, %.1f ms, taken off):"
            print(String(format: heading, fixed))
            for (check, time) in perCheckTimes.sorted(by: { $0.1 > $1.1 }) {
                print(String(format: "    %-34@ %.1f ms", check as NSString, time - fixed))
            }
        }
    }

    /// The region: one generated school loaded through the socket like any school's files, then copied with SQL
    /// to every school of `ids` (loading a million students file by file would take most of a benchmark's time).
    /// The daemon's state directory is `directory`; it is stopped on return.
    static func buildRegion(binary: String, directory: String, ids: [String], roles: [String]) async throws {
        // One generated school goes in through the socket like any school's files; the region is that school
        // copied with SQL (loading a million students file by file would take most of the benchmark's time).
        let daemon = try DaemonProcess(binary: binary, directory: directory, grants: roles, schools: ids)
        defer { daemon.stop() }
        let files = RegistryGenerator(seed: 1, startYear: 2026).school(0)
        let me = String(cString: getpwuid(getuid()).pointee.pw_name)
        try await VarlinkSession.withConnection(path: daemon.socket) { session in
            for school in ids {
                _ = try await session.call(
                    YeardAPI.Year.create,
                    YearCreateParameters(school: school, label: "2026/2027", startDate: nil, endDate: nil))
            }
            // Grades are a teacher's: the benchmark's user is the login of every teacher of the first school.
            for kind in RegistryGenerator.loadOrder {
                var text = files[kind] ?? ""
                if kind == .staff {
                    text =
                        "staff_id,last_name,first_name,middle_name,position,login\n"
                        + text.split(separator: "\n").dropFirst().map { line in
                            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                            fields[5] = fields[0] == "T0001-1" ? me : ""
                            return fields.joined(separator: ",") + "\n"
                        }.joined()
                }
                if kind == .assignments {
                    text = text.replacingOccurrences(
                        of: #",T0001-\d+\n"#, with: ",T0001-1\n", options: .regularExpression)
                }
                let reply = try await ImportBench.upload(Data(text.utf8), kind: kind, school: ids[0], session: session)
                guard reply.problemCount == 0 else {
                    throw ValidationError("\(kind) of the first school did not load: \(reply.problems.prefix(3))")
                }
            }
            // The grades are in: the assignments go back to their own teachers (one teacher of every lesson would
            // be a load of hundreds of periods, which teacher.overload rightly reports).
            let assignments = try await ImportBench.upload(
                Data((files[.assignments] ?? "").utf8), kind: .assignments, school: ids[0], session: session)
            guard assignments.problemCount == 0 else {
                throw ValidationError("assignments did not load again: \(assignments.problems.prefix(3))")
            }
        }
        daemon.stop()
        try clone(database: directory + "/yeard.sqlite", from: ids[0])
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Copies every per-school row of `source` to each other school of the database, in one transaction, mapping
    /// the school and its year.
    static func clone(database: String, from source: String) throws {
        try ImportBench.runSQLite(database, BenchmarkStatements.cloneSchool(source, database: database))
    }

    /// The first value the sqlite3 CLI prints for `query`.
    static func sqliteValue(_ database: String, _ query: String) throws -> String {
        let (status, output) = try Subprocess.run("/usr/bin/sqlite3", [database, query])
        guard status == 0 else { throw ValidationError("sqlite3 failed on: \(query)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The number the sqlite3 CLI prints for `query`.
    static func sqliteCount(_ database: String, _ query: String) throws -> Int {
        Int(try Self.sqliteValue(database, query)) ?? 0
    }
}

/// A client that asks for the status, one call `interval` after the last reply, until stopped; the latencies in ms,
/// sorted.
final class StatusProbe: Sendable {
    let path: String
    /// Seconds between one reply and the next call.
    let interval: Double
    private let state = Mutex((running: true, latencies: [Double]()))
    private let done = DispatchSemaphore(value: 0)

    init(path: String, interval: Double) {
        self.path = path
        self.interval = interval
    }

    func start() {
        Thread { [self] in
            let message = Array(#"{"method":"io.yeard.Year.Status"}"#.utf8) + [0]
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            if let descriptor = try? Load.connectSocket(path) {
                while state.withLock({ $0.running }) {
                    let begin = DispatchTime.now().uptimeNanoseconds
                    guard (try? Load.exchange(descriptor, message, &buffer)) != nil else { break }
                    let taken = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6
                    state.withLock { $0.latencies.append(taken) }
                    usleep(UInt32(interval * 1_000_000))
                }
                close(descriptor)
            }
            done.signal()
        }.start()
    }

    func stop() -> [Double] {
        state.withLock { $0.running = false }
        done.wait()
        return state.withLock { $0.latencies }.sorted()
    }
}
