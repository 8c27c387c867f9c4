/// How much a finding matters: errors stand between a year and its next state, warnings never block.
public enum Severity: String, ClosedSet, Comparable {
    case error, warning

    /// Errors before warnings.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
}

/// When a check applies: to the registry at any time, before a year starts, or before it closes.
public enum CheckPhase: String, ClosedSet {
    case always, start, close
}

/// What a readiness report is for: the `start` of a year, or its `close` (the rollover).
public enum ReadinessTarget: String, ClosedSet {
    case start, close

    /// The phases whose checks the report runs: the registry's always, plus the target's own.
    public var phases: Set<CheckPhase> { [.always, self == .start ? .start : .close] }
}

/// One check of the catalogue: what it means, how much it matters by default, and when it applies.
public struct CheckDefinition: Sendable, Hashable, Codable {
    /// The stable id (`student.no-class`): in configuration, on the wire, in reports and in `--accept`.
    public let id: String
    /// When the check applies.
    public let phase: CheckPhase
    /// Its severity unless configuration says otherwise.
    public let defaultSeverity: Severity
    /// The kind of entity its findings name (`student`, `class`, `teacher`, ...).
    public let entityKind: String
    /// What it finds, in one sentence for the coordinator.
    public let summary: String
}

/// The catalogue of data-quality checks (`../shared/domain.md` §7). The queries are in YearStore; this says what each
/// check means. Ids are stable: renaming one breaks configurations, accepted errors and the diff against old runs.
public enum CheckCatalogue {
    private static func check(
        _ id: String, _ phase: CheckPhase, _ severity: Severity, _ entity: String, _ summary: String
    ) -> CheckDefinition {
        CheckDefinition(id: id, phase: phase, defaultSeverity: severity, entityKind: entity, summary: summary)
    }

    /// Every check, in the order reports list them.
    public static let all: [CheckDefinition] = [
        check(
            "student.birth-date-missing", .always, .error, "student",
            "An active student has no birth date."),
        check(
            "student.age-implausible", .always, .warning, "student",
            "An active student's age on 1 September is outside grade+5 .. grade+8 (configurable)."),
        check(
            "student.duplicate", .always, .error, "student",
            "Two active students have the same names and birth date (ignoring case, spaces and ё/е)."),
        check(
            "student.no-class", .always, .error, "student",
            "A student of the school who has not left it is in no class of the year."),
        check(
            "student.multiple-classes", .always, .error, "student",
            "An active student is also in a class under another record (the same SNILS), here or at another school."),
        check(
            "application.age-out-of-range", .always, .warning, "application",
            "A first-grade applicant is not from 6 years 6 months to under 8 years old on 1 September of the year "
                + "applied for: admission needs the founder's permission (273-FZ art. 67)."),
        check(
            "student.no-guardian", .always, .error, "student", "An active student under 18 has no guardian."),
        check(
            "guardian.no-contact", .always, .warning, "guardian",
            "A guardian of an active student has neither a phone nor an email."),
        check(
            "guardian.phone-invalid", .always, .warning, "guardian",
            "A guardian's phone is not a number of 10 to 15 digits (spaces, dashes, brackets and a leading + allowed)."),
        check(
            "consent.missing", .always, .error, "student",
            "An active student has no signed, unwithdrawn consent to personal-data processing (152-FZ)."),
        check(
            "student.snils-invalid", .always, .error, "student", "An active student's SNILS fails its checksum."),
        check(
            "student.personal-file-missing", .always, .warning, "student",
            "An active student has no personal-file number (the book of movement's entry number)."),
        check("class.no-teacher", .always, .error, "class", "A class of the year has no class teacher."),
        check(
            "class.over-capacity", .always, .warning, "class",
            "A class has more students than its capacity (or the configured default capacity)."),
        check("class.empty", .always, .warning, "class", "A class of the year has no students."),
        check(
            "staff.duplicate", .always, .warning, "staff",
            "Two members of staff have the same names (ignoring case, spaces and ё/е)."),
        check(
            "curriculum.missing", .start, .error, "grade", "A grade has classes in the year and no curriculum."),
        check(
            "period.missing", .start, .error, "grade",
            "A grade has classes in the year and no study periods (quarters, trimesters or halves)."),
        check(
            "assignment.missing", .start, .error, "class",
            "A subject of a class's curriculum has no teacher assigned."),
        check(
            "assignment.orphan", .start, .warning, "class",
            "A teaching assignment is of a subject the class's curriculum lacks."),
        check(
            "schedule.hours-mismatch", .start, .warning, "class",
            "A class's weekly periods of a subject differ from the curriculum's hours."),
        check(
            "schedule.teacher-conflict", .start, .error, "teacher",
            "A teacher is timetabled in two classes in the same period."),
        check(
            "schedule.room-conflict", .start, .error, "room",
            "A room is timetabled for two classes in the same period."),
        check(
            "schedule.class-conflict", .start, .error, "class",
            "A class has two lessons in the same period (its groups may share one)."),
        check(
            "teacher.overload", .start, .warning, "teacher",
            "A teacher's load (the weekly curriculum hours of their assignments, each group on its own) exceeds "
                + "the configured maximum."),
        check(
            "grade.final-missing", .close, .error, "student",
            "An active student has no year grade of the subject's kind (a mark 2-5, or pass/fail for a pass/fail "
                + "subject) or exemption in a subject of their grade's curriculum; grade 1 is taught without marks."),
        check("decision.missing", .close, .error, "student", "An active student has no promotion decision."),
        check(
            "decision.inconsistent", .close, .error, "student",
            "A decision contradicts the grades or the grade: promoted or graduated with a failing year grade, "
                + "graduated outside a graduating grade, promoted from the last grade, conditional at a stage's end "
                + "(9 -> 10 needs the certificate), a target class of the wrong grade (promoted: the next, "
                + "retained: the same, adapted: at most the next)."),
        check(
            "decision.order-missing", .close, .error, "student",
            "A promotion decision has no pedagogical-council order number and date."),
        check(
            "decision.destination-missing", .close, .error, "student",
            "A transferred student's decision, or a transfer order of the year, names no destination school."),
        check(
            "movement.unbalanced", .close, .error, "class",
            "A class's count at the start of the year plus the arrivals minus the departures by orders is not its "
                + "count now."),
        check(
            "movement.order-missing", .close, .error, "student",
            "A student arrived in, left or changed a class during the year without an order."),
        check(
            "graduate.exam-admission", .close, .error, "student",
            "A student of a graduating grade is not admitted to the state exams: a year grade below 3 or a debt."),
        check(
            "graduate.certificate-missing", .close, .error, "student",
            "A student graduating, or going on after a stage's end (9 -> 10), has no certificate recorded (basic "
                + "after grade 9, secondary after 11)."),
        check(
            "debt.overdue", .always, .error, "student",
            "An academic debt carried into the year is not cleared by a passing retake, past its deadline or after "
                + "two failed retakes."),
        check(
            "decision.retained-without-basis", .close, .warning, "student",
            "A retained student has neither an uncleared academic debt nor the parents' statement behind it."),
    ]

