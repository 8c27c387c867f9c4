import Foundation

/// Why a run was made.
public enum CheckRunCause: String, ClosedSet {
    case manual, schedule, readiness, approval
}

/// A stored run of checks and what it found.
public struct CheckRun: Sendable, Equatable {
    /// The run's id (runs of all schools share one sequence).
    public var id: Int64
    /// The school checked.
    public var school: String
    /// The year checked.
    public var year: AcademicYear
    /// When the run started and finished.
    public var startedAt: Date, finishedAt: Date
    /// Why it was made.
    public var cause: CheckRunCause
    /// The checks run, in catalogue order.
    public var checks: [String]
    /// What they found, in catalogue order.
    public var findings: [Finding]

    /// A run with every field given.
    public init(
        id: Int64, school: String, year: AcademicYear, startedAt: Date, finishedAt: Date, cause: CheckRunCause,
        checks: [String], findings: [Finding]
    ) {
        self.id = id
        self.school = school
        self.year = year
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.cause = cause
        self.checks = checks
        self.findings = findings
    }

    /// The number of findings of `severity`.
    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
}
