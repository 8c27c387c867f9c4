import Foundation

/// A report for people about one run of checks: the whole run, or the readiness of the year for a target (the run's
/// findings of the checks that apply). YearReports renders it as text, CSV, JSON and a self-contained HTML page.
public struct CheckReport: Sendable, Codable, Equatable {
    /// The findings of one check.
    public struct CheckCount: Sendable, Codable, Equatable {
        /// The check, its severity, how many findings, and whether it blocks the transition.
        public var check: String, severity: Severity, count: Int, blocking: Bool
    }

    /// The findings of one class.
    public struct ClassCount: Sendable, Codable, Equatable {
        /// The class (nil: findings of no class).
        public var className: String?
        /// Its errors and warnings.
        public var errors: Int, warnings: Int
    }

    /// `Readiness to start` or `Checks`, then the school and the year.
    public var title: String
    /// The school, the year's label, the run, when it ran and how long it took.
    public var school: String, year: String, run: Int64, startedAt: Date, durationMs: Int
    /// For a readiness report: the target and whether the year is ready.
    public var target: ReadinessTarget?, ready: Bool?
    /// The error checks that block (readiness only).
    public var blocking: [String]
    /// The checks the report covers.
    public var checks: [String]
    /// Counts by check (catalogue order) and by class.
    public var byCheck: [CheckCount], byClass: [ClassCount]
    /// Every finding.
    public var findings: [Finding]

    /// The number of findings of `severity`.
    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// The report of the whole run.
    public init(run: CheckRun) {
        let report = ReadinessReport(target: .start, checks: run.checks, findings: run.findings)
        self.init(run: run, report: report, target: nil)
        title = "Checks of \(run.school), \(run.year.label)"
    }

    /// The readiness of the run's year for `target`, from the run's findings of the checks that apply (a run of
    /// the whole catalogue answers both targets), with `accepted` error checks let through.
    public init(readiness target: ReadinessTarget, of run: CheckRun, accepted: Set<String> = []) {
        let applying = Set(CheckCatalogue.checks(for: target).map(\.id))
        let report = ReadinessReport(
            target: target, checks: run.checks.filter(applying.contains),
            findings: run.findings.filter { applying.contains($0.check) }, accepted: accepted)
        self.init(run: run, report: report, target: target)
    }

    private init(run: CheckRun, report: ReadinessReport, target: ReadinessTarget?) {
        title = "Readiness to \(target?.rawValue ?? "start"): \(run.school), \(run.year.label)"
        school = run.school
        year = run.year.label.description
        self.run = run.id
        startedAt = run.startedAt
        durationMs = Int((run.finishedAt.timeIntervalSince(run.startedAt) * 1000).rounded())
        self.target = target
        ready = target == nil ? nil : report.ready
        blocking = target == nil ? [] : report.blocking
        checks = report.checks
        byCheck = report.byCheck.map {
            CheckCount(
                check: $0.check, severity: $0.severity, count: $0.count,
                blocking: target != nil && report.blocking.contains($0.check))
        }
        byClass = report.byClass.map { ClassCount(className: $0.className, errors: $0.errors, warnings: $0.warnings) }
        findings = report.findings
    }

    /// The output formats.
    public enum Format: String, ClosedSet {
        case text, csv, json, html

        /// The file name extension.
        public var fileExtension: String { self == .text ? "txt" : rawValue }
    }
}
