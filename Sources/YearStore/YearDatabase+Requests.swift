import Foundation
import GRDB
import YearCore

/// The outcome of an approval: the request as decided and the year as it now stands.
public struct ApprovalOutcome: Sendable {
    /// The request, now `approved`.
    public var request: ApprovalRequest
    /// The year after the transition.
    public var year: AcademicYear
    /// The audit chain's head after the transition.
    public var auditHead: String
    /// The rollover the approval applied or undid, if it was a rollover's request.
    public var rollover: RolloverRecord? = nil
}

extension YearDatabase {
    /// Files a request to move year `yearID` by `event`. The caller must hold the row's requesting role at the
    /// year's school; the row and its guards are checked now and again at approval.
    public func fileTransitionRequest(
        year yearID: Int64, event: YearEvent, reason: String, caller: Caller, policy: AccessPolicy,
        lifetime: TimeInterval, now: Date = Date()
    ) async throws -> ApprovalRequest {
        try await write { db in
            guard let year = try Self.fetchYear(id: yearID, in: db) else { throw YearError.yearNotFound(id: yearID) }
            return try Self.fileRequest(
                year: year, event: event, reason: reason, rollover: nil, caller: caller, policy: policy,
                lifetime: lifetime, table: self.table, now: now, in: db)
        }
    }

    /// Files a request in the caller's transaction: the row and its guards are checked now (and again at approval),
    /// the caller must hold the row's requesting role, and the year must have no other pending request.
    static func fileRequest(
        year: AcademicYear, event: YearEvent, reason: String, rollover: RolloverDigest?, caller: Caller,
        policy: AccessPolicy, lifetime: TimeInterval, table: TransitionTable, now: Date, in db: Database
    ) throws -> ApprovalRequest {
        try expireRequests(now: now, in: db)
        let context = TransitionContext(
            year: year, otherYears: try fetchOtherYears(of: year, in: db), reason: reason,
            byRollover: rollover != nil)
        let row = try table.decide(event, in: context).get()
        guard policy.roles(of: caller, at: year.school).contains(row.requestedBy) else {
            throw YearError.permissionDenied(
                method: "request \(event.rawValue)", required: [row.requestedBy], school: year.school)
        }
        if let pending = try Int64.fetchOne(
            db, sql: "SELECT id FROM approval_request WHERE year_id = ? AND status = 'pending'", arguments: [year.id])
        {
            throw YearError.requestPending(year: year.label.description, request: pending)
        }
        let payload = TransitionPayload(
            school: year.school, yearID: year.id, yearLabel: year.label.description, event: event,
            from: year.state, to: row.to, reason: reason, rollover: rollover)
        let text = payload.canonical.canonicalText
        let hash = Digest.sha256Hex(text)
        let expires = now.addingTimeInterval(lifetime)
        try db.execute(
            sql: """
                INSERT INTO approval_request (school_id, year_id, event, payload, payload_hash, year_version,
                    requester_uid, requester_name, created_at, expires_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
                """,
            arguments: [
                year.school, year.id, event.rawValue, text, hash, year.version, Int64(caller.uid),
                caller.userName, StoredTime.text(now), StoredTime.text(expires),
            ])
        let request = ApprovalRequest(
            id: db.lastInsertedRowID, payload: payload, payloadText: text, payloadHash: hash,
            yearVersion: year.version, requesterUID: caller.uid, requesterName: caller.userName,
            createdAt: now, expiresAt: expires, status: .pending)
        try appendAudit(
            AuditEvent(
                caller: caller, role: row.requestedBy.rawValue, school: year.school, action: .requestFile,
                target: "request:\(request.id)",
                details: .object([
                    "payload": payload.canonical, "payloadHash": .string(hash), "yearVersion": .int(year.version),
                    "expiresAt": .string(StoredTime.text(expires)),
                ])),
            at: now, in: db)
        return request
    }

