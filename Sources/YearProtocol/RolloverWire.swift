import YearCore

/// `io.yeard.Rollover.Plan`.
public struct RolloverPlanParameters: MethodParameters {
    /// The school and the year to roll over (default: the school's active year).
    public var school: String?, year: String?
    /// Parameters with every field given.
    public init(school: String?, year: String?) {
        self.school = school
        self.year = year
    }
}

/// One old class of a plan (`io.yeard.Rollover.PlanClass`).
public struct PlanClassInfo: Codable, Sendable, Equatable {
    /// The old class, the new one (null: it closes), and the students who follow it.
    public var from: String, to: String?, students: Int

    enum CodingKeys: String, CodingKey { case from, to, students }

    /// Every key is written, `to` as null for a class that closes (the JSON is a public contract).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(students, forKey: .students)
    }
}

/// One student's line of a plan (`io.yeard.Rollover.PlanStudent`); the field names are the public contract of
/// `yearctl rollover plan --json`.
public struct PlanStudentInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var studentID: String, name: String, outcome: String?, fromClass: String, toClass: String?,
        reason: String?, debts: String?, deadline: String?

    enum CodingKeys: String, CodingKey {
        case name, outcome, reason, debts, deadline
        case studentID = "student_id"
        case fromClass = "from_class"
        case toClass = "to_class"
    }

    /// Every key is written, absent values as null (the JSON is a public contract).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(studentID, forKey: .studentID)
        try container.encode(name, forKey: .name)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(fromClass, forKey: .fromClass)
        try container.encode(toClass, forKey: .toClass)
        try container.encode(reason, forKey: .reason)
        try container.encode(debts, forKey: .debts)
        try container.encode(deadline, forKey: .deadline)
    }
}

/// `io.yeard.Rollover.Plan` reply.
public struct RolloverPlanReply: Codable, Sendable {
    /// The school, the years, the new year's dates and the plan's hash.
    public var school: String, fromYear: String, toYear: String, toStart: String, toEnd: String, planHash: String
    /// Students per outcome (`none`: no decision).
    public var summary: [String: Int]
    /// Every old class and where it goes; the new year's classes.
    public var classes: [PlanClassInfo], newClasses: [String]
    /// Every student's line, and how many cannot be placed.
    public var students: [PlanStudentInfo], problems: Int

    enum CodingKeys: String, CodingKey {
        case school, summary, classes, students, problems
        case fromYear = "from_year"
        case toYear = "to_year"
        case toStart = "to_start"
        case toEnd = "to_end"
        case planHash = "plan_hash"
        case newClasses = "new_classes"
    }

    /// The wire form of a plan.
    public init(_ plan: RolloverPlan) {
        school = plan.school
        fromYear = plan.fromYear.description
        toYear = plan.toYear.description
        toStart = plan.toStart.description
        toEnd = plan.toEnd.description
        planHash = plan.hash
        summary = plan.outcomeCounts
        classes = plan.classes.map { PlanClassInfo(from: $0.from, to: $0.to, students: $0.students) }
        newClasses = plan.newYearClasses
        students = plan.students.map {
            PlanStudentInfo(
                studentID: $0.studentID, name: $0.name, outcome: $0.outcome?.rawValue, fromClass: $0.fromClass,
                toClass: $0.toClass, reason: $0.reason, debts: $0.debts, deadline: $0.deadline)
        }
        problems = plan.problems.count
    }
}
