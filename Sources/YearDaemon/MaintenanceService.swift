import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import YearCore
import YearStore

/// What the database's upkeep last found and did, for the STATUS line and the metrics file.
struct MaintenanceStatus: Sendable {
    /// The last integrity check (the quick one after start-up, then the scheduled full ones).
    var integrity: IntegrityVerdict?
    /// The last backup written (on request, scheduled or before a rollover), and when.
    var backup: BackupFile?
    var backupAt: Date?

    /// The STATUS line's part: "integrity ok (quick, 0.4 s)" or "integrity FAILED (full): ...".
    var statusPart: String? {
        guard let integrity else { return nil }
        if integrity.isOK { return "integrity ok (\(integrity.depth.rawValue))" }
        return "integrity FAILED (\(integrity.depth.rawValue)): \(integrity.summary); restore a backup (yeard(8))"
    }
}

/// Looks after the database: a `PRAGMA quick_check` right after READY=1 (never before it: reading a region's file
/// takes seconds, and READY must come within half a second), then online backups on `[backup] schedule` and
/// `integrity_check` + `foreign_key_check` on `[backup] integrity_check_schedule`, both in `[backup] time_zone`.
/// Each result goes to the journal (`integrity-checked`, `backup-created`), the STATUS line and the metrics file.
/// Fires that pass while a job runs are not queued; jobs missed while the daemon was down are not caught up (the
/// quick check after start-up stands in for the integrity check, and a backup at start would slow every restart).
struct MaintenanceService: Service {
    enum Job: String, Sendable {
        case backup, integrityCheck = "integrity check"
    }

    let state: DaemonState
    let clock: any SchedulerClock
    let logger: Logger
    /// Ends (or yields once) when READY=1 has been sent.
    let ready: AsyncStream<Void>
    /// How often the service wakes to read the configuration again (a reload may change the schedules).
    var recheck: TimeInterval = 60

    func run() async throws {
        for await _ in ready.cancelOnGracefulShutdown() { break }
        guard !Task.isCancelled && !Task.isShuttingDownGracefully else { return }
        await checkIntegrity(.quick)
        await runOnSchedule(clock: clock, recheck: recheck, fires: nextFires) { jobs in
            for job in jobs {
                switch job {
                case .backup: await backup()
                case .integrityCheck: await checkIntegrity(.full)
                }
            }
        }
    }

    /// The next fire of each scheduled job after `instant`, by the configuration in force.
    func nextFires(after instant: Date) -> [(job: Job, fire: Date)] {
        let configuration = state.configuration
        let zone = TimeZone(identifier: configuration.maintenanceTimeZone) ?? .gmt
        return [(Job.backup, configuration.backupSchedule), (.integrityCheck, configuration.integrityCheckSchedule)]
            .compactMap { job, schedule in
                schedule?.next(after: instant, timeZone: zone).map { (job, $0) }
            }
    }

    /// Runs SQLite's checks of `depth` and reports them; a failure is an error in the journal and the STATUS line.
    func checkIntegrity(_ depth: IntegrityVerdict.Depth) async {
        do {
            let verdict = try await state.database.checkIntegrity(depth, now: { clock.now() })
            state.maintenance.withLockedValue { $0.integrity = verdict }
            logger.event(
                .integrityChecked,
                verdict.isOK
                    ? "database integrity ok (\(depth.rawValue) check)"
                    : "database integrity check FAILED (\(depth.rawValue)): \(verdict.summary)",
                level: verdict.isOK ? .notice : .critical, EventFields(action: "integrity.check"),
                metadata: [
                    "depth": "\(depth.rawValue)", "ok": "\(verdict.isOK)",
                    "seconds": "\(String(format: "%.3f", verdict.seconds))",
                ])
        } catch {
            logger.error("the integrity check could not run", metadata: ["depth": "\(depth)", "error": "\(error)"])
        }
        state.maintained()
    }

    /// Writes a scheduled backup into the rotation of `[backup] keep`.
    func backup() async {
        do {
            _ = try await state.backUp(by: .daemon, role: "daemon", now: clock.now())
        } catch {
            logger.error(
                "the scheduled backup failed", metadata: ["directory": "\(state.backupDirectory)", "error": "\(error)"])
        }
    }
}