    /// Approves request `id` and executes its transition in the same transaction. `shownHash`, when given, is
    /// the payload hash the approver reviewed: the approval is refused if the stored request differs.
    ///
    /// The steps, each a function of its own, run in one transaction: decide (the rules of domain.md §2 against
    /// the stored request and year), the readiness report the transition needs, the decision recorded, the rollover
    /// applied or undone (a close or its undo), the year moved, and the audit rows.
    public func approveRequest(
        id: Int64, reason: String, shownHash: String?, caller: Caller, policy: AccessPolicy,
        readiness: ReadinessGate = ReadinessGate(), now: Date = Date()
    ) async throws -> ApprovalOutcome {
        try await write { db in
            let decision = try Self.decideApproval(
                id: id, shownHash: shownHash, caller: caller, policy: policy, now: now, table: self.table, in: db)
            let accepted = try Self.passReadiness(decision, gate: readiness, caller: caller, now: now, in: db)
            try Self.recordApproval(decision, reason: reason, caller: caller, now: now, in: db)
            let execution = try Self.executeRollover(decision, settings: readiness.rollover, now: now, in: db)
            let moved = try Self.moveYear(decision, now: now, in: db)
            let head = try Self.auditApproval(
                decision, reason: reason, accepted: accepted, moved: moved, execution: execution,
                backup: readiness.backup, caller: caller, now: now, in: db)
            var decided = decision.request
            decided.status = .approved
            decided.deciderUID = caller.uid
            decided.deciderName = caller.userName
            decided.decidedAt = now
            decided.decisionReason = reason
            return ApprovalOutcome(request: decided, year: moved, auditHead: head, rollover: execution?.rollover)
        }
    }

    /// What an approval decided: the request, its year as stored, and the transition it executes.
    struct ApprovalDecision {
        let request: ApprovalRequest
        let year: AcademicYear
        let transition: Transition
    }

    /// A rollover applied or undone by an approval, and how long it took.
    struct RolloverExecution {
        let rollover: RolloverRecord
        let milliseconds: Int64
    }

    /// The rules of domain.md §2 (ApprovalPolicy) against the stored request and year: the approver's role, not
    /// the requester, pending and not expired, the hash shown, the year unchanged, the transition's guards.
    static func decideApproval(
        id: Int64, shownHash: String?, caller: Caller, policy: AccessPolicy, now: Date, table: TransitionTable,
        in db: Database
    ) throws -> ApprovalDecision {
        let request = try fetchRequest(id: id, in: db)
        guard let year = try fetchYear(id: request.payload.yearID, in: db) else {
            throw YearError.yearNotFound(id: request.payload.yearID)
        }
        let transition = try ApprovalPolicy.decideApproval(
            of: request, by: caller.uid, approverRoles: policy.roles(of: caller, at: request.payload.school),
            shownHash: shownHash, year: year, otherYears: try fetchOtherYears(of: year, in: db), now: now,
            table: table
        ).get()
        return ApprovalDecision(request: request, year: year, transition: transition)
    }

    /// The readiness report the transition needs (a start or a close), made inside the approval's transaction: it
    /// judges exactly the data the transition will see, and a refusal leaves nothing behind (not even the run).
    /// Returns the error checks the approver accepted, for the audit row.
    static func passReadiness(
        _ decision: ApprovalDecision, gate: ReadinessGate, caller: Caller, now: Date, in db: Database
    ) throws -> [JSONValue] {
        guard let target = gate.target(of: decision.transition.event) else { return [] }
        let year = decision.year
        let run = try runChecks(
            school: year.school, year: year, checks: CheckCatalogue.checks(for: target).map(\.id),
            settings: gate.settings, cause: .approval, caller: caller, keep: gate.keep, now: now, in: db)
        let report = ReadinessReport(
            target: target, checks: run.checks, findings: run.findings, accepted: gate.accepted)
        guard report.ready else {
            throw YearError.notReady(
                year: year.label.description, target: target,
                blocking: report.byCheck.filter { report.blocking.contains($0.check) }.map {
                    ReadinessBlocker(check: $0.check, count: $0.count)
                })
        }
        return report.byCheck.filter(\.accepted).map {
            .object(["check": .string($0.check), "count": .int(Int64($0.count))])
        }
    }

