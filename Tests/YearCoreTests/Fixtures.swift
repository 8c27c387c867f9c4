import Foundation
import YearCore

/// Values the core tests share.
enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func year(
        id: Int64 = 1, school: String = "school-a", state: YearState = .open, version: Int64 = 1, startYear: Int = 2026
    ) -> AcademicYear {
        AcademicYear(
            id: id, school: school, label: YearLabel(startYear: startYear),
            startDate: CalendarDate(year: startYear, month: 9, day: 1)!,
            endDate: CalendarDate(year: startYear + 1, month: 5, day: 31)!, state: state, version: version)
    }

    static func request(
        for year: AcademicYear, event: YearEvent = .start, to: YearState = .inProgress, requester: UInt32 = 1001,
        status: RequestStatus = .pending, reason: String = "lessons begin", lifetime: TimeInterval = 72 * 3600
    ) -> ApprovalRequest {
        let payload = TransitionPayload(
            school: year.school, yearID: year.id, yearLabel: year.label.description, event: event, from: year.state,
            to: to, reason: reason)
        let text = payload.canonical.canonicalText
        return ApprovalRequest(
            id: 7, payload: payload, payloadText: text, payloadHash: Digest.sha256Hex(text), yearVersion: year.version,
            requesterUID: requester, requesterName: "admin", createdAt: t0, expiresAt: t0.addingTimeInterval(lifetime),
            status: status)
    }
}
