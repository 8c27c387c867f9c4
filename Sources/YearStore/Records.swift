import Foundation
import GRDB
import YearCore

// The stored rows that are read whole, as GRDB records: each names its table and columns once (`Columns`), and
// decodes into the domain value. The set-based statements (imports, checks, the rollover) stay plain SQL.

/// A row of `academic_year`, read into an `AcademicYear`.
struct StoredYear: FetchableRecord, TableRecord {
    static let databaseTableName = "academic_year"

    enum Columns {
        static let id = Column("id"), school = Column("school_id"), label = Column("label")
        static let startDate = Column("start_date"), endDate = Column("end_date"), state = Column("state")
        static let version = Column("version"), gradeEnds = Column("grade_ends")
    }

    static var databaseSelection: [any SQLSelectable] {
        [
            Columns.id, Columns.school, Columns.label, Columns.startDate, Columns.endDate, Columns.state,
            Columns.version, Columns.gradeEnds,
        ]
    }

    let year: AcademicYear

    init(row: Row) throws {
        let label: String = row[Columns.label]
        let start: String = row[Columns.startDate]
        let end: String = row[Columns.endDate]
        let state: String = row[Columns.state]
        guard let yearLabel = YearLabel(label), let startDate = CalendarDate(iso: start),
            let endDate = CalendarDate(iso: end), let yearState = YearState(rawValue: state),
            let gradeEnds = [Int: CalendarDate](canonicalGradeEnds: row[Columns.gradeEnds])
        else { throw YearError.internalFailure(reason: "stored year \(row[Columns.id] as Int64) is unreadable") }
        year = AcademicYear(
            id: row[Columns.id], school: row[Columns.school], label: yearLabel, startDate: startDate,
            endDate: endDate, state: yearState, version: row[Columns.version], gradeEnds: gradeEnds)
    }
}

/// A row of `approval_request`, read into an `ApprovalRequest`.
struct StoredRequest: FetchableRecord, TableRecord {
    static let databaseTableName = "approval_request"

    enum Columns {
        static let id = Column("id"), school = Column("school_id"), payload = Column("payload")
        static let payloadHash = Column("payload_hash"), yearVersion = Column("year_version")
        static let requesterUID = Column("requester_uid"), requesterName = Column("requester_name")
        static let createdAt = Column("created_at"), expiresAt = Column("expires_at"), status = Column("status")
        static let deciderUID = Column("decider_uid"), deciderName = Column("decider_name")
        static let decidedAt = Column("decided_at"), decisionReason = Column("decision_reason")
    }

    static var databaseSelection: [any SQLSelectable] {
        [
            Columns.id, Columns.payload, Columns.payloadHash, Columns.yearVersion, Columns.requesterUID,
            Columns.requesterName, Columns.createdAt, Columns.expiresAt, Columns.status, Columns.deciderUID,
            Columns.deciderName, Columns.decidedAt, Columns.decisionReason,
        ]
    }

    let request: ApprovalRequest

    init(row: Row) throws {
        let text: String = row[Columns.payload]
        let status: String = row[Columns.status]
        guard let value = JSONValue.parseCanonical(text), let payload = TransitionPayload(canonical: value),
            let requestStatus = RequestStatus(rawValue: status)
        else { throw YearError.internalFailure(reason: "stored request \(row[Columns.id] as Int64) is unreadable") }
        let decidedAt: String? = row[Columns.decidedAt]
        let deciderUID: Int64? = row[Columns.deciderUID]
        request = ApprovalRequest(
            id: row[Columns.id], payload: payload, payloadText: text, payloadHash: row[Columns.payloadHash],
            yearVersion: row[Columns.yearVersion],
            requesterUID: UInt32(truncatingIfNeeded: row[Columns.requesterUID] as Int64),
            requesterName: row[Columns.requesterName], createdAt: StoredTime.date(row[Columns.createdAt]),
            expiresAt: StoredTime.date(row[Columns.expiresAt]), status: requestStatus,
            deciderUID: deciderUID.map { UInt32(truncatingIfNeeded: $0) }, deciderName: row[Columns.deciderName],
            decidedAt: decidedAt.map(StoredTime.date), decisionReason: row[Columns.decisionReason])
    }
}