    /// The request marked approved by `caller`.
    static func recordApproval(
        _ decision: ApprovalDecision, reason: String, caller: Caller, now: Date, in db: Database
    ) throws {
        try db.execute(
            sql: """
                UPDATE approval_request SET status = 'approved', decider_uid = ?, decider_name = ?,
                    decided_at = ?, decision_reason = ?
                WHERE id = ? AND status = 'pending'
                """,
            arguments: [
                Int64(caller.uid), caller.userName, StoredTime.text(now), reason, decision.request.id,
            ])
    }

    /// A close applies the rollover; its undo undoes the applied one. The rollover's rows are written before the
    /// old year closes (a closed year refuses writes); the undo unlocks the closed year for the length of this
    /// transaction (`moveYear` locks it again). Nil for every other transition.
    static func executeRollover(
        _ decision: ApprovalDecision, settings: RolloverSettings, now: Date, in db: Database
    ) throws -> RolloverExecution? {
        let started = ContinuousClock.now
        let rollover: RolloverRecord
        switch decision.transition.event {
        case .close:
            rollover = try applyRollover(
                request: decision.request, year: decision.year, settings: settings, now: now, in: db)
        case .undoRollover:
            guard let id = decision.request.payload.rollover?.rolloverID,
                let applied = try fetchRollover(id: id, in: db),
                applied.state == .applied
            else {
                throw YearError.invalid("id", "undo-not-applied", ["request": String(decision.request.id)])
            }
            try undoRollover(applied, request: decision.request, now: now, in: db)
            guard let undone = try fetchRollover(id: applied.id, in: db) else {
                throw YearError.internalFailure(reason: "rollover \(applied.id) vanished in its undo")
            }
            rollover = undone
        default:
            return nil
        }
        let took = ContinuousClock.now - started
        let milliseconds = took.components.seconds * 1000 + took.components.attoseconds / 1_000_000_000_000_000
        return RolloverExecution(rollover: rollover, milliseconds: milliseconds)
    }

    /// The year moved to the transition's state, if it is still at the version the request was decided on.
    static func moveYear(_ decision: ApprovalDecision, now: Date, in db: Database) throws -> AcademicYear {
        let year = decision.year
        try db.execute(
            sql: """
                UPDATE academic_year SET state = ?, version = version + 1, updated_at = ?
                WHERE id = ? AND version = ?
                """, arguments: [decision.transition.to.rawValue, StoredTime.text(now), year.id, year.version])
        guard db.changesCount == 1, let moved = try fetchYear(id: year.id, in: db) else {
            throw YearError.yearChanged(
                id: decision.request.id, requestedVersion: decision.request.yearVersion,
                currentVersion: year.version + 1)
        }
        if decision.transition.event == .undoRollover { try relock(year: year.id, in: db) }
        return moved
    }

