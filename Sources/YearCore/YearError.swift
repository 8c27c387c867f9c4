/// Every refusal the domain and the store can give. One function in YearProtocol maps these to Varlink error names;
/// `description` is the one sentence a person reads.
public enum YearError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter is missing, of the wrong type or out of range: why in English, and (when there is one) the note
    /// that says it in any language.
    case invalidParameter(field: String, reason: String, note: Note? = nil)
    /// The caller lacks the role the method needs (at `school`; `*` means at every school of the instance).
    case permissionDenied(method: String, required: [Role], school: String?)
    /// No school with this id is configured.
    case schoolNotFound(school: String)
    /// No year with this id (in the schools the caller may see).
    case yearNotFound(id: Int64)
    /// The school already has a year with this label.
    case yearExists(school: String, label: String)
    /// No row of the transition table leads from the year's state by this event.
    case transitionNotAllowed(year: String, state: YearState, event: YearEvent, allowed: [YearEvent])
    /// Only the year rollover may execute this event.
    case rolloverOnly(event: YearEvent)
    /// A guard of the row refused.
    case guardFailed(event: YearEvent, violations: [Note])
    /// No request with this id.
    case requestNotFound(id: Int64)
    /// The request was already approved, rejected, cancelled or expired.
    case requestNotPending(id: Int64, status: RequestStatus)
    /// The year already has a pending request.
    case requestPending(year: String, request: Int64)
    /// The approver is the requester.
    case selfApproval(id: Int64)
    /// The year changed since the request was filed.
    case yearChanged(id: Int64, requestedVersion: Int64, currentVersion: Int64)
    /// The request's stored payload no longer matches its hash, or the approver saw another payload.
    case payloadMismatch(id: Int64, expected: String, actual: String)
    /// Only the requester may cancel.
    case notRequester(id: Int64, requesterUID: UInt32)
    /// No upload with this id belongs to the caller.
    case uploadNotFound(id: String)
    /// An import found problems in its file; nothing was written.
    case importRefused(file: String, problems: [ImportProblem], count: Int)
    /// The year's readiness report for the transition has errors that were not accepted (check id and count).
    case notReady(year: String, target: ReadinessTarget, blocking: [ReadinessBlocker])
    /// The rollover plan has errors (students who cannot be placed, classes over capacity): nothing was filed.
    case planHasErrors(year: String, errors: [Note])
    /// The data changed since the rollover request was filed: its plan no longer hashes the same.
    case planStale(id: Int64, filed: String, current: String)
    /// The new year holds changes made after the rollover, so it cannot be undone.
    case rolloverChanged(rollover: Int64, changes: [Note])
    /// The daemon could not complete the call (database full, I/O error); nothing was changed.
    case internalFailure(reason: String)

    /// A parameter refused for the reason `code` says (`Note+Refusals.swift`), with what it names.
    public static func invalid(_ field: String, _ code: String, _ params: [String: String] = [:]) -> YearError {
        let note = Note(code, params)
        return .invalidParameter(field: field, reason: note.english, note: note)
    }

    /// One sentence in English: what failed, why, and what to do next (the daemon's `message`).
    public var description: String { message(.english) }

    /// One sentence in `l`'s language: what failed, why, and what to do next.
    public func message(_ l: Localizer) -> String {
        switch self {
        case .invalidParameter(let field, let reason, let note):
            return l.tr(
                "invalid parameter '{field}': {reason}", ["field": field, "reason": note?.message(l) ?? reason])
        case .permissionDenied(let method, let required, let school):
            // TRANSLATORS: joins the roles of which any one would do: "coordinator or admin".
            let roles = required.map { $0.name(l) }.joined(separator: l.trc("list of alternatives", " or "))
            let arguments = ["method": method, "roles": roles, "school": school ?? ""]
            switch school {
            case nil:
                return l.tr(
                    "permission denied: {method} needs the role {roles}; ask the administrator of yeard to grant it in yeard.toml",
                    arguments)
            case "*":
                return l.tr(
                    "permission denied: {method} needs the role {roles} at every school; ask the administrator of yeard to grant it in yeard.toml",
                    arguments)
            default:
                return l.tr(
                    "permission denied: {method} needs the role {roles} at school {school}; ask the administrator of yeard to grant it in yeard.toml",
                    arguments)
            }
        case .schoolNotFound(let school):
            return l.tr("no school '{school}' is configured; see 'yearctl school list'", ["school": school])
        case .yearNotFound(let id):
            return l.tr("no year with id {id}; see 'yearctl year list'", ["id": String(id)])
        case .yearExists(let school, let label):
            return l.tr("school {school} already has the year {label}", ["school": school, "label": label])
        case .transitionNotAllowed(let year, let state, let event, let allowed):
            let arguments = [
                "year": year, "state": state.name(l), "event": event.name(l),
                "events": allowed.map { $0.name(l) }.joined(separator: ", "),
            ]
            return allowed.isEmpty
                ? l.tr(
                    "year {year} is {state}: '{event}' does not apply; no transition leads on from {state}", arguments)
                : l.tr(
                    "year {year} is {state}: '{event}' does not apply; from {state} the possible events are: {events}",
                    arguments)
        case .rolloverOnly(let event):
            return l.tr(
                "'{event}' is done by the year rollover, not by a transition request", ["event": event.name(l)])
        case .guardFailed(let event, let violations):
            return l.tr(
                "'{event}' cannot happen now: {violations}",
                ["event": event.name(l), "violations": violations.map { $0.message(l) }.joined(separator: "; ")])
        case .requestNotFound(let id):
            return l.tr("no request with id {id}; see 'yearctl request list'", ["id": String(id)])
        case .requestNotPending(let id, let status):
            return l.tr(
                "request {id} is {status}, not pending; file a new request if it is still needed",
                ["id": String(id), "status": status.name(l)])
        case .requestPending(let year, let request):
            return l.tr(
                "year {year} already has the pending request {request}; approve, reject or cancel it first",
                ["year": year, "request": String(request)])
        case .selfApproval(let id):
            return l.tr(
                "request {id} was filed by you; a different person with the coordinator role must approve it",
                ["id": String(id)])
        case .yearChanged(let id, let requested, let current):
            return l.tr(
                "the year changed since request {id} was filed (version {requested}, now {current}); the request can no longer be approved: file a new one",
                ["id": String(id), "requested": String(requested), "current": String(current)])
        case .payloadMismatch(let id, let expected, let actual):
            return l.tr(
                "request {id} is not what was shown (hash {expected}, stored {actual}); review it again with 'yearctl request show {id}'",
                ["id": String(id), "expected": expected, "actual": actual])
        case .notRequester(let id, let requesterUID):
            return l.tr(
                "only the requester (uid {uid}) may cancel request {id}; a coordinator may reject it",
                ["id": String(id), "uid": String(requesterUID)])
        case .notReady(let year, let target, let blocking):
            let listed = blocking.map {
                l.tr("{check} ({count})", ["check": $0.check, "count": l.number($0.count)])
            }.joined(separator: ", ")
            return l.tr(
                "year {year} is not ready to {target}: errors of {checks}; see 'yearctl report readiness --for {for}', fix them, or approve with '--accept CHECK --reason TEXT' for each check you accept",
                ["year": year, "target": target.name(l), "checks": listed, "for": target.rawValue])
        case .uploadNotFound(let id):
            return l.tr(
                "no upload {id} of yours is waiting (uploads expire an hour after their last part); upload the file again",
                ["id": id])
        case .importRefused(let file, let problems, let count):
            let arguments = ["file": file, "first": problems.first.map { "\(file):\($0.description(l))" } ?? ""]
            return problems.isEmpty
                ? l.trn(
                    "{file} was not imported, nothing was written: {count} problem; fix it and try again",
                    "{file} was not imported, nothing was written: {count} problems; fix them and try again",
                    count, arguments)
                : l.trn(
                    "{file} was not imported, nothing was written: {count} problem: {first}; fix it and try again",
                    "{file} was not imported, nothing was written: {count} problems: {first}; fix them and try again",
                    count, arguments)
        case .planHasErrors(let year, let errors):
            let arguments = [
                "year": year, "shown": errors.prefix(5).map { $0.message(l) }.joined(separator: "; "),
                "more": l.number(errors.count - 5),
            ]
            return errors.count > 5
                ? l.trn(
                    "the rollover plan of {year} has {count} error: {shown}; and {more} more; see 'yearctl rollover plan --students', fix them and request again",
                    "the rollover plan of {year} has {count} errors: {shown}; and {more} more; see 'yearctl rollover plan --students', fix them and request again",
                    errors.count, arguments)
                : l.trn(
                    "the rollover plan of {year} has {count} error: {shown}; see 'yearctl rollover plan --students', fix it and request again",
                    "the rollover plan of {year} has {count} errors: {shown}; see 'yearctl rollover plan --students', fix them and request again",
                    errors.count, arguments)
        case .planStale(let id, let filed, let current):
            return l.tr(
                "the data changed since rollover request {id} was filed (plan {filed}, now {current}): reject it and ask the admin to review 'yearctl rollover plan' and request again",
                ["id": String(id), "filed": String(filed.prefix(12)), "current": String(current.prefix(12))])
        case .rolloverChanged(let rollover, let changes):
            return l.tr(
                "rollover {rollover} cannot be undone: the new year changed since it applied: {changes}; undo those changes first or keep the rollover",
                ["rollover": String(rollover), "changes": changes.map { $0.message(l) }.joined(separator: "; ")])
        case .internalFailure(let reason):
            return l.tr(
                "the daemon could not complete the call, nothing was changed: {reason}; see the daemon's log",
                ["reason": reason])
        }
    }
}

/// An error check that blocks a transition, and how many findings it has.
public struct ReadinessBlocker: Sendable, Equatable, Codable {
    /// The check's id.
    public var check: String
    /// Its findings.
    public var count: Int

    /// A blocker with every field given.
    public init(check: String, count: Int) {
        self.check = check
        self.count = count
    }
}
