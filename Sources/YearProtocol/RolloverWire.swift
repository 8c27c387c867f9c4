import Foundation
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
    public var studentID: String, name: String, outcome: PromotionOutcome?, fromClass: String, toClass: String?,
        reason: String?, debts: String?, deadline: String?, orderKind: OrderKind?, lastDay: String?

    enum CodingKeys: String, CodingKey {
        case name, outcome, reason, debts, deadline
        case studentID = "student_id"
        case fromClass = "from_class"
        case toClass = "to_class"
        case orderKind = "order_kind"
        case lastDay = "last_day"
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
        try container.encode(orderKind, forKey: .orderKind)
        try container.encode(lastDay, forKey: .lastDay)
    }
}

/// One class of the new year (`io.yeard.Rollover.PlanNewClass`).
public struct PlanNewClassInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var name: String, source: String?, existing: Bool, profile: String?, classType: String?,
        classTeacherID: String?, capacity: Int?, students: Int
    /// The class teacher's name as the staff file gives it (absent: no class teacher, or one the staff lacks).
    public var classTeacher: String?

    enum CodingKeys: String, CodingKey {
        case name, source, existing, profile, capacity, students
        case classType = "class_type"
        case classTeacherID = "class_teacher_id"
        case classTeacher = "class_teacher"
    }

    /// Every key is written, absent values as null (the JSON is a public contract).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(source, forKey: .source)
        try container.encode(existing, forKey: .existing)
        try container.encode(profile, forKey: .profile)
        try container.encode(classType, forKey: .classType)
        try container.encode(classTeacherID, forKey: .classTeacherID)
        try container.encode(classTeacher, forKey: .classTeacher)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(students, forKey: .students)
    }
}

/// One accepted first-grade application (`io.yeard.Rollover.PlanAdmission`).
public struct PlanAdmissionInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var applicationID: String, name: String, toClass: String?, reason: String?

    enum CodingKeys: String, CodingKey {
        case name, reason
        case applicationID = "application_id"
        case toClass = "to_class"
    }

    /// Every key is written, absent values as null (the JSON is a public contract).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(applicationID, forKey: .applicationID)
        try container.encode(name, forKey: .name)
        try container.encode(toClass, forKey: .toClass)
        try container.encode(reason, forKey: .reason)
    }
}

/// `io.yeard.Rollover.Plan` reply.
public struct RolloverPlanReply: Codable, Sendable {
    /// The school, the years, the new year's dates and the plan's hash.
    public var school: String, fromYear: String, toYear: String, toStart: String, toEnd: String, planHash: String
    /// Students per outcome (`none`: no decision), and what the plan does in sentences.
    public var summary: [String: Int], lines: [String]
    /// Every old class and where it goes; the new year's classes.
    public var classes: [PlanClassInfo], newClasses: [PlanNewClassInfo]
    /// Every student's line and every accepted first-grade application's.
    public var students: [PlanStudentInfo], admissions: [PlanAdmissionInfo]
    /// The carry-over switches.
    public var carry: [String: Bool]
    /// Every error of the plan, and how many; what does not block it but the school answers for.
    public var errors: [String], problems: Int, warnings: [String]
    /// The errors, the warnings and the summary's lines as notes, to be said in the client's language.
    public var errorNotes: [Note], warningNotes: [Note], lineNotes: [Note]

