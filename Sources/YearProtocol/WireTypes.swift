import Foundation
import YearCore

/// A year as the wire carries it (`io.yeard.Year.Year`).
public struct YearInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var id: Int64, school: String, label: String, startDate: String, endDate: String, state: YearState,
        version: Int64, gradeEnds: [GradeEndInfo]

    /// The wire form of a stored year.
    public init(_ year: AcademicYear) {
        id = year.id
        school = year.school
        label = year.label.description
        startDate = year.startDate.description
        endDate = year.endDate.description
        state = year.state
        version = year.version
        gradeEnds = year.gradeEnds.sorted { $0.key < $1.key }.map {
            GradeEndInfo(grade: $0.key, endDate: $0.value.description)
        }
    }
}

/// A grade's own last day on the wire (`io.yeard.Year.GradeEnd`).
public struct GradeEndInfo: Codable, Sendable, Equatable {
    /// The grade and its last day, YYYY-MM-DD.
    public var grade: Int, endDate: String
    /// A grade end with every field given.
    public init(grade: Int, endDate: String) {
        self.grade = grade
        self.endDate = endDate
    }
}

/// A school as the wire carries it (`io.yeard.Year.School`).
public struct SchoolInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var id: String, name: String, timeZone: String, firstGrade: Int, lastGrade: Int, graduatingGrades: [Int]
    /// The roles the caller holds at this school.
    public var yourRoles: [Role]

    /// The wire form of a configured school, with the caller's roles there.
    public init(_ school: School, roles: Set<Role>) {
        id = school.id
        name = school.name
        timeZone = school.timeZone
        firstGrade = school.firstGrade
        lastGrade = school.lastGrade
        graduatingGrades = school.graduatingGrades
        yourRoles = roles.sorted()
    }
}

/// One school's line of `Status`.
public struct SchoolStatus: Codable, Sendable, Equatable {
    /// The school.
    public var id: String, name: String
    /// The year in progress or closing, if any, and the years being prepared.
    public var activeYear: YearInfo?, openYears: [YearInfo]
    /// How many requests wait for a decision.
    public var pendingRequests: Int

    /// A line with every field given.
    public init(id: String, name: String, activeYear: YearInfo?, openYears: [YearInfo], pendingRequests: Int) {
        self.id = id
        self.name = name
        self.activeYear = activeYear
        self.openYears = openYears
        self.pendingRequests = pendingRequests
    }
}

/// A request as the wire carries it (`io.yeard.Approval.Request`).
public struct RequestInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var id: Int64, school: String, year: Int64, yearLabel: String, event: YearEvent, from: YearState,
        to: YearState,
        reason: String, payloadHash: String, yearVersion: Int64, requesterUid: Int64, requester: String,
        createdAt: String, expiresAt: String, status: RequestStatus
    /// The decision, once there is one.
    public var deciderUid: Int64?, decider: String?, decidedAt: String?, decisionReason: String?
    /// What a rollover's request is bound to (absent for other requests).
    public var rollover: RolloverRequestInfo?

    /// The wire form of a stored request, with its status as seen at `now`.
    public init(_ request: ApprovalRequest, now: Date) {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        id = request.id
        school = request.payload.school
        year = request.payload.yearID
        yearLabel = request.payload.yearLabel
        event = request.payload.event
        from = request.payload.from
        to = request.payload.to
        reason = request.payload.reason
        payloadHash = request.payloadHash
        yearVersion = request.yearVersion
        requesterUid = Int64(request.requesterUID)
        requester = request.requesterName
        createdAt = style.format(request.createdAt)
        expiresAt = style.format(request.expiresAt)
        status = request.effectiveStatus(at: now)
        deciderUid = request.deciderUID.map { Int64($0) }
        decider = request.deciderName
        decidedAt = request.decidedAt.map { style.format($0) }
        decisionReason = request.decisionReason
        rollover = request.payload.rollover.map {
            RolloverRequestInfo(
                planHash: $0.planHash, rollover: $0.rolloverID, toYear: $0.toYear, summary: $0.summary, notes: $0.notes)
        }
    }
}

/// `io.yeard.Approval.RolloverRequest`: what a rollover's request is bound to.
public struct RolloverRequestInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var planHash: String, rollover: Int64?, toYear: String, summary: [String]
    /// The summary's lines to be said in the client's language (absent for a request filed before they were kept).
    public var notes: [Note]?
}

/// An audit row as the wire carries it (`io.yeard.Audit.Entry`).
public struct AuditEntryInfo: Codable, Sendable, Equatable {
    /// Fields as in the interface description.
    public var seq: Int64, at: String, uid: Int64, user: String, role: String, school: String?, action: String,
        target: String, details: String, prevHash: String, hash: String

    /// The wire form of a stored audit row.
    public init(_ entry: AuditEntry) {
        seq = entry.sequence
        at = entry.at
        uid = entry.uid
        user = entry.userName
        role = entry.role
        school = entry.school
        action = entry.action
        target = entry.target
        details = entry.details
        prevHash = entry.previousHash
        hash = entry.hash
    }
}
