import Foundation
import Logging
import Prometheus
import YearCore
import YearStore

/// Writes the Prometheus text-format file that node_exporter's textfile collector reads (`metrics_file`): each
/// year's state, each school's last run of checks with its findings per check, the last integrity check and backup. Written whole to a temporary
/// name and renamed, so that the collector never reads half a file; `MetricsService` rewrites it after every change.
struct MetricsFile: Sendable {
    let database: YearDatabase
    let logger: Logger

    init(database: YearDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The file's text for the schools of `configuration`.
    static func render(
        years: [AcademicYear], runs: [String: CheckRunSummary],
        counts: [String: (checks: [String], counts: [String: Int])], settings: CheckSettings,
        maintenance: MaintenanceStatus = MaintenanceStatus()
    ) -> String {
        let registry = PrometheusCollectorRegistry()
        func gauge(_ name: String, unit: String = "", _ help: String, _ labels: [(String, String)], _ value: Double) {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "yeard", metricName: name, unitName: unit, helpText: help),
                labels: labels
            ).set(to: value)
        }
        for year in years {
            for state in YearState.allCases {
                gauge(
                    "year_state", "1 for the state the year is in, 0 for the others.",
                    [("school", year.school), ("year", year.label.description), ("state", state.rawValue)],
                    year.state == state ? 1 : 0)
            }
        }
        for (school, run) in runs.sorted(by: { $0.key < $1.key }) {
            let labels = [("school", school)]
            gauge(
                "checks_last_run_timestamp", unit: "seconds", "When the school's last run of checks started.", labels,
                run.startedAt.timeIntervalSince1970)
            gauge(
                "checks_last_run_duration", unit: "seconds", "How long the school's last run of checks took.", labels,
                run.finishedAt.timeIntervalSince(run.startedAt))
            gauge("checks_last_run_errors", "Errors found by the school's last run.", labels, Double(run.errors))
            gauge("checks_last_run_warnings", "Warnings found by the school's last run.", labels, Double(run.warnings))
            let found = counts[school] ?? ([], [:])
            for check in found.checks {
                guard let definition = CheckCatalogue.byID[check] else { continue }
                gauge(
                    "check_findings", "Findings of each check in the school's last run.",
                    [("school", school), ("check", check), ("severity", settings.severity(of: definition).rawValue)],
                    Double(found.counts[check] ?? 0))
            }
        }
        if let integrity = maintenance.integrity {
            let labels = [("depth", integrity.depth.rawValue)]
            gauge(
                "database_integrity_ok", "1 when the last integrity check of the database passed, 0 when it failed.",
                labels, integrity.isOK ? 1 : 0)
            gauge(
                "database_integrity_checked", unit: "seconds", "When the last integrity check of the database ran.",
                labels, integrity.checkedAt.timeIntervalSince1970)
        }
        if maintenance.backup != nil || maintenance.backupFailure != nil {
            gauge(
                "backup_last_ok", "1 when the last backup succeeded, 0 when it failed.", [],
                maintenance.backupFailure == nil ? 1 : 0)
        }
        if let backup = maintenance.backup, let at = maintenance.backupAt {
            gauge("backup_last", unit: "seconds", "When the last backup was written.", [], at.timeIntervalSince1970)
            gauge("backup_last", unit: "bytes", "The size of the last backup.", [], Double(backup.bytes))
        }
        return registry.emitToString()
    }

    private var writing = false
    private var stale = false

    /// Rewrites the file; a failure is logged, never thrown (metrics must not stop the daemon). Calls that come while
    /// a write is going are folded into one more write after it, which reads everything afresh in one snapshot, so
    /// the last file written is never older than the last call.
    /// Writes the file at `path` for `schools`; a failure is logged (the next change writes it again).
    func write(
        to path: String, settings: CheckSettings, schools: [String], maintenance: MaintenanceStatus
    ) async {
        do {
            let snapshot = try await database.metricsSnapshot(of: schools)
            let text = Self.render(
                years: snapshot.years, runs: snapshot.runs, counts: snapshot.counts, settings: settings,
                maintenance: maintenance)
            let temporary = path + ".tmp"
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            logger.error("cannot write the metrics file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
