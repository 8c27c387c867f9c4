/// How the checks are tuned: severities changed from their defaults, and the thresholds some checks compare with.
public struct CheckSettings: Sendable, Hashable, Codable {
    /// Severities that differ from the catalogue's defaults, by check id.
    public var severities: [String: Severity]
    /// `student.age-implausible`: the youngest and the oldest plausible age on 1 September, as grade + offset.
    public var ageOffsetMin: Int, ageOffsetMax: Int
    /// `class.over-capacity`: the capacity of a class that records none.
    public var defaultCapacity: Int
    /// `teacher.overload`: the most periods a week a teacher may be timetabled for.
    public var maxTeacherPeriods: Int
    /// `student.no-guardian`: the age from which a student needs no guardian.
    public var adultAge: Int

    /// The catalogue's defaults: ages grade+5 .. grade+8, capacity 30, 36 periods, adults from 18.
    public init(
        severities: [String: Severity] = [:], ageOffsetMin: Int = 5, ageOffsetMax: Int = 8, defaultCapacity: Int = 30,
        maxTeacherPeriods: Int = 36, adultAge: Int = 18
    ) {
        self.severities = severities
        self.ageOffsetMin = ageOffsetMin
        self.ageOffsetMax = ageOffsetMax
        self.defaultCapacity = defaultCapacity
        self.maxTeacherPeriods = maxTeacherPeriods
        self.adultAge = adultAge
    }

    /// The severity `check` has under these settings.
    public func severity(of check: CheckDefinition) -> Severity {
        severities[check.id] ?? check.defaultSeverity
    }
}
