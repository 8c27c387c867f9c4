import Foundation
import GRDB
import YearCore

/// Decoding of stored rows into domain values. The SQL names its columns; these functions only read them.
enum Records {
    static let yearColumns = "id, school_id, label, start_date, end_date, state, version, grade_ends"
    static let requestColumns = """
        id, payload, payload_hash, year_version, requester_uid, requester_name, created_at, expires_at, status,
        decider_uid, decider_name, decided_at, decision_reason
        """
    static let auditColumns = "seq, at, uid, user_name, role, school_id, action, target, details, prev_hash, hash"

    static func year(_ row: Row) throws -> AcademicYear {
        let label: String = row["label"]
        let start: String = row["start_date"]
        let end: String = row["end_date"]
        let state: String = row["state"]
        guard let yearLabel = YearLabel(label), let startDate = CalendarDate(iso: start),
            let endDate = CalendarDate(iso: end), let yearState = YearState(rawValue: state),
            let gradeEnds = [Int: CalendarDate](canonicalGradeEnds: row["grade_ends"])
        else { throw YearError.internalFailure(reason: "stored year \(row["id"] as Int64) is unreadable") }
        return AcademicYear(
            id: row["id"], school: row["school_id"], label: yearLabel, startDate: startDate, endDate: endDate,
            state: yearState, version: row["version"], gradeEnds: gradeEnds)
    }

    static func request(_ row: Row) throws -> ApprovalRequest {
        let text: String = row["payload"]
        let status: String = row["status"]
        guard let value = JSONValue.parseCanonical(text), let payload = TransitionPayload(canonical: value),
            let requestStatus = RequestStatus(rawValue: status)
        else { throw YearError.internalFailure(reason: "stored request \(row["id"] as Int64) is unreadable") }
        let decidedAt: String? = row["decided_at"]
        let deciderUID: Int64? = row["decider_uid"]
        return ApprovalRequest(
            id: row["id"], payload: payload, payloadText: text, payloadHash: row["payload_hash"],
            yearVersion: row["year_version"], requesterUID: UInt32(truncatingIfNeeded: row["requester_uid"] as Int64),
            requesterName: row["requester_name"], createdAt: StoredTime.date(row["created_at"]),
            expiresAt: StoredTime.date(row["expires_at"]), status: requestStatus,
            deciderUID: deciderUID.map { UInt32(truncatingIfNeeded: $0) }, deciderName: row["decider_name"],
            decidedAt: decidedAt.map(StoredTime.date), decisionReason: row["decision_reason"])
    }

    static func audit(_ row: Row) -> AuditEntry {
        AuditEntry(
            sequence: row["seq"], at: row["at"], uid: row["uid"], userName: row["user_name"], role: row["role"],
            school: row["school_id"], action: row["action"], target: row["target"], details: row["details"],
            previousHash: row["prev_hash"], hash: row["hash"])
    }

    static func school(_ row: Row) -> School? {
        let grades: String = row["graduating_grades"]
        guard let start = MonthDay(row["default_start"]), let end = MonthDay(row["default_end"]),
            case .array(let values)? = JSONValue.parseCanonical(grades)
        else { return nil }
        let graduating = values.compactMap { value -> Int? in
            if case .int(let grade) = value { return Int(grade) }
            return nil
        }
        var gradeEnds: [Int: MonthDay] = [:]
        if case .object(let members)? = JSONValue.parseCanonical((row["grade_ends"] as String?) ?? "{}") {
            for (key, value) in members {
                if let grade = Int(key), case .string(let text) = value, let day = MonthDay(text) {
                    gradeEnds[grade] = day
                }
            }
        }
        return School(
            id: row["id"], name: row["name"], timeZone: row["time_zone"], firstGrade: row["first_grade"],
            lastGrade: row["last_grade"], graduatingGrades: graduating, defaultStart: start, defaultEnd: end,
            startSkipsSunday: row["start_skips_sunday"], gradeEnds: gradeEnds)
    }
}

/// A rollover's state is stored as its text (the column's CHECK holds it to these).
extension RolloverState: DatabaseValueConvertible {}