    /// The definitions by id.
    public static let byID: [String: CheckDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The checks a readiness report for `target` runs, in catalogue order.
    public static func checks(for target: ReadinessTarget) -> [CheckDefinition] {
        all.filter { target.phases.contains($0.phase) }
    }

    /// The ids among `ids` that are not in the catalogue.
    public static func unknown(_ ids: some Sequence<String>) -> [String] {
        ids.filter { byID[$0] == nil }
    }

    /// Refuses, as an invalid `field`, ids that are not in the catalogue, naming them and where to look.
    public static func requireKnown(_ ids: some Sequence<String>, field: String) throws {
        let unknown = unknown(ids)
        guard unknown.isEmpty else {
            throw YearError.invalid(
                field, "unknown-check",
                ["checks": unknown.map { "'\($0)'" }.joined(separator: ", "), "count": String(unknown.count)])
        }
    }
}

extension CheckCatalogue {
    /// docs/checks.md, generated from the catalogue (a test keeps the file in step: regenerate it with
    /// `yeard --print-checks > docs/checks.md`).
    public static func markdownReference() -> String {
        var text = """
            # The check catalogue

            Generated from `Sources/YearCore/Checks/CheckCatalogue.swift` by `yeard --print-checks`; the queries are in
            `Sources/YearStore/CheckQueries.swift`, one set-based SQL statement each.

            Each check has a stable id (used in `[checks.severity]`, in `yearctl checks run --check ID`, in
            `yearctl request approve --accept ID` and in the diff between runs), a severity (an **error** blocks the
            transition its readiness report gates unless the coordinator accepts the check by name with a reason; a
            **warning** never blocks) and a phase:

            - **always**: the registry at any time; in both readiness reports;
            - **start**: before a year starts; `yearctl report readiness --for start` runs these and the registry's,
              and approving a year's start is refused while they find errors;
            - **close**: before a year closes; `--for close` runs these and the registry's (the year rollover is gated
              by this report).

            A finding names its check, severity, entity kind and entity id (the external id of the student,
            guardian, staff member, application, class, grade, teacher or room; with `/` and a subject or a weekday-period slot when
            one entity can have several findings of the check), the class it belongs to, and a sentence in plain words.
            "Active" students are those with an open enrollment in the year checked.

            Thresholds (`[checks]` in yeard.toml): `default_capacity` (30), `max_teacher_periods` (36),
            `age_offset_min` and `age_offset_max` (5 and 8), `adult_age` (18).

            """
        for phase in CheckPhase.allCases {
            let title =
                switch phase {
                case .always: "The registry, always"
                case .start: "Before a year starts"
                case .close: "Before a year closes"
                }
            text += "\n## \(title)\n\n| id | severity | entity | finds |\n|---|---|---|---|\n"
            for check in all where check.phase == phase {
                text +=
                    "| `\(check.id)` | \(check.defaultSeverity.rawValue) | \(check.entityKind) | \(check.summary) |\n"
            }
        }
        return text
    }
}
