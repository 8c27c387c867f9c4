/// Every refusal the domain and the store can give. One function in YearProtocol maps these to Varlink error names;
/// `description` is the one sentence a person reads.
public enum YearError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter is missing, of the wrong type or out of range.
    case invalidParameter(field: String, reason: String)
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
    case guardFailed(event: YearEvent, violations: [String])
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
    case planHasErrors(year: String, errors: [String])
    /// The data changed since the rollover request was filed: its plan no longer hashes the same.
    case planStale(id: Int64, filed: String, current: String)
    /// The new year holds changes made after the rollover, so it cannot be undone.
    case rolloverChanged(rollover: Int64, changes: [String])
    /// The daemon could not complete the call (database full, I/O error); nothing was changed.
    case internalFailure(reason: String)

    /// One sentence: what failed, why, and what to do next.
    public var description: String {
        switch self {
        case .invalidParameter(let field, let reason):
            return "invalid parameter '\(field)': \(reason)"
        case .permissionDenied(let method, let required, let school):
            let roles = required.map(\.rawValue).joined(separator: " or ")
            let scope = school.map { $0 == "*" ? " at every school" : " at school \($0)" } ?? ""
            return "permission denied: \(method) needs the role \(roles)\(scope); ask the administrator of yeard "
                + "to grant it in yeard.toml"
        case .schoolNotFound(let school):
            return "no school '\(school)' is configured; see 'yearctl school list'"
        case .yearNotFound(let id):
            return "no year with id \(id); see 'yearctl year list'"
        case .yearExists(let school, let label):
            return "school \(school) already has the year \(label)"
        case .transitionNotAllowed(let year, let state, let event, let allowed):
            let next =
                allowed.isEmpty
                ? "no transition leads on from \(state.rawValue)"
                : "from \(state.rawValue) the possible events are: \(allowed.map(\.rawValue).joined(separator: ", "))"
            return "year \(year) is \(state.rawValue): '\(event.rawValue)' does not apply; \(next)"
        case .rolloverOnly(let event):
            return "'\(event.rawValue)' is done by the year rollover, not by a transition request"
        case .guardFailed(let event, let violations):
            return "'\(event.rawValue)' cannot happen now: \(violations.joined(separator: "; "))"
        case .requestNotFound(let id):
            return "no request with id \(id); see 'yearctl request list'"
        case .requestNotPending(let id, let status):
            return "request \(id) is \(status.rawValue), not pending; file a new request if it is still needed"
        case .requestPending(let year, let request):
            return "year \(year) already has the pending request \(request); approve, reject or cancel it first"
        case .selfApproval(let id):
            return "request \(id) was filed by you; a different person with the coordinator role must approve it"
        case .yearChanged(let id, let requested, let current):
            return "the year changed since request \(id) was filed (version \(requested), now \(current)); "
                + "the request can no longer be approved: file a new one"
        case .payloadMismatch(let id, let expected, let actual):
            return "request \(id) is not what was shown (hash \(expected), stored \(actual)); review it again with "
                + "'yearctl request show \(id)'"
        case .notRequester(let id, let requesterUID):
            return "only the requester (uid \(requesterUID)) may cancel request \(id); a coordinator may reject it"
        case .notReady(let year, let target, let blocking):
            let listed = blocking.map { "\($0.check) (\($0.count))" }.joined(separator: ", ")
            return "year \(year) is not ready to \(target.rawValue): errors of \(listed); see 'yearctl report "
                + "readiness --for \(target.rawValue)', fix them, or approve with '--accept CHECK --reason TEXT' "
                + "for each check you accept"
        case .uploadNotFound(let id):
            return "no upload \(id) of yours is waiting (uploads expire an hour after their last part); upload the "
                + "file again"
        case .importRefused(let file, let problems, let count):
            let first = problems.first.map { ": \(file):\($0)" } ?? ""
            return "\(file) was not imported, nothing was written: \(count) problem(s)\(first); fix them and try "
                + "again"
        case .planHasErrors(let year, let errors):
            let shown = errors.prefix(5).joined(separator: "; ")
            let more = errors.count > 5 ? "; and \(errors.count - 5) more" : ""
            return "the rollover plan of \(year) has \(errors.count) error(s): \(shown)\(more); see 'yearctl rollover "
                + "plan --students', fix them and request again"
        case .planStale(let id, let filed, let current):
            return "the data changed since rollover request \(id) was filed (plan \(filed.prefix(12)), now "
                + "\(current.prefix(12))): reject it and ask the admin to review 'yearctl rollover plan' and request "
                + "again"
        case .rolloverChanged(let rollover, let changes):
            return "rollover \(rollover) cannot be undone: the new year changed since it applied: "
                + changes.joined(separator: "; ") + "; undo those changes first or keep the rollover"
        case .internalFailure(let reason):
            return "the daemon could not complete the call, nothing was changed: \(reason); see the daemon's log"
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
