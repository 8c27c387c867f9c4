import Foundation
import Logging
import Synchronization
import Testing
import YearCore
import YearGenerator
import YearStore

@testable import YearDaemon

/// A clock that moves only when the test says so; sleepers wake when it passes their deadline.
final class ManualClock: SchedulerClock {
    private struct Sleeper {
        let id: UUID
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let state: Mutex<(now: Date, sleepers: [Sleeper])>

    init(_ now: Date) { state = Mutex((now, [])) }

    func now() -> Date { state.withLock { $0.now } }

    /// The deadlines of those asleep.
    var deadlines: [Date] { state.withLock { $0.sleepers.map(\.deadline) } }

    func sleep(until deadline: Date) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let due = state.withLock { state in
                    if state.now >= deadline || Task.isCancelled { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if due { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Sets the time and wakes those whose deadline has come.
    func advance(to date: Date) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = date
            let due = state.sleepers.filter { $0.deadline <= date }
            state.sleepers.removeAll { $0.deadline <= date }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }
}

/// What the scheduler did, as its afterRun hook saw it.
final class RunLog: Sendable {
    let runs = Mutex<[CheckRun]>([])
    let inFlight = Mutex((now: 0, most: 0))

    var count: Int { runs.withLock { $0.count } }
}

@Suite("The check scheduler, on a hand-driven clock")
struct CheckSchedulerTests {
    static func date(_ text: String) -> Date { (try? Date(text, strategy: .iso8601)) ?? .distantPast }

    /// Waits (in real time, at most 10 s) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the condition did not come true within 10 s")
    }

    static func start(
        _ fixture: DaemonFixture, clock: ManualClock, log: RunLog, gate: (@Sendable () async -> Void)? = nil
    )
        -> Task<Void, any Error>
    {
        var service = CheckSchedulerService(
            state: fixture.state, clock: clock, logger: Logger(label: "test"),
            afterRun: { run in
                log.inFlight.withLock {
                    $0.now += 1; $0.most = max($0.most, $0.now)
                }
                await gate?()
                log.runs.withLock { $0.append(run) }
                log.inFlight.withLock { $0.now -= 1 }
            })
        // The tests read the deadlines: the scheduler sleeps to its next fire without waking to re-read.
        service.recheck = 86400 * 30
        let scheduler = service
        return Task { try await scheduler.run() }
    }

    /// Stores a scheduled run of school-a made at `time`, as an earlier daemon would have.
    static func scheduledRun(_ fixture: DaemonFixture, at time: String) async throws {
        _ = try await fixture.state.database.runChecks(
            school: "school-a", year: try #require(try await fixture.state.database.years(of: ["school-a"]).first),
            settings: CheckSettings(), cause: .schedule, caller: nil, now: date(time))
    }

    static func fixture(_ schedule: String) async throws -> DaemonFixture {
        let fixture = try await DaemonFixture(schedule: schedule)
        _ = try await fixture.state.database.createYear(
            school: "school-a", label: YearLabel("2026/2027")!, startDate: nil, endDate: nil,
            caller: DaemonFixture.caller(.admin), now: date("2026-08-01T00:00:00Z"))
        return fixture
    }

    @Test("a run missed while the daemon was down runs once at start-up; then it fires on time in the school's zone")
    func catchUpThenOnTime() async throws {
        let fixture = try await Self.fixture("0 6 * * *")
        // The last scheduled run was three days ago; three fires were missed since.
        try await Self.scheduledRun(fixture, at: "2026-11-27T03:00:00Z")
        // 05:00 in Moscow (UTC+3).
        let clock = ManualClock(Self.date("2026-11-30T02:00:00Z"))
        let log = RunLog()
        let task = Self.start(fixture, clock: clock, log: log)
        defer { task.cancel() }
        try await Self.eventually { log.count == 1 && clock.deadlines.count == 1 }
        #expect(log.runs.withLock { $0[0].startedAt } == Self.date("2026-11-30T02:00:00Z"))
        #expect(clock.deadlines == [Self.date("2026-11-30T03:00:00Z")])
        clock.advance(to: Self.date("2026-11-30T03:00:00Z"))
        try await Self.eventually { log.count == 2 && clock.deadlines == [Self.date("2026-12-01T03:00:00Z")] }
        let run = try #require(log.runs.withLock { $0.last })
        #expect(run.cause == .schedule && run.startedAt == Self.date("2026-11-30T03:00:00Z"))
    }

    @Test("no catch-up when the last fire already has its run")
    func noCatchUpWhenDone() async throws {
        let fixture = try await Self.fixture("0 6 * * *")
        try await Self.scheduledRun(fixture, at: "2026-11-30T03:00:05Z")
        let clock = ManualClock(Self.date("2026-11-30T04:00:00Z"))
        let log = RunLog()
        let task = Self.start(fixture, clock: clock, log: log)
        defer { task.cancel() }
        try await Self.eventually { clock.deadlines == [Self.date("2026-12-01T03:00:00Z")] }
        #expect(log.count == 0)
    }

    @Test("runs never overlap, and fires that pass during a long run are not queued")
    func neverOverlaps() async throws {
        let fixture = try await Self.fixture("* * * * *")
        try await Self.scheduledRun(fixture, at: "2026-11-30T03:00:00Z")
        let clock = ManualClock(Self.date("2026-11-30T03:00:30Z"))
        let log = RunLog()
        let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let blocked = Mutex(true)
        let task = Self.start(fixture, clock: clock, log: log) {
            guard blocked.withLock({ $0 }) else { return }
            await withCheckedContinuation { continuation in release.withLock { $0 = continuation } }
        }
        defer { task.cancel() }
        try await Self.eventually { clock.deadlines == [Self.date("2026-11-30T03:01:00Z")] }
        clock.advance(to: Self.date("2026-11-30T03:01:00Z"))
        try await Self.eventually { release.withLock { $0 != nil } }
        // Ten minutes pass while the run is held.
        clock.advance(to: Self.date("2026-11-30T03:11:30Z"))
        // Still inside the held run: not asleep, so no fire of those ten minutes can start anything.
        #expect(clock.deadlines.isEmpty)
        #expect(log.inFlight.withLock { $0.most } == 1)
        blocked.withLock { $0 = false }
        release.withLock { $0?.resume() }
        try await Self.eventually { log.count == 1 && clock.deadlines == [Self.date("2026-11-30T03:12:00Z")] }
        #expect(log.inFlight.withLock { $0.most } == 1)
    }
}

extension CheckSchedulerTests {
    @Test("the status line carries each school's last run: its time in the school's zone and its counts")
    func statusLine() async throws {
        let fixture = try await Self.fixture("0 6 * * *")
        try await Self.scheduledRun(fixture, at: "2026-11-30T03:00:00Z")
        let line = await Daemon.statusLine(
            database: fixture.state.database, zones: ["school-a": "Europe/Moscow"])
        #expect(
            line.contains("school-a: no active year, 2026/2027 open, checks 06:00: 0 errors, 0 warnings"), "\(line)")
    }
}

extension CheckSchedulerTests {
    @Test("the socket answers status calls while long runs of checks are going (reads go on beside the writer)")
    func statusDuringRuns() async throws {
        let fixture = try await Self.fixture("0 6 * * *")
        let database = fixture.state.database
        let year = try #require(try await database.years(of: ["school-a"]).first)
        let files = RegistryGenerator(seed: 2, startYear: 2026).school(0)
        for kind in RegistryGenerator.loadOrder {
            let text = try #require(files[kind])
            let path = fixture.directory.appendingPathComponent("\(kind.rawValue).csv").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let outcome = try await database.importRegistry(
                ImportRequest(
                    kind: kind, school: "school-a", year: kind.isYearScoped ? year : nil, path: path,
                    fileName: "\(kind.rawValue).csv", sha256: "0", dryRun: false),
                caller: DaemonFixture.caller(.secretary))
            #expect(outcome.problemCount == 0, "\(kind)")
        }
        let coordinator = DaemonFixture.caller(.coordinator)
        let done = Mutex(false)
        let runs = Task {
            let start = ContinuousClock.now
            for _ in 0..<4 {
                let reply = await fixture.call(
                    "io.yeard.Checks.Run", .object(["school": "school-a"]), as: coordinator)
                #expect(reply?.errorName == nil, "\(String(describing: reply))")
            }
            done.withLock { $0 = true }
            return ContinuousClock.now - start
        }
        // Status calls made while the runs go on, each with its latency.
        var latencies: [Duration] = []
        while !done.withLock({ $0 }) {
            let begin = ContinuousClock.now
            let reply = await fixture.call("io.yeard.Year.Status", as: DaemonFixture.caller(.auditor))
            #expect(reply?.errorName == nil)
            latencies.append(ContinuousClock.now - begin)
            try await Task.sleep(for: .milliseconds(2))
        }
        let total = await runs.value
        #expect(latencies.count >= 5, "status calls answered while \(total) of runs went on: \(latencies.count)")
        let slowest = latencies.max() ?? .zero
        #expect(slowest < total / 2, "a status call waited for the runs: slowest \(slowest), runs \(total)")
    }
}

extension CheckSchedulerTests {
    @Test("beyond a few schools the status line is one summary")
    func statusSummary() async throws {
        let fixture = try await Self.fixture("0 6 * * *")
        try await Self.scheduledRun(fixture, at: "2026-11-30T03:00:00Z")
        let line = await Daemon.statusLine(
            database: fixture.state.database, zones: ["school-a": "Europe/Moscow"], detailed: 1)
        #expect(line == "2 schools: 2 without an active year; checks 06:00: 0 errors, 0 warnings at 0 of 1 schools")
    }
}

extension CheckSchedulerTests {
    @Test("a reload is read at the next wake: a new schedule fires, a removed one does not")
    func reloadRead() async throws {
        let fixture = try await Self.fixture("0 6 * * *")
        try await Self.scheduledRun(fixture, at: "2026-11-30T03:00:05Z")
        let clock = ManualClock(Self.date("2026-11-30T04:00:00Z"))
        let log = RunLog()
        var service = CheckSchedulerService(
            state: fixture.state, clock: clock, logger: Logger(label: "test"),
            afterRun: { run in log.runs.withLock { $0.append(run) } })
        service.recheck = 60
        let scheduler = service
        let task = Task { try await scheduler.run() }
        defer { task.cancel() }
        try await Self.eventually { clock.deadlines == [Self.date("2026-11-30T04:01:00Z")] }
        // The schedule moves to 08:00 (05:00 UTC) today: it fires then, not at 06:00 tomorrow.
        var configuration = fixture.state.configuration
        configuration.checkSchedules["school-a"] = try CronSchedule("0 8 * * *")
        fixture.state.replace(configuration)
        clock.advance(to: Self.date("2026-11-30T04:01:00Z"))
        try await Self.eventually { clock.deadlines == [Self.date("2026-11-30T04:02:00Z")] }
        clock.advance(to: Self.date("2026-11-30T04:59:30Z"))
        try await Self.eventually { clock.deadlines == [Self.date("2026-11-30T05:00:00Z")] }
        clock.advance(to: Self.date("2026-11-30T05:00:00Z"))
        try await Self.eventually { log.count == 1 }
        #expect(log.runs.withLock { $0[0].startedAt } == Self.date("2026-11-30T05:00:00Z"))
        // Removed: nothing runs at the old time.
        configuration.checkSchedules = [:]
        fixture.state.replace(configuration)
        try await Self.eventually { clock.deadlines == [Self.date("2026-11-30T05:01:00Z")] }
        clock.advance(to: Self.date("2026-11-30T05:01:00Z"))
        try await Self.eventually { clock.deadlines == [Self.date("2026-11-30T05:02:00Z")] }
        // The next day the old time passes: the scheduler sleeps through it on its recheck, runs nothing.
        clock.advance(to: Self.date("2026-12-01T04:59:30Z"))
        try await Self.eventually { clock.deadlines == [Self.date("2026-12-01T05:00:30Z")] }
        clock.advance(to: Self.date("2026-12-01T05:00:30Z"))
        try await Self.eventually { clock.deadlines == [Self.date("2026-12-01T05:01:30Z")] }
        #expect(log.count == 1)
    }
}
