import Foundation
import Logging
import YearCore
import YearProtocol
import YearStore

/// The handlers of every method of the table; each runs after its call was decoded and authorized.
struct Handlers: Sendable {
    let state: DaemonState

    /// Every route, by method name.
    func routes() -> [String: Dispatcher.Route] {
        Dictionary(
            uniqueKeysWithValues: [
                Dispatcher.route(YeardAPI.Service.getInfo, getInfo),
                Dispatcher.route(YeardAPI.Service.getInterfaceDescription, getInterfaceDescription),
                Dispatcher.rawRoute(YeardAPI.Year.status, statusMessage),
                Dispatcher.route(YeardAPI.Year.listSchools, listSchools),
                Dispatcher.route(YeardAPI.Year.list, listYears),
                Dispatcher.route(YeardAPI.Year.get, getYear),
                Dispatcher.route(YeardAPI.Year.create, createYear),
                Dispatcher.route(YeardAPI.Approval.list, listRequests),
                Dispatcher.route(YeardAPI.Approval.get, getRequest),
                Dispatcher.route(YeardAPI.Approval.file, fileRequest),
                Dispatcher.route(YeardAPI.Approval.approve, approve),
                Dispatcher.route(YeardAPI.Approval.reject, reject),
                Dispatcher.route(YeardAPI.Approval.cancel, cancel),
                Dispatcher.route(YeardAPI.Audit.list, listAudit),
                Dispatcher.route(YeardAPI.Audit.verify, verifyAudit),
            ] + registryRoutes() + checkRoutes() + rolloverRoutes() + backupRoutes() + reportRoutes())
    }

    func getInfo(_: NoParameters, _: CallContext) async throws -> ServiceInfoReply {
        ServiceInfoReply(
            vendor: "yeard", product: "yeard", version: state.version, url: "https://github.com/yeard/yeard",
            interfaces: YeardAPI.interfaces.map(\.name))
    }

    func getInterfaceDescription(_ parameters: InterfaceDescriptionParameters, _: CallContext) async throws
        -> InterfaceDescriptionReply
    {
        guard let interface = YeardAPI.interface(named: parameters.interface) else {
            throw VarlinkError.interfaceNotFound(parameters.interface)
        }
        return InterfaceDescriptionReply(description: interface.description)
    }

