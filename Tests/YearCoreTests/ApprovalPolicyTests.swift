import Foundation
import Testing
import YearCore

@Suite("Two-person approval")
struct ApprovalPolicyTests {
    let year = Fixtures.year()
    let coordinator: UInt32 = 2002

    func approve(
        _ request: ApprovalRequest, by uid: UInt32 = 2002, roles: Set<Role> = [.coordinator], shownHash: String? = nil,
        year: AcademicYear? = nil, now: Date = Fixtures.t0.addingTimeInterval(60)
    ) -> Result<Transition, YearError> {
        ApprovalPolicy.decideApproval(
            of: request, by: uid, approverRoles: roles, shownHash: shownHash, year: year ?? self.year, otherYears: [],
            now: now)
    }

    @Test("a different coordinator approves exactly what was requested")
    func approves() throws {
        let request = Fixtures.request(for: year)
        let row = try approve(request, shownHash: request.payloadHash).get()
        #expect(row.from == .open && row.to == .inProgress)
    }

    @Test("the requester cannot approve their own request, whatever roles they hold")
    func selfApprovalRefused() {
        let request = Fixtures.request(for: year, requester: 2002)
        #expect(throws: YearError.selfApproval(id: 7)) {
            try approve(request, by: 2002, roles: [.coordinator, .admin]).get()
        }
    }

    @Test("without the coordinator role, approval is refused naming the role; root is no exception")
    func needsCoordinator() {
        let request = Fixtures.request(for: year)
        for (uid, roles) in [(UInt32(2002), Set<Role>([.admin, .auditor])), (0, [])] {
            #expect(throws: YearError.permissionDenied(method: "approve", required: [.coordinator], school: "school-a"))
            {
                try approve(request, by: uid, roles: roles).get()
            }
        }
    }

    @Test("an expired request is refused", arguments: [0.0, 1.0, 3600.0])
    func expiredRefused(after: TimeInterval) {
        let request = Fixtures.request(for: year, lifetime: 3600)
        let now = request.expiresAt.addingTimeInterval(after)
        #expect(throws: YearError.requestNotPending(id: 7, status: .expired)) { try approve(request, now: now).get() }
    }

    @Test(
        "cancelled, rejected, expired or already used requests are refused",
        arguments: [RequestStatus.cancelled, .rejected, .approved, .expired])
    func decidedRefused(status: RequestStatus) {
        let request = Fixtures.request(for: year, status: status)
        #expect(throws: YearError.requestNotPending(id: 7, status: status)) { try approve(request).get() }
    }

    @Test("a request whose year changed since is refused")
    func versionChanged() {
        let request = Fixtures.request(for: year)
        var moved = year
        moved.version = 2
        #expect(throws: YearError.yearChanged(id: 7, requestedVersion: 1, currentVersion: 2)) {
            try approve(request, year: moved).get()
        }
    }

    @Test("a stored payload that no longer matches its hash is refused")
    func tamperedPayload() {
        var request = Fixtures.request(for: year)
        request.payloadText = request.payloadText.replacingOccurrences(of: "lessons begin", with: "lessons end")
        guard case .failure(.payloadMismatch) = approve(request) else {
            Issue.record("must be refused")
            return
        }
    }

    @Test("a table whose row now leads elsewhere than the request said refuses the approval")
    func rowMovedSinceTheRequest() {
        let request = Fixtures.request(for: year)
        let moved = TransitionTable(rows: [
            Transition(
                from: .open, event: .start, to: .closing, requestedBy: .admin, approvedBy: .coordinator, guards: [])
        ])
        let result = ApprovalPolicy.decideApproval(
            of: request, by: coordinator, approverRoles: [.coordinator], shownHash: nil, year: year, otherYears: [],
            now: Fixtures.t0, table: moved)
        guard case .failure(.transitionNotAllowed) = result else {
            Issue.record("must be refused: \(result)")
            return
        }
    }

    @Test("an approval bound to another hash than the stored one is refused")
    func shownHashMismatch() {
        let request = Fixtures.request(for: year)
        let other = String(repeating: "a", count: 64)
        #expect(throws: YearError.payloadMismatch(id: 7, expected: other, actual: request.payloadHash)) {
            try approve(request, shownHash: other).get()
        }
    }

    @Test("a coordinator of another school holds no role at this one")
    func otherSchoolsCoordinator() {
        let policy = AccessPolicy(grants: [
            RoleGrant(role: .coordinator, subject: .user("coord-b"), school: "school-b")
        ])
        let caller = Caller(uid: 3003, gid: 3003, userName: "coord-b")
        let request = Fixtures.request(for: year)
        let roles = policy.roles(of: caller, at: "school-a")
        #expect(roles.isEmpty)
        guard case .failure(.permissionDenied) = approve(request, by: 3003, roles: roles) else {
            Issue.record("must be refused")
            return
        }
    }

    @Test("the guards are checked again at execution")
    func guardRecheckedAtExecution() {
        let request = Fixtures.request(for: year)
        let result = ApprovalPolicy.decideApproval(
            of: request, by: coordinator, approverRoles: [.coordinator], shownHash: nil, year: year,
            otherYears: [Fixtures.year(id: 9, state: .inProgress, startYear: 2025)], now: Fixtures.t0)
        guard case .failure(.guardFailed(.start, _)) = result else {
            Issue.record("must be refused: \(result)")
            return
        }
    }

    @Test("rejection needs a different coordinator; cancellation only the requester")
    func rejectAndCancel() {
        let request = Fixtures.request(for: year)
        #expect(
            ApprovalPolicy.decideRejection(of: request, by: 2002, deciderRoles: [.coordinator], now: Fixtures.t0) == nil
        )
        #expect(
            ApprovalPolicy.decideRejection(of: request, by: 1001, deciderRoles: [.coordinator], now: Fixtures.t0)
                == .selfApproval(id: 7))
        #expect(ApprovalPolicy.decideRejection(of: request, by: 2002, deciderRoles: [.admin], now: Fixtures.t0) != nil)
        #expect(ApprovalPolicy.decideCancellation(of: request, by: 1001, now: Fixtures.t0) == nil)
        #expect(
            ApprovalPolicy.decideCancellation(of: request, by: 2002, now: Fixtures.t0)
                == .notRequester(id: 7, requesterUID: 1001))
        let cancelled = Fixtures.request(for: year, status: .cancelled)
        #expect(
            ApprovalPolicy.decideCancellation(of: cancelled, by: 1001, now: Fixtures.t0)
                == .requestNotPending(id: 7, status: .cancelled))
    }
}
