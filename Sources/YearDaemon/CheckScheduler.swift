import Foundation
import Logging
import ServiceLifecycle
import YearCore
import YearStore

/// The time the scheduler reads and sleeps on: the system's in the daemon, a hand-driven one in tests.
protocol SchedulerClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Returns at `deadline` (or throws when cancelled).
    func sleep(until deadline: Date) async throws
}

/// Until a graceful shutdown: sleeps on `clock` until the earliest of `fires(after: now)` and runs `due` with the
/// jobs due at that instant, read again after the sleep (a reload may have changed them); wakes at least every
/// `recheck` seconds to read them anew. Fires that pass while `due` runs are not queued.
func runOnSchedule<Job: Sendable>(
    clock: any SchedulerClock, recheck: TimeInterval, fires: (Date) -> [(job: Job, fire: Date)],
    due: ([Job]) async -> Void
) async {
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
        let now = clock.now()
        let first = fires(now).map(\.fire).min()
        let wake = min(first ?? .distantFuture, now.addingTimeInterval(recheck))
        do {
            try await cancelWhenGracefulShutdown { try await clock.sleep(until: wake) }
        } catch {
            return
        }
        guard let first, wake >= first else { continue }
        await due(fires(first.addingTimeInterval(-1)).filter { $0.fire == first }.map(\.job))
    }
}

/// The wall clock.
struct SystemSchedulerClock: SchedulerClock {
    func now() -> Date { Date() }

    func sleep(until deadline: Date) async throws {
        // Sleeps at most a minute at a time, so that a jump of the wall clock (NTP, suspend) is noticed.
        while Date() < deadline {
            try await Task.sleep(for: .seconds(min(max(deadline.timeIntervalSinceNow, 0.001), 60)))
        }
    }
}

/// Runs each school's checks on its `checks_schedule` (a cron expression in the school's time zone): the schools due
/// at one time run side by side, one per core, and never two runs of one school; a run missed while the daemon was
/// down runs once at start-up; fires that pass during long runs are not queued. Runs read on reader connections and
/// write only their findings, so the control socket goes on answering.
struct CheckSchedulerService: Service {
    let state: DaemonState
    let clock: any SchedulerClock
    let logger: Logger
    /// Called after each scheduled run was stored (status line, metrics, report files).
    let afterRun: @Sendable (CheckRun) async -> Void

    /// How often the scheduler wakes to read the configuration again (a reload may add, move or remove schedules).
    var recheck: TimeInterval = 60

    func run() async throws {
        await catchUp()
        await runOnSchedule(clock: clock, recheck: recheck, fires: nextFires) { schools in
            await runChecks(schools: schools)
            // A region's run read every school's tables: its caches and buffers are not for the calls of the day.
            await state.releaseMemory()
        }
    }

    /// The next fire time of each scheduled school after `instant`.
    func nextFires(after instant: Date) -> [(job: String, fire: Date)] {
        let configuration = state.configuration
        return configuration.schools.compactMap { school in
            guard let schedule = configuration.checkSchedules[school.id],
                let fire = schedule.next(after: instant, timeZone: TimeZone(identifier: school.timeZone) ?? .gmt)
            else { return nil }
            return (school.id, fire)
        }
    }

    /// Runs the schools' checks, as many at once as there are cores (each school's run reads on a connection of its
    /// own), never two runs of one school.
    func runChecks(schools: [String]) async {
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        await withTaskGroup(of: Void.self) { group in
            for (index, school) in schools.enumerated() {
                if index >= width { await group.next() }
                guard !Task.isShuttingDownGracefully else { break }
                group.addTask { await runChecks(school: school) }
            }
        }
    }

    /// Runs once, at start-up, the schools whose last fire (within eight days) has no scheduled run after it.
    func catchUp() async {
        let configuration = state.configuration
        let now = clock.now()
        var missed: [String] = []
        for school in configuration.schools {
            guard let schedule = configuration.checkSchedules[school.id],
                let fire = schedule.previous(
                    atOrBefore: now, timeZone: TimeZone(identifier: school.timeZone) ?? .gmt)
            else { continue }
            let last = try? await state.database.lastScheduledRun(school: school.id)
            if last.flatMap({ $0 }).map({ $0 < fire }) ?? true {
                logger.notice(
                    "running the checks missed while yeard was down",
                    metadata: ["school": "\(school.id)", "missed": "\(fire.formatted(.iso8601))"])
                missed.append(school.id)
            }
        }
        await runChecks(schools: missed)
    }

    /// One scheduled run of the whole catalogue over the school's active year (else its only open one).
    func runChecks(school: String) async {
        let configuration = state.configuration
        do {
            let years = try await state.database.years(of: [school])
            let open = years.filter { $0.state == .open }
            guard let year = years.first(where: { $0.state.isActive }) ?? (open.count == 1 ? open.first : nil) else {
                logger.info("scheduled checks skipped: no year to check", metadata: ["school": "\(school)"])
                return
            }
            let run = try await state.database.runChecks(
                school: school, year: year, settings: configuration.checkSettings, cause: .schedule, caller: nil,
                keep: configuration.checkRunsKept, now: clock.now())
            state.checked(run, by: nil)
            await afterRun(run)
        } catch {
            logger.error("scheduled checks failed", metadata: ["school": "\(school)", "error": "\(error)"])
        }
    }
}
