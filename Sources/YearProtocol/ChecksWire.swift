import Foundation
import YearCore

/// `io.yeard.Checks.Run`.
public struct CheckRunParameters: MethodParameters {
    /// The school and year (their defaults as for imports), the checks to run (omitted: the whole catalogue) and the
    /// format to render the run in, if any.
    public var school: String?, year: String?, checks: [String]?, format: CheckReport.Format?
    /// The language to render in (`en`, `ru`; default and unknown: English).
    public var language: String?
    /// Parameters with every field given.
    public init(
        school: String?, year: String?, checks: [String]?, format: CheckReport.Format? = nil, language: String? = nil
    ) {
        self.language = language
        self.school = school
        self.year = year
        self.checks = checks
        self.format = format
    }
}

/// `io.yeard.Checks.Last` and `Diff`.
public struct CheckLastParameters: MethodParameters {
    /// The school, optionally the year, and the format to render the run in (Last only).
    public var school: String?, year: String?, format: CheckReport.Format?
    /// The language to render in (Last only; default and unknown: English).
    public var language: String?
    /// Parameters with every field given.
    public init(school: String?, year: String?, format: CheckReport.Format? = nil, language: String? = nil) {
        self.language = language
        self.school = school
        self.year = year
        self.format = format
    }
}

/// `io.yeard.Checks.Readiness`.
public struct ReadinessParameters: MethodParameters {
    /// The school, the year, what the report is for (`start` or `close`), and the format to render it in, if any.
    public var school: String?, year: String?, target: ReadinessTarget, format: CheckReport.Format?
    /// The language to render in (default and unknown: English).
    public var language: String?
    /// Parameters with every field given.
    public init(
        school: String?, year: String?, target: ReadinessTarget, format: CheckReport.Format? = nil,
        language: String? = nil
    ) {
        self.language = language
        self.school = school
        self.year = year
        self.target = target
        self.format = format
    }
}

/// A check of the catalogue as the wire carries it (`io.yeard.Checks.Check`).
public struct CheckInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var id: String, phase: CheckPhase, severity: Severity, defaultSeverity: Severity, entityKind: String,
        summary: String

    /// The wire form of a check, with its severity under `settings`.
    public init(_ check: CheckDefinition, settings: CheckSettings) {
        id = check.id
        phase = check.phase
        severity = settings.severity(of: check)
        defaultSeverity = check.defaultSeverity
        entityKind = check.entityKind
        summary = check.summary
    }
}

/// A finding as the wire carries it (`io.yeard.Checks.Finding`): the field names are the public contract of
/// `yearctl checks ... --json` (`check`, `severity`, `entity_kind`, `entity_id`, `class`, `message`).
public struct FindingInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var check: String, severity: Severity, entityKind: String, entityID: String, className: String?,
        message: String
    /// What the sentence names, for a client to say it in its language (`FindingMessages`); absent for checks whose
    /// sentence is English only.
    public var params: [String: String]?

    enum CodingKeys: String, CodingKey {
        case check, severity, message, params
        case entityKind = "entity_kind"
        case entityID = "entity_id"
        case className = "class"
    }

    /// The wire form of a finding.
    public init(_ finding: Finding) {
        check = finding.check
        severity = finding.severity
        entityKind = finding.entityKind
        entityID = finding.entityID
        className = finding.className
        message = finding.message
        params = finding.params
    }

    /// The sentence in `l`'s language (the English `message` when the finding has no parameters).
    public func message(_ l: Localizer) -> String {
        FindingMessages.message(check: check, params: params, stored: message, l)
    }
}

/// A run as the wire carries it (`io.yeard.Checks.Run`).
public struct RunInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var id: Int64, school: String, year: String, startedAt: String, finishedAt: String, durationMs: Int64,
        cause: CheckRunCause, checks: [String], errors: Int, warnings: Int, findings: [FindingInfo]

    /// The wire form of a run.
    public init(_ run: CheckRun) {
        id = run.id
        school = run.school
        year = run.year.label.description
        startedAt = run.startedAt.formatted(.iso8601)
        finishedAt = run.finishedAt.formatted(.iso8601)
        durationMs = Int64((run.finishedAt.timeIntervalSince(run.startedAt) * 1000).rounded())
        cause = run.cause
        checks = run.checks
        errors = run.count(.error)
        warnings = run.count(.warning)
        findings = run.findings.map(FindingInfo.init)
    }
}

/// `io.yeard.Checks.List` reply.
public struct CheckListReply: Codable, Sendable {
    /// The catalogue.
    public var checks: [CheckInfo]
    /// A reply with every field given.
    public init(checks: [CheckInfo]) { self.checks = checks }
}

/// `io.yeard.Checks.Run` reply.
public struct CheckRunReply: Codable, Sendable {
    /// The run made, and the run rendered when a format was asked for.
    public var run: RunInfo, rendered: String?
    /// A reply with every field given.
    public init(run: RunInfo, rendered: String?) {
        self.run = run
        self.rendered = rendered
    }
}

/// `io.yeard.Checks.Last` reply.
public struct CheckLastReply: Codable, Sendable {
    /// The last run, if there is one, and the run rendered when a format was asked for.
    public var run: RunInfo?, rendered: String?
    /// A reply with every field given.
    public init(run: RunInfo?, rendered: String?) {
        self.run = run
        self.rendered = rendered
    }
}

/// `io.yeard.Checks.Diff` reply.
public struct CheckDiffReply: Codable, Sendable {
    /// The last run and the id of the one it is compared with.
    public var run: RunInfo, previous: Int64?
    /// Findings new since the previous run, and findings it had that are gone.
    public var new: [FindingInfo], resolved: [FindingInfo]
    /// A reply with every field given.
    public init(run: RunInfo, previous: Int64?, new: [FindingInfo], resolved: [FindingInfo]) {
        self.run = run
        self.previous = previous
        self.new = new
        self.resolved = resolved
    }
}

/// `io.yeard.Checks.Readiness` reply.
public struct ReadinessReply: Codable, Sendable {
    /// The findings of one check in a readiness report.
    public struct CheckCount: Codable, Sendable, Equatable {
        /// The check, its severity, its findings, whether it blocks.
        public var check: String, severity: Severity, count: Int, blocking: Bool
    }

    /// The findings of one class in a readiness report.
    public struct ClassCount: Codable, Sendable, Equatable {
        /// The class (absent: findings of no class).
        public var className: String?
        /// Its errors and warnings.
        public var errors: Int, warnings: Int

        enum CodingKeys: String, CodingKey {
            case errors, warnings
            case className = "class"
        }
    }

    /// Whether nothing blocks, what for, which year, and the run behind the report.
    public var ready: Bool, target: ReadinessTarget, year: String, run: RunInfo
    /// The error checks that block.
    public var blocking: [String]
    /// Counts by check and by class.
    public var byCheck: [CheckCount], byClass: [ClassCount]
    /// The report rendered, when a format was asked for.
    public var rendered: String?

    /// The wire form of a report made from `run`.
    public init(_ report: ReadinessReport, run: CheckRun, rendered: String?) {
        self.rendered = rendered
        ready = report.ready
        target = report.target
        year = run.year.label.description
        self.run = RunInfo(run)
        blocking = report.blocking
        byCheck = report.byCheck.map {
            CheckCount(
                check: $0.check, severity: $0.severity, count: $0.count,
                blocking: report.blocking.contains($0.check))
        }
        byClass = report.byClass.map { ClassCount(className: $0.className, errors: $0.errors, warnings: $0.warnings) }
    }
}
