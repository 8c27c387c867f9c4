import ArgumentParser
import Foundation
import Glibc
import YearCore
import YearProtocol
import YearStore

/// `yeard-bench rollover`: the year rollover of one school and of the whole region through the socket, beside the
/// floor of copying the rows it wrote with plain `INSERT ... SELECT`, and the backup taken before a rollover.
struct RolloverBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollover",
        abstract:
            "Rollover of every school of the region (1,000 schools, ~1,000,000 students) against INSERT ... SELECT.")

    @Option(help: "How many schools (1,000: the region size).") var schools = 1000
    @Option(help: "The yeard binary (default: next to this one).") var yeard: String?
    @Option(help: "Seconds between a status reply and the next status call.") var statusInterval = 0.1
    @Option(help: "Schools measured alone, one at a time, before the region run.") var alone = 20

    func run() async throws {
        let binary = yeard ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/yeard"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no yeard at \(binary): build it first with 'swift build -c release' or give --yeard")
        }
        guard getuid() == 0 else {
            throw ValidationError(
                "run as root: the rollover is requested by a second identity (uid 65534 through setpriv), because "
                    + "the daemon refuses an approval by its requester")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-bench-rollover-\(getpid())")
            .path
        let directory = root + "/yeard"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(root, 0o755)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ids = (1...schools).map { String(format: "school-%04d", $0) }
        let roles = ["admin", "secretary", "coordinator", "teacher"]
        let loadStart = ContinuousClock.now
        try await ChecksBench.buildRegion(binary: binary, directory: directory, ids: ids, roles: roles)
        let database = directory + "/yeard.sqlite"
        // Every year closing, as after the pedagogical councils (the transitions themselves are not measured here).
        try ImportBench.runSQLite(database, BenchmarkStatements.closeEveryYear)
        let students = try ChecksBench.sqliteCount(database, BenchmarkStatements.countStudents)
        let loaded = seconds(ContinuousClock.now - loadStart)

        let daemon = try DaemonProcess(
            binary: binary, directory: directory, grants: roles, schools: ids, daemonKeys: "socket_mode = \"0666\"",
            extra: "[[grant]]\nrole = \"admin\"\nuid = 65534\n\n[rollover]\nbackup = false\n")
        defer { daemon.stop() }
        let socket = daemon.socket
        let accept = CheckCatalogue.checks(for: .close).map(\.id)

        // 1. The plan of one school, as `yearctl rollover plan --json` gets it.
        var plans: [Double] = []
        var lines = 0
        try await VarlinkSession.withConnection(path: socket) { session in
            for school in ids.prefix(50) {
                let begin = ContinuousClock.now
                let plan = try await session.call(
                    YeardAPI.Rollover.plan, RolloverPlanParameters(school: school, year: nil))
                plans.append(seconds(ContinuousClock.now - begin) * 1000)
                lines = plan.students.count
                guard plan.problems == 0 else { throw ValidationError("\(school): \(plan.errors.prefix(3))") }
            }
        }
        // 2. Every school's rollover requested by a second identity.
        let requests = try fileRequests(socket: socket, schools: ids)
        // 3. One school alone: its close readiness report, then its approval (report + apply, one transaction).
        var readiness: [Double] = []
        var approvals: [Double] = []
        try await VarlinkSession.withConnection(path: socket) { session in
            for school in ids.prefix(alone) {
                var begin = ContinuousClock.now
                _ = try await session.call(
                    YeardAPI.Checks.readiness,
                    ReadinessParameters(school: school, year: nil, target: .close, format: nil))
                readiness.append(seconds(ContinuousClock.now - begin) * 1000)
                begin = ContinuousClock.now
                _ = try await session.call(
                    YeardAPI.Approval.approve,
                    ApproveParameters(
                        id: requests[school] ?? 0, reason: "benchmark", payloadHash: nil, accept: accept))
                approvals.append(seconds(ContinuousClock.now - begin) * 1000)
            }
        }
        // 4. The rest of the region, one approval after another, while a client polls the status.
        let status = StatusProbe(path: socket, interval: statusInterval)
        status.start()
        let start = ContinuousClock.now
        try await VarlinkSession.withConnection(path: socket) { session in
            for school in ids.dropFirst(alone) {
                _ = try await session.call(
                    YeardAPI.Approval.approve,
                    ApproveParameters(
                        id: requests[school] ?? 0, reason: "benchmark", payloadHash: nil, accept: accept))
            }
        }
        let region = seconds(ContinuousClock.now - start)
        let latencies = status.stop()
        let memory = daemon.memory()
        daemon.stop()

        // The apply's own time (recompute, writes, fingerprint), as each rollover's audit row records it.
        let applyTotal =
            Double(try ChecksBench.sqliteCount(database, BenchmarkStatements.rolloverApplyMilliseconds)) / 1000
        // 5. The floor: the rows the rollovers wrote, copied again with plain INSERT ... SELECT (one transaction).
        let rolloverFloor = try BenchmarkStatements.rolloverFloor(database: database)
        var written = 0
        for count in rolloverFloor.counts { written += try ChecksBench.sqliteCount(database, count) }
        try ImportBench.runSQLite(database, rolloverFloor.prepare)
        let floorStart = ContinuousClock.now
        try ImportBench.runSQLite(database, rolloverFloor.measured)
        let floor = seconds(ContinuousClock.now - floorStart)
        try ImportBench.runSQLite(database, rolloverFloor.cleanUp)

        // 6. The backup taken before a rollover, of the region's database.
        let store = try YearDatabase(path: database)
        let backup = try store.backup(into: root + "/backups", name: "bench")
        try store.close()

        let all = (approvals + [region * 1000]).reduce(0, +) / 1000
        let applies = zip(approvals, readiness).map { $0 - $1 }.sorted()
        plans.sort()
        approvals.sort()
        readiness.sort()
        func percentile(_ values: [Double], _ p: Double) -> Double {
            values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))]
        }
        print(
            "yeard-bench rollover: \(schools) schools, \(students) students, \(written) rows written "
                + "(data loaded in \(String(format: "%.0f", loaded)) s)")
        print(
            String(
                format: "  plan of one school (%d students): p50 %.0f ms, p99 %.0f ms (target: under 200 ms)", lines,
                percentile(plans, 0.5), percentile(plans, 0.99)))
        print(
            String(
                format:
                    "  approval of one school alone: p50 %.0f ms (close readiness report p50 %.0f ms, apply p50 %.0f "
                    + "ms; target: apply under 1 s, no backup)", percentile(approvals, 0.5),
                percentile(readiness, 0.5), percentile(applies, 0.5)))
        print(
            String(
                format: "  whole region: %.1f s for every school (target: under 60 s); the last %d in %.1f s",
                all, schools - alone, region))
        print(
            String(
                format:
                    "  of which the applies themselves (recomputed plan, writes, fingerprint; from the audit): %.1f s",
                applyTotal))
        print(
            String(
                format:
                    "  floor: INSERT ... SELECT of the %d rows written: %.2f s; region = %.1fx the floor, the applies "
                    + "%.1fx (target 3x)", written, floor, all / max(floor, 0.000_001),
                applyTotal / max(floor, 0.000_001)))
        print(
            String(
                format: "  backup before a rollover (region database, %.0f MB): %.2f s", Double(backup.bytes) / 1e6,
                backup.seconds))
        print(String(format: "  yeard peak RSS (VmHWM): %.1f MB (target: under 300 MB)", memory.peak))
        print(
            String(
                format: "  status calls meanwhile: %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms (target: p99 under 50 ms)",
                latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.last ?? 0))
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Runs `yeard-bench file-rollovers` as uid 65534 (an admin in the daemon's grants) and reads back each school's
    /// request id.
    func fileRequests(socket: String, schools: [String]) throws -> [String: Int64] {
        let (status, output) = try Subprocess.run(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", CommandLine.arguments[0], "file-rollovers", socket]
                + schools)
        guard status == 0 else { throw ValidationError("filing the rollover requests failed") }
        var requests: [String: Int64] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let id = Int64(fields[1]) { requests[String(fields[0])] = id }
        }
        guard requests.count == schools.count else {
            throw ValidationError("only \(requests.count) of \(schools.count) rollover requests were filed")
        }
        return requests
    }
}

/// `yeard-bench file-rollovers SOCKET SCHOOL...`: files each school's rollover request and prints `SCHOOL ID`
/// lines (run by `yeard-bench rollover` as a second identity).
struct FileRollovers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file-rollovers", abstract: "Files rollover requests (used by 'yeard-bench rollover').",
        shouldDisplay: false)

    @Argument(help: "The control socket.") var socket: String
    @Argument(help: "The schools.") var schools: [String]

    func run() async throws {
        try await VarlinkSession.withConnection(path: socket) { session in
            for school in schools {
                let reply = try await session.call(
                    YeardAPI.Rollover.request, RolloverRequestParameters(school: school, year: nil, reason: "benchmark")
                )
                print("\(school) \(reply.request.id)")
            }
        }
    }
}