    /// The Status reply as a message: the schools' part, which is most of it (200 KB for 1,000 schools), is
    /// encoded once per snapshot and spliced into each reply, since monitoring asks for it over and over.
    func statusMessage(_: NoParameters, _ context: CallContext) async throws -> Data {
        let snapshot = try await state.database.statusSnapshot(of: context.visibleSchools, now: context.now)
        let names = Dictionary(uniqueKeysWithValues: state.configuration.schools.map { ($0.id, $0.name) })
        let schoolNames = snapshot.schools.map { names[$0.school] ?? $0.school }
        let fragment = try state.statusFragment(for: snapshot.schools, names: schoolNames) {
            try VarlinkJSON.encode(
                zip(snapshot.schools, schoolNames).map { school, name in
                    SchoolStatus(
                        id: school.school, name: name,
                        activeYear: school.years.first { $0.state.isActive }.map(YearInfo.init),
                        openYears: school.years.filter { $0.state == .open }.map(YearInfo.init),
                        pendingRequests: school.pendingRequests)
                })
        }
        let head = try VarlinkJSON.encode(
            StatusHead(
                version: state.version, uptimeSeconds: Int64(context.now.timeIntervalSince(state.started)),
                auditHead: state.seesEverySchool(context) ? snapshot.auditHead : nil))
        // {"parameters":{HEAD,"schools":FRAGMENT}}: the head's closing brace gives way to the schools.
        return Data(#"{"parameters":"#.utf8) + head.dropLast() + Data(#","schools":"#.utf8) + fragment
            + Data("}}".utf8)
    }

    /// Status without its schools.
    struct StatusHead: Encodable {
        var version: String, uptimeSeconds: Int64, auditHead: String?
    }

    func listSchools(_: NoParameters, _ context: CallContext) async throws -> SchoolListReply {
        let policy = state.policy
        return SchoolListReply(
            schools: state.configuration.schools.filter { context.visibleSchools.contains($0.id) }.map {
                SchoolInfo($0, roles: policy.roles(of: context.caller, at: $0.id))
            })
    }

    func listYears(_: SchoolFilterParameters, _ context: CallContext) async throws -> YearListReply {
        YearListReply(years: try await state.database.years(of: context.visibleSchools).map(YearInfo.init))
    }

    func getYear(_ parameters: IDParameters, _: CallContext) async throws -> YearReply {
        guard let year = try await state.database.year(id: parameters.id) else {
            throw YearError.yearNotFound(id: parameters.id)
        }
        return YearReply(year: YearInfo(year))
    }

    func createYear(_ parameters: YearCreateParameters, _ context: CallContext) async throws -> YearReply {
        let school = try context.requiredSchool()
        guard let label = YearLabel(parameters.label) else {
            throw YearError.invalid("label", "year-label", ["got": parameters.label])
        }
        let start = try parameters.startDate.map { try Self.date($0, field: "startDate") }
        let end = try parameters.endDate.map { try Self.date($0, field: "endDate") }
        var gradeEnds: [Int: CalendarDate] = [:]
        for given in parameters.gradeEnds ?? [] {
            guard gradeEnds[given.grade] == nil else {
                throw YearError.invalid("gradeEnds", "grade-twice", ["grade": String(given.grade)])
            }
            gradeEnds[given.grade] = try Self.date(given.endDate, field: "gradeEnds")
        }
        let year = try await state.database.createYear(
            school: school, label: label, startDate: start, endDate: end, gradeEnds: gradeEnds,
            caller: context.caller, now: context.now)
        return YearReply(year: YearInfo(year))
    }

    static func date(_ text: String, field: String) throws -> CalendarDate {
        guard let date = CalendarDate(iso: text) else {
            throw YearError.invalid(field, "iso-date", ["got": text])
        }
        return date
    }

    func listRequests(_ parameters: RequestListParameters, _ context: CallContext) async throws -> RequestListReply {
        let status = parameters.status
        // Pending and expired are told apart by the clock: a request past its expiry may not be swept yet.
        let stored: [RequestStatus]? = status.map { $0 == .pending || $0 == .expired ? [.pending, .expired] : [$0] }
        let requests = try await state.database.requests(of: context.visibleSchools, statuses: stored)
        let now = context.now
        let shown = requests.filter { status == nil || $0.effectiveStatus(at: now) == status }
        return RequestListReply(requests: shown.map { RequestInfo($0, now: now) })
    }

    func getRequest(_ parameters: IDParameters, _ context: CallContext) async throws -> RequestReply {
        guard let request = try await state.database.request(id: parameters.id) else {
            throw YearError.requestNotFound(id: parameters.id)
        }
        return RequestReply(request: RequestInfo(request, now: context.now))
    }

    func fileRequest(_ parameters: FileRequestParameters, _ context: CallContext) async throws -> RequestReply {
        let event = parameters.event
        let reason = try Self.text(parameters.reason, field: "reason", required: false)
        let request = try await state.database.fileTransitionRequest(
            year: parameters.year, event: event, reason: reason, caller: context.caller, policy: state.policy,
            lifetime: state.configuration.requestLifetime, now: context.now)
        journal(.transitionRequested, request, action: .requestFile, by: context.caller)
        return RequestReply(request: RequestInfo(request, now: context.now))
    }

    func approve(_ parameters: ApproveParameters, _ context: CallContext) async throws -> ApproveReply {
        let reason = try Self.text(parameters.reason, field: "reason", required: false)
        if let hash = parameters.payloadHash,
            hash.count != 64 || !hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        {
            throw YearError.invalid("payloadHash", "hex-hash")
        }
        let accepted = parameters.accept ?? []
        try CheckCatalogue.requireKnown(accepted, field: "accept")
        if !accepted.isEmpty && reason.isEmpty {
            throw YearError.invalid("reason", "accept-needs-reason")
        }
        let configuration = state.configuration
        var backup: BackupFile?
        let request = try await state.database.precheckApproval(
            id: parameters.id, shownHash: parameters.payloadHash, caller: context.caller, policy: configuration.policy,
            now: context.now)
        if configuration.rolloverBackup, request.payload.event == .close, request.payload.rollover != nil {
            // The online backup before a rollover: taken (and verified) before its transaction, once the rules
            // that cost nothing have passed. One file per request: an approval refused later (not ready, stale)
            // and tried again replaces its backup.
            let number = String(request.id)
            let name = "before-rollover-request-" + String(repeating: "0", count: max(0, 10 - number.count)) + number
            backup = try await state.writeBackup(name: name)
        }
        let outcome = try await state.database.approveRequest(
            id: parameters.id, reason: reason, shownHash: parameters.payloadHash, caller: context.caller,
            policy: configuration.policy,
            readiness: ReadinessGate(
                settings: configuration.checkSettings, accepted: Set(accepted), keep: configuration.checkRunsKept,
                rollover: configuration.rolloverSettings, backup: backup?.path),
            now: context.now)
        if backup != nil {
            try? await state.pruneBackups(prefix: "before-rollover-", keep: configuration.rolloverBackupsKept)
        }
        journal(
            .requestApproved, outcome.request, action: .requestApprove, by: context.caller,
            metadata: ["audit_head": "\(outcome.auditHead)"])
        if let rollover = outcome.rollover {
            let undone = outcome.request.payload.event == .undoRollover
            journal(
                undone ? .rolloverUndone : .rolloverApplied, outcome.request,
                action: undone ? .rolloverUndo : .rolloverApply, by: context.caller,
                metadata: ["rollover": "\(rollover.id)", "backup": "\(backup?.path ?? "none")"])
        }
        state.transitioned()
        return ApproveReply(request: RequestInfo(outcome.request, now: context.now), year: YearInfo(outcome.year))
    }

    func reject(_ parameters: DecisionParameters, _ context: CallContext) async throws -> RequestReply {
        let reason = try Self.text(parameters.reason, field: "reason", required: true)
        let request = try await state.database.rejectRequest(
            id: parameters.id, reason: reason, caller: context.caller, policy: state.policy, now: context.now)
        journal(.requestRejected, request, action: .requestReject, by: context.caller)
        return RequestReply(request: RequestInfo(request, now: context.now))
    }

    func cancel(_ parameters: DecisionParameters, _ context: CallContext) async throws -> RequestReply {
        let reason = try Self.text(parameters.reason, field: "reason", required: false)
        let request = try await state.database.cancelRequest(
            id: parameters.id, reason: reason, caller: context.caller, now: context.now)
        journal(.requestCancelled, request, action: .requestCancel, by: context.caller)
        return RequestReply(request: RequestInfo(request, now: context.now))
    }

    /// Writes the journal event `kind` of `request`, acted on by `caller` (audit action `action`).
    func journal(
        _ kind: JournalEvent, _ request: ApprovalRequest, action: AuditAction, by caller: Caller,
        metadata: Logger.Metadata = [:]
    ) {
        let payload = request.payload
        let l = state.journal
        let a = [
            "id": String(request.id), "event": payload.event.name(l), "year": payload.yearLabel,
            "school": payload.school, "user": caller.userName,
        ]
        let message =
            switch kind {
            case .transitionRequested: l.tr("request {id} ({event} {year} at {school}) filed by {user}", a)
            case .requestApproved: l.tr("request {id} ({event} {year} at {school}) approved by {user}", a)
            case .requestRejected: l.tr("request {id} ({event} {year} at {school}) rejected by {user}", a)
            case .requestCancelled: l.tr("request {id} ({event} {year} at {school}) cancelled by {user}", a)
            case .rolloverApplied:
                l.tr("request {id} ({event} {year} at {school}) applied its rollover, approved by {user}", a)
            case .rolloverUndone:
                l.tr("request {id} ({event} {year} at {school}) undid its rollover, approved by {user}", a)
            default: l.tr("request {id} ({event} {year} at {school}) acted on by {user}", a)
            }
        state.logger.event(
            kind, message,
            EventFields(
                school: payload.school, year: payload.yearLabel, action: action, uid: caller.uid, request: request.id),
            metadata: metadata.merging(["event": "\(payload.event.rawValue)", "to": "\(payload.to.rawValue)"]) { $1 })
    }

    /// A free-text field: trimmed, at most 2000 characters, no control characters but newlines.
    static func text(_ value: String?, field: String, required: Bool) throws -> String {
        let text = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if required && text.isEmpty {
            throw YearError.invalid(field, "text-required")
        }
        guard text.count <= 2000 else {
            throw YearError.invalid(field, "text-too-long", ["max": "2000"])
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
            throw YearError.invalid(field, "text-control")
        }
        return text
    }

    func listAudit(_ parameters: AuditListParameters, _ context: CallContext) async throws -> AuditListReply {
        let limit = parameters.limit ?? 100
        guard (1...1000).contains(limit) else {
            throw YearError.invalid("limit", "between", ["min": "1", "max": "1000"])
        }
        // Rows that concern no school (refusals before a school was known, configuration) are instance-wide.
        let seesAll = state.seesEverySchool(context)
        let entries = try await state.database.auditEntries(
            after: max(parameters.after ?? 0, 0), limit: limit,
            schools: seesAll && parameters.school == nil ? nil : context.visibleSchools,
            includingUnscoped: seesAll && parameters.school == nil)
        return AuditListReply(entries: entries.map(AuditEntryInfo.init))
    }

    func verifyAudit(_: NoParameters, _: CallContext) async throws -> AuditVerifyReply {
        switch try await state.database.verifyAudit(anchors: state.auditAnchors()) {
        case .intact(let rows, let head):
            return AuditVerifyReply(intact: true, rows: rows, head: rows > 0 ? head : nil, brokenAt: nil, reason: nil)
        case .broken(let sequence, let reason):
            return AuditVerifyReply(intact: false, rows: 0, head: nil, brokenAt: sequence, reason: reason)
        }
    }
}
