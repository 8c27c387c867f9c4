import Foundation

/// The rules of the two-person approval, as pure decisions over values. The store carries them out in the same
/// transaction that executes the transition.
public enum ApprovalPolicy {
    /// Decides whether `approver` (holding `approverRoles` at the request's school) may approve `request` now.
    ///
    /// Checked in this order, so that the refusal names the first thing to fix: the request is pending and not
    /// expired; the approver holds the approving role; the approver is not the requester; the payload still matches
    /// its hash (and the one the approver was shown); the year has not changed since; the row's guards pass.
    public static func decideApproval(
        of request: ApprovalRequest, by approverUID: UInt32, approverRoles: Set<Role>, shownHash: String?,
        year: AcademicYear, otherYears: [AcademicYear], now: Date, table: TransitionTable = .standard
    ) -> Result<Transition, YearError> {
        if let refusal = pendingRefusal(request, now: now) { return .failure(refusal) }
        guard let row = table.row(from: request.payload.from, event: request.payload.event) else {
            return .failure(
                .transitionNotAllowed(
                    year: request.payload.yearLabel, state: request.payload.from, event: request.payload.event,
                    allowed: []))
        }
        guard approverRoles.contains(row.approvedBy) else {
            return .failure(
                .permissionDenied(method: "approve", required: [row.approvedBy], school: request.payload.school))
        }
        guard approverUID != request.requesterUID else { return .failure(.selfApproval(id: request.id)) }
        let storedHash = Digest.sha256Hex(request.payloadText)
        guard storedHash == request.payloadHash else {
            return .failure(.payloadMismatch(id: request.id, expected: request.payloadHash, actual: storedHash))
        }
        if let shownHash, shownHash != request.payloadHash {
            return .failure(.payloadMismatch(id: request.id, expected: shownHash, actual: request.payloadHash))
        }
        guard year.version == request.yearVersion, year.state == request.payload.from else {
            return .failure(
                .yearChanged(id: request.id, requestedVersion: request.yearVersion, currentVersion: year.version))
        }
        let context = TransitionContext(
            year: year, otherYears: otherYears, reason: request.payload.reason,
            byRollover: request.payload.rollover != nil)
        let decided = table.decide(request.payload.event, in: context)
        // The row must still lead where the request said (a table changed by an upgrade must not redirect it).
        if case .success(let executed) = decided, executed.to != request.payload.to {
            return .failure(
                .transitionNotAllowed(
                    year: request.payload.yearLabel, state: year.state, event: request.payload.event, allowed: []))
        }
        return decided
    }

    /// Decides whether `decider` may reject `request`: a different person holding the approving role.
    public static func decideRejection(
        of request: ApprovalRequest, by deciderUID: UInt32, deciderRoles: Set<Role>, now: Date,
        table: TransitionTable = .standard
    ) -> YearError? {
        if let refusal = pendingRefusal(request, now: now) { return refusal }
        let approving = table.row(from: request.payload.from, event: request.payload.event)?.approvedBy ?? .coordinator
        guard deciderRoles.contains(approving) else {
            return .permissionDenied(method: "reject", required: [approving], school: request.payload.school)
        }
        guard deciderUID != request.requesterUID else { return .selfApproval(id: request.id) }
        return nil
    }

    /// Decides whether `caller` may cancel `request`: only its requester, while it is pending.
    public static func decideCancellation(of request: ApprovalRequest, by callerUID: UInt32, now: Date) -> YearError? {
        if let refusal = pendingRefusal(request, now: now) { return refusal }
        guard callerUID == request.requesterUID else {
            return .notRequester(id: request.id, requesterUID: request.requesterUID)
        }
        return nil
    }

    private static func pendingRefusal(_ request: ApprovalRequest, now: Date) -> YearError? {
        let status = request.effectiveStatus(at: now)
        return status == .pending ? nil : .requestNotPending(id: request.id, status: status)
    }
}

extension JSONValue {
    /// Parses JSON text into a value; nil when the text is not JSON.
    public static func parseCanonical(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