    /// The approval's audit rows: the decision, the transition and, for a rollover, its apply or undo. Returns the
    /// chain's new head.
    static func auditApproval(
        _ decision: ApprovalDecision, reason: String, accepted: [JSONValue], moved: AcademicYear,
        execution: RolloverExecution?, backup: String?, caller: Caller, now: Date, in db: Database
    ) throws -> String {
        let (request, transition, school) = (decision.request, decision.transition, decision.year.school)
        let role = transition.approvedBy.rawValue
        try appendAudit(
            AuditEvent(
                caller: caller, role: role, school: school, action: .requestApprove, target: "request:\(request.id)",
                details: .object([
                    "reason": .string(reason), "payloadHash": .string(request.payloadHash),
                    "acceptedChecks": .array(accepted),
                ])),
            at: now, in: db)
        var head = try appendAudit(
            AuditEvent(
                caller: caller, role: role, school: school, action: .yearTransition, target: "year:\(moved.id)",
                details: .object([
                    "event": .string(transition.event.rawValue), "from": .string(transition.from.rawValue),
                    "to": .string(transition.to.rawValue), "request": .int(request.id),
                    "requester": .string(request.requesterName), "version": .int(moved.version),
                ])),
            at: now, in: db
        ).hash
        if let execution {
            let rollover = execution.rollover
            head = try appendAudit(
                AuditEvent(
                    caller: caller, role: role, school: school,
                    action: transition.event == .undoRollover ? .rolloverUndo : .rolloverApply,
                    target: "rollover:\(rollover.id)",
                    details: .object([
                        "request": .int(request.id), "planHash": .string(rollover.planHash),
                        "fromYear": .int(rollover.fromYearID), "toYear": .string(rollover.toYear),
                        "toYearId": rollover.toYearID.map(JSONValue.int) ?? .null,
                        "backup": backup.map(JSONValue.string) ?? .null, "applyMs": .int(execution.milliseconds),
                    ])),
                at: now, in: db
            ).hash
        }
        return head
    }

    /// The approval rules that cost nothing to check (the approver's role, not the requester, pending and not
    /// expired, the hash shown, the year unchanged), on a read: what an approval checks before its costly
    /// preparation (the backup before a rollover). The approval checks them again in its transaction.
    public func precheckApproval(id: Int64, shownHash: String?, caller: Caller, policy: AccessPolicy, now: Date)
        async throws -> ApprovalRequest
    {
        try await pool.read { db in
            let request = try Self.fetchRequest(id: id, in: db)
            guard let year = try Self.fetchYear(id: request.payload.yearID, in: db) else {
                throw YearError.yearNotFound(id: request.payload.yearID)
            }
            _ = try ApprovalPolicy.decideApproval(
                of: request, by: caller.uid, approverRoles: policy.roles(of: caller, at: request.payload.school),
                shownHash: shownHash, year: year, otherYears: try Self.fetchOtherYears(of: year, in: db), now: now,
                table: self.table
            ).get()
            return request
        }
    }

    /// Rejects request `id` with a reason.
    public func rejectRequest(id: Int64, reason: String, caller: Caller, policy: AccessPolicy, now: Date = Date())
        async throws -> ApprovalRequest
    {
        try await decide(id: id, as: .rejected, reason: reason, caller: caller, now: now) { request in
            ApprovalPolicy.decideRejection(
                of: request, by: caller.uid, deciderRoles: policy.roles(of: caller, at: request.payload.school),
                now: now, table: self.table)
        }
    }

    /// Cancels request `id`: only its requester may.
    public func cancelRequest(id: Int64, reason: String, caller: Caller, now: Date = Date()) async throws
        -> ApprovalRequest
    {
        try await decide(id: id, as: .cancelled, reason: reason, caller: caller, now: now) { request in
            ApprovalPolicy.decideCancellation(of: request, by: caller.uid, now: now)
        }
    }

    private func decide(
        id: Int64, as status: RequestStatus, reason: String, caller: Caller, now: Date,
        check: @escaping @Sendable (ApprovalRequest) -> YearError?
    ) async throws -> ApprovalRequest {
        try await write { db in
            var request = try Self.fetchRequest(id: id, in: db)
            if let refusal = check(request) { throw refusal }
            let stamp = StoredTime.text(now)
            try db.execute(
                sql: """
                    UPDATE approval_request SET status = ?, decider_uid = ?, decider_name = ?, decided_at = ?,
                        decision_reason = ?
                    WHERE id = ? AND status = 'pending'
                    """, arguments: [status.rawValue, Int64(caller.uid), caller.userName, stamp, reason, id])
            let row = self.table.row(from: request.payload.from, event: request.payload.event)
            let role = status == .cancelled ? (row?.requestedBy ?? .admin) : (row?.approvedBy ?? .coordinator)
            try Self.appendAudit(
                AuditEvent(
                    caller: caller, role: role.rawValue, school: request.payload.school,
                    action: status == .cancelled ? .requestCancel : .requestReject, target: "request:\(id)",
                    details: .object(["reason": .string(reason)])),
                at: now, in: db)
            request.status = status
            request.deciderUID = caller.uid
            request.deciderName = caller.userName
            request.decidedAt = now
            request.decisionReason = reason
            return request
        }
    }

