import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import YearCore
import YearStore

/// What the database's upkeep last found and did, for the STATUS line and the metrics file.
struct MaintenanceStatus: Sendable {
    /// The last integrity check (the quick one after start-up, then the scheduled full ones).
    var integrity: IntegrityVerdict?
    /// The last backup written (on request, scheduled or before a rollover), and when.
    var backup: BackupFile?
    var backupAt: Date?
    /// The last backup's failure, until one succeeds again: when, and why.
    var backupFailure: (at: Date, reason: String)?

    /// The STATUS line's part: "integrity ok (quick)", or what failed and what to do.
    var statusPart: String? {
        var parts: [String] = []
        if let integrity {
            parts.append(
                integrity.isOK
                    ? "integrity ok (\(integrity.depth.rawValue))"
                    : "integrity FAILED (\(integrity.depth.rawValue)): \(integrity.summary); restore a backup (yeard(8))"
            )
        }
        if let failure = backupFailure {
            let reason = String(failure.reason.map { $0.isNewline ? " " : $0 }.prefix(200))
            parts.append("backup FAILED: \(reason); see journalctl -u yeard")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

/// Looks after the database: a `PRAGMA quick_check` right after READY=1 (never before it: reading a region's file
/// takes seconds, and READY must come within half a second), then online backups on `[backup] schedule` and
/// `integrity_check` + `foreign_key_check` on `[backup] integrity_check_schedule`, both in `[backup] time_zone`.
/// Each result goes to the journal (`integrity-checked`, `backup-created`), the STATUS line and the metrics file.
/// Fires that pass while a job runs are not queued. A backup missed while the daemon was down (the newest backup on
/// disk is older than the schedule's last fire, within eight days) is made once, after the quick check; a missed
/// integrity check is not (the quick check after start-up stands in for it).
struct MaintenanceService: Service {
    enum Job: String, Sendable {
        case backup, integrityCheck = "integrity check"
    }

    let state: DaemonState
    let clock: any SchedulerClock
    let logger: Logger
    /// Returns once READY=1 has been sent (or when cancelled).
    let ready: @Sendable () async -> Void
    /// How often the service wakes to read the configuration again (a reload may change the schedules).
    var recheck: TimeInterval = 60

    func run() async throws {
        await cancelWhenGracefulShutdown { await ready() }
        guard !Task.isCancelled && !Task.isShuttingDownGracefully else { return }
        // Each job ends early when a graceful shutdown begins: a region's copy or check must not hold the stop up.
        await cancelWhenGracefulShutdown { await checkIntegrity(.quick) }
        if backupMissed(now: clock.now()) {
            logger.notice("making up the scheduled backup missed while yeard was down")
            await cancelWhenGracefulShutdown { await backup() }
        }
        await state.releaseMemory()
        await runOnSchedule(clock: clock, recheck: recheck, fires: nextFires) { jobs in
            for job in jobs {
                switch job {
                case .backup: await cancelWhenGracefulShutdown { await backup() }
                case .integrityCheck: await cancelWhenGracefulShutdown { await checkIntegrity(.full) }
                }
            }
            await state.releaseMemory()
        }
    }

    /// Whether the backup schedule fired (within the last eight days) after the newest backup there is.
    func backupMissed(now: Date) -> Bool {
        let configuration = state.configuration
        guard let schedule = configuration.backupSchedule,
            let fire = schedule.previous(
                atOrBefore: now, timeZone: TimeZone(identifier: configuration.maintenanceTimeZone) ?? .gmt)
        else { return false }
        return state.maintenance.withLock { $0.backupAt }.map { $0 < fire } ?? true
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

    /// Runs SQLite's checks of `depth` and reports them. A check that cannot run at all (the file unreadable) is a
    /// failed check too; one stopped by a shutdown reports nothing.
    func checkIntegrity(_ depth: IntegrityVerdict.Depth) async {
        let verdict: IntegrityVerdict
        do {
            verdict = try await state.database.checkIntegrity(depth, now: { clock.now() })
        } catch  where Task.isCancelled || Task.isShuttingDownGracefully || error is CancellationError {
            logger.notice("the integrity check stopped: yeard is shutting down", metadata: ["depth": "\(depth)"])
            return
        } catch {
            verdict = IntegrityVerdict(
                depth: depth, problems: ["the check could not run: \(error)"], danglingReferences: 0,
                checkedAt: clock.now(), seconds: 0)
        }
        state.maintenance.withLock { $0.integrity = verdict }
        logger.event(
            .integrityChecked,
            verdict.isOK
                ? state.journal.tr("database integrity ok ({depth} check)", ["depth": depth.rawValue])
                : state.journal.tr(
                    "database integrity check FAILED ({depth}): {summary}",
                    ["depth": depth.rawValue, "summary": verdict.summary]),
            level: verdict.isOK ? .notice : .critical, EventFields(action: .integrityCheck),
            metadata: [
                "depth": "\(depth.rawValue)", "ok": "\(verdict.isOK)",
                "seconds": "\(String(format: "%.3f", verdict.seconds))",
            ])
        state.maintained()
    }

    /// Writes a scheduled backup into the rotation of `[backup] keep` (a failure is reported by `writeBackup`).
    func backup() async {
        do {
            _ = try await state.backUp(by: .daemon, role: "daemon", now: clock.now())
        } catch is CancellationError {
            logger.notice("the scheduled backup stopped: yeard is shutting down")
        } catch {
            logger.error(
                "the scheduled backup failed", metadata: ["directory": "\(state.backupDirectory)", "error": "\(error)"])
        }
    }
}