/// A row of `audit_log`: read into an `AuditEntry`, and written from one.
struct StoredAuditRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit_log"

    enum Columns {
        static let sequence = Column("seq"), at = Column("at"), uid = Column("uid"), userName = Column("user_name")
        static let role = Column("role"), school = Column("school_id"), action = Column("action")
        static let target = Column("target"), details = Column("details"), previousHash = Column("prev_hash")
        static let hash = Column("hash")
    }

    static var databaseSelection: [any SQLSelectable] {
        [
            Columns.sequence, Columns.at, Columns.uid, Columns.userName, Columns.role, Columns.school,
            Columns.action, Columns.target, Columns.details, Columns.previousHash, Columns.hash,
        ]
    }

    let entry: AuditEntry

    init(_ entry: AuditEntry) { self.entry = entry }

    init(row: Row) {
        entry = AuditEntry(
            sequence: row[Columns.sequence], at: row[Columns.at], uid: row[Columns.uid],
            userName: row[Columns.userName], role: row[Columns.role], school: row[Columns.school],
            action: row[Columns.action], target: row[Columns.target], details: row[Columns.details],
            previousHash: row[Columns.previousHash], hash: row[Columns.hash])
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.sequence] = entry.sequence
        container[Columns.at] = entry.at
        container[Columns.uid] = entry.uid
        container[Columns.userName] = entry.userName
        container[Columns.role] = entry.role
        container[Columns.school] = entry.school
        container[Columns.action] = entry.action
        container[Columns.target] = entry.target
        container[Columns.details] = entry.details
        container[Columns.previousHash] = entry.previousHash
        container[Columns.hash] = entry.hash
    }
}

/// A row of `school`, read into a `School` (nil when a stored value no longer reads: a school the configuration
/// will write again).
struct StoredSchool: FetchableRecord, TableRecord {
    static let databaseTableName = "school"

    enum Columns {
        static let id = Column("id"), name = Column("name"), timeZone = Column("time_zone")
        static let firstGrade = Column("first_grade"), lastGrade = Column("last_grade")
        static let graduatingGrades = Column("graduating_grades"), defaultStart = Column("default_start")
        static let defaultEnd = Column("default_end"), startSkipsSunday = Column("start_skips_sunday")
        static let gradeEnds = Column("grade_ends"), configured = Column("configured")
    }

    /// The school's id.
    let id: String
    /// The school, if its stored values read.
    let school: School?
    /// Whether the configuration in force names it.
    let configured: Bool

    init(row: Row) {
        id = row[Columns.id]
        configured = row[Columns.configured]
        let grades: String = row[Columns.graduatingGrades]
        guard let start = MonthDay(row[Columns.defaultStart]), let end = MonthDay(row[Columns.defaultEnd]),
            case .array(let values)? = JSONValue.parseCanonical(grades)
        else {
            school = nil
            return
        }
        let graduating = values.compactMap { value -> Int? in
            if case .int(let grade) = value { return Int(grade) }
            return nil
        }
        var gradeEnds: [Int: MonthDay] = [:]
        if case .object(let members)? = JSONValue.parseCanonical((row[Columns.gradeEnds] as String?) ?? "{}") {
            for (key, value) in members {
                if let grade = Int(key), case .string(let text) = value, let day = MonthDay(text) {
                    gradeEnds[grade] = day
                }
            }
        }
        school = School(
            id: id, name: row[Columns.name], timeZone: row[Columns.timeZone],
            firstGrade: row[Columns.firstGrade], lastGrade: row[Columns.lastGrade], graduatingGrades: graduating,
            defaultStart: start, defaultEnd: end, startSkipsSunday: row[Columns.startSkipsSunday],
            gradeEnds: gradeEnds)
    }
}

/// A rollover's state is stored as its text (the column's CHECK holds it to these).
extension RolloverState: DatabaseValueConvertible {}
