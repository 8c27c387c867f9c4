/// Whether a year is ready for its next state: the findings of the checks that apply, grouped for people, and the
/// errors that block it. Warnings never block; an error check blocks unless the coordinator accepted it by name.
public struct ReadinessReport: Sendable, Equatable {
    /// The findings of one check.
    public struct CheckGroup: Sendable, Equatable {
        /// The check, its severity, how many findings it has, and whether the coordinator accepted it.
        public var check: String, severity: Severity, count: Int, accepted: Bool
    }

    /// The findings of one class (findings that belong to no class are grouped under nil).
    public struct ClassGroup: Sendable, Equatable {
        /// The class, or nil for findings of no class.
        public var className: String?
        /// How many errors and warnings the class has.
        public var errors: Int
        /// See `errors`.
        public var warnings: Int
    }

    /// What the report is for.
    public var target: ReadinessTarget
    /// The checks it ran.
    public var checks: [String]
    /// Every finding, in check order.
    public var findings: [Finding]
    /// Counts per check that found something, in catalogue order.
    public var byCheck: [CheckGroup]
    /// Counts per class, by class name (nil last).
    public var byClass: [ClassGroup]
    /// The error checks that block: they found something and were not accepted.
    public var blocking: [String]
    /// Whether nothing blocks.
    public var ready: Bool { blocking.isEmpty }

    /// The report over `findings` of a run of `checks`, with the error checks in `accepted` let through.
    public init(target: ReadinessTarget, checks: [String], findings: [Finding], accepted: Set<String> = []) {
        self.target = target
        self.checks = checks
        let order = Dictionary(uniqueKeysWithValues: CheckCatalogue.all.enumerated().map { ($1.id, $0) })
        self.findings = findings.sorted {
            (order[$0.check] ?? .max, $0.entityID) < (order[$1.check] ?? .max, $1.entityID)
        }
        var groups: [String: CheckGroup] = [:]
        for finding in findings {
            groups[
                finding.check,
                default: CheckGroup(
                    check: finding.check, severity: finding.severity, count: 0,
                    accepted: finding.severity == .error && accepted.contains(finding.check))
            ].count += 1
        }
        byCheck = groups.values.sorted { (order[$0.check] ?? .max) < (order[$1.check] ?? .max) }
        var classes: [String?: ClassGroup] = [:]
        for finding in findings {
            var group = classes[finding.className] ?? ClassGroup(className: finding.className, errors: 0, warnings: 0)
            if finding.severity == .error { group.errors += 1 } else { group.warnings += 1 }
            classes[finding.className] = group
        }
        byClass = classes.values.sorted { lhs, rhs in
            switch (lhs.className, rhs.className) {
            case (let left?, let right?): ClassOrder.precedes(left, right)
            case (nil, _): false
            case (_, nil): true
            }
        }
        blocking = byCheck.filter { $0.severity == .error && !$0.accepted }.map(\.check)
    }

    /// The number of findings of `severity`.
    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
}

/// Class names in the order people expect: by grade as a number (2А before 10А), then by letter.
public enum ClassOrder {
    /// Whether `left` comes before `right`.
    public static func precedes(_ left: String, _ right: String) -> Bool {
        let leftGrade = Int(left.prefix { $0.isNumber }) ?? .max
        let rightGrade = Int(right.prefix { $0.isNumber }) ?? .max
        return leftGrade != rightGrade ? leftGrade < rightGrade : left < right
    }
}