    /// Marks every pending request past its expiry as expired, each with an audit row. Returns how many.
    @discardableResult
    public func expireRequests(now: Date = Date()) async throws -> Int {
        try await write { db in try Self.expireRequests(now: now, in: db) }
    }

    @discardableResult
    static func expireRequests(now: Date, in db: Database) throws -> Int {
        let stamp = StoredTime.text(now)
        let expired = try Row.fetchAll(
            db, sql: "SELECT id, school_id FROM approval_request WHERE status = 'pending' AND expires_at <= ?",
            arguments: [stamp])
        guard !expired.isEmpty else { return 0 }
        try db.execute(
            sql: """
                UPDATE approval_request SET status = 'expired', decided_at = ?
                WHERE status = 'pending' AND expires_at <= ?
                """, arguments: [stamp, stamp])
        for row in expired {
            let id: Int64 = row["id"]
            try appendAudit(
                AuditEvent(
                    caller: .daemon, role: "daemon", school: row["school_id"], action: .requestExpire,
                    target: "request:\(id)", details: .object([:])),
                at: now, in: db)
        }
        return expired.count
    }

    /// The requests of `schools`, newest first, optionally only those stored with one of `statuses`.
    public func requests(of schools: [String], statuses: [RequestStatus]?, limit: Int = 200) async throws
        -> [ApprovalRequest]
    {
        try await pool.read { db in
            var request = StoredRequest.filter(schools.contains(StoredRequest.Columns.school))
            if let statuses {
                request = request.filter(statuses.map(\.rawValue).contains(StoredRequest.Columns.status))
            }
            return try request.order(StoredRequest.Columns.id.desc).limit(limit).fetchAll(db).map(\.request)
        }
    }

    /// The request with this id, or nil.
    public func request(id: Int64) async throws -> ApprovalRequest? {
        try await pool.read { db in
            try StoredRequest.fetchOne(db, key: id)?.request
        }
    }

    static func fetchRequest(id: Int64, in db: Database) throws -> ApprovalRequest {
        guard let stored = try StoredRequest.fetchOne(db, key: id) else { throw YearError.requestNotFound(id: id) }
        return stored.request
    }
}

/// What an approval checks before it executes a transition: the readiness report of the year for the events that
/// have one (`start`), under the instance's check settings, with the error checks the approver accepts.
public struct ReadinessGate: Sendable {
    /// The check settings.
    public var settings: CheckSettings
    /// The error checks the approver accepts (with the approval's reason).
    public var accepted: Set<String>
    /// How many runs of the school are kept.
    public var keep: Int
    /// How a rollover approved through this gate recomputes and applies its plan.
    public var rollover: RolloverSettings
    /// The backup taken before the rollover, recorded in its audit row.
    public var backup: String?

    /// A gate with every field given; by default the catalogue's settings, nothing accepted.
    public init(
        settings: CheckSettings = CheckSettings(), accepted: Set<String> = [], keep: Int = YearDatabase.defaultRunsKept,
        rollover: RolloverSettings = RolloverSettings(), backup: String? = nil
    ) {
        self.backup = backup
        self.settings = settings
        self.accepted = accepted
        self.keep = keep
        self.rollover = rollover
    }

    /// The readiness report an event needs: the start of a year needs the start report, its close (the rollover)
    /// the close report. Beginning to close is when the close data are entered, so it is not gated; reopening and
    /// undoing a rollover take a step back.
    func target(of event: YearEvent) -> ReadinessTarget? {
        switch event {
        case .start: .start
        case .close: .close
        case .beginClosing, .reopen, .undoRollover: nil
        }
    }
}