    enum CodingKeys: String, CodingKey {
        case school, summary, lines, classes, students, admissions, carry, errors, problems, warnings
        case errorNotes = "error_notes"
        case warningNotes = "warning_notes"
        case lineNotes = "line_notes"
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
        // Each set of notes is made once (a plan's computed properties build them anew on every read) and said
        // in English from there.
        lineNotes = plan.summaryNotes
        lines = lineNotes.map(\.english)
        classes = plan.classes.map { PlanClassInfo(from: $0.from, to: $0.to, students: $0.students) }
        newClasses = plan.newClasses.map {
            PlanNewClassInfo(
                name: $0.name, source: $0.source, existing: $0.existing, profile: $0.attributes.profile,
                classType: $0.attributes.classType, classTeacherID: $0.attributes.teacherID,
                capacity: $0.attributes.capacity, students: $0.students,
                classTeacher: $0.attributes.teacherID.flatMap(plan.staffName))
        }
        students = plan.students.map {
            PlanStudentInfo(
                studentID: $0.studentID, name: $0.name, outcome: $0.outcome, fromClass: $0.fromClass,
                toClass: $0.toClass, reason: $0.reason, debts: $0.debts, deadline: $0.deadline,
                orderKind: $0.orderKind, lastDay: $0.lastDay?.description)
        }
        admissions = plan.admissions.map {
            PlanAdmissionInfo(applicationID: $0.applicationID, name: $0.name, toClass: $0.toClass, reason: $0.reason)
        }
        carry = Dictionary(uniqueKeysWithValues: plan.carry.named)
        errorNotes = plan.errorNotes
        errors = errorNotes.map(\.english)
        problems = errors.count
        warningNotes = plan.warningNotes
        warnings = warningNotes.map(\.english)
    }
}

/// `io.yeard.Rollover.Map`.
public struct RolloverMapParameters: MethodParameters {
    /// The school, the year (default: the active one), the old class and the new one (nil: remove the override).
    public var school: String?, year: String?, from: String, to: String?
    /// In a merge, the old class whose class teacher, profile and assignments the class `to` keeps.
    public var teacherFrom: String?
    /// Parameters with every field given.
    public init(school: String?, year: String?, from: String, to: String?, teacherFrom: String? = nil) {
        self.teacherFrom = teacherFrom
        self.school = school
        self.year = year
        self.from = from
        self.to = to
    }
}

/// `io.yeard.Rollover.Map` reply.
public struct RolloverMapReply: Codable, Sendable {
    /// Every override of the year, old class -> new class.
    public var overrides: [String: String]
    /// A reply with every field given.
    public init(overrides: [String: String]) { self.overrides = overrides }
}

/// `io.yeard.Rollover.Request` and `io.yeard.Rollover.Undo`.
public struct RolloverRequestParameters: MethodParameters {
    /// The school, the year (default: the active one; for an undo, the latest rolled-over one) and the reason.
    public var school: String?, year: String?, reason: String?
    /// Parameters with every field given.
    public init(school: String?, year: String?, reason: String?) {
        self.school = school
        self.year = year
        self.reason = reason
    }
}

/// An applied or undone rollover (`io.yeard.Rollover.Rollover`).
public struct RolloverInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var id: Int64, school: String, fromYear: Int64, toYear: String, toYearID: Int64?, request: Int64,
        planHash: String, state: RolloverState, appliedAt: String, undoneAt: String?, summary: [String]

    enum CodingKeys: String, CodingKey {
        case id, school, request, state, summary
        case fromYear = "from_year"
        case toYear = "to_year"
        case toYearID = "to_year_id"
        case planHash = "plan_hash"
        case appliedAt = "applied_at"
        case undoneAt = "undone_at"
    }

    /// The wire form of a stored rollover.
    public init(_ record: RolloverRecord) {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        id = record.id
        school = record.school
        fromYear = record.fromYearID
        toYear = record.toYear
        toYearID = record.toYearID
        request = record.requestID
        planHash = record.planHash
        state = record.state
        appliedAt = style.format(record.appliedAt)
        undoneAt = record.undoneAt.map { style.format($0) }
        summary = record.summary
    }
}

/// `io.yeard.Rollover.List` reply.
public struct RolloverListReply: Codable, Sendable {
    /// The rollovers, newest first.
    public var rollovers: [RolloverInfo]
    /// A reply with every field given.
    public init(rollovers: [RolloverInfo]) { self.rollovers = rollovers }
}
