import YearCore

extension YearError {
    /// The domain error a Varlink error reply carries, read back from its name and parameters, so that a client
    /// renders the sentence in its own language; nil for an error yeard does not define, or one whose parameters
    /// are not what `VarlinkError.init(_:)` writes (then the client shows the daemon's English `message`).
    ///
    /// The inverse of `VarlinkError.init(_:)`; a test sends every case through both.
    public init?(_ error: VarlinkError) {
        let p = error.parameters
        func string(_ key: String) -> String? {
            if case .string(let value)? = p[key] { return value }
            return nil
        }
        func int(_ key: String) -> Int64? {
            if case .int(let value)? = p[key] { return value }
            return nil
        }
        func strings(_ key: String) -> [String]? {
            guard case .array(let values)? = p[key] else { return nil }
            let texts = values.compactMap { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            }
            return texts.count == values.count ? texts : nil
        }
        func closed<T: ClosedSet>(_ key: String, _ type: T.Type) -> T? { string(key).flatMap(T.init(rawValue:)) }
        func closedList<T: ClosedSet>(_ key: String, _ type: T.Type) -> [T]? {
            guard let texts = strings(key) else { return nil }
            let values = texts.compactMap(T.init(rawValue:))
            return values.count == texts.count ? values : nil
        }
        switch error.name {
        case "org.varlink.service.InvalidParameter":
            // Without yeard's reason (another service's error) it keeps the daemon's sentence.
            guard let field = string("parameter"), let reason = string("reason") else { return nil }
            self = .invalidParameter(field: field, reason: reason, note: p["note"].flatMap(Note.init(json:)))
        case "io.yeard.Year.PermissionDenied":
            guard let method = string("method"), let required = closedList("required", Role.self) else { return nil }
            self = .permissionDenied(method: method, required: required, school: string("school"))
        case "io.yeard.Year.SchoolNotFound":
            guard let school = string("school") else { return nil }
            self = .schoolNotFound(school: school)
        case "io.yeard.Year.YearNotFound":
            guard let id = int("id") else { return nil }
            self = .yearNotFound(id: id)
        case "io.yeard.Year.YearExists":
            guard let school = string("school"), let label = string("label") else { return nil }
            self = .yearExists(school: school, label: label)
        case "io.yeard.Year.TransitionNotAllowed":
            guard let year = string("year"), let state = closed("state", YearState.self),
                let event = closed("event", YearEvent.self), let allowed = closedList("allowed", YearEvent.self)
            else { return nil }
            self = .transitionNotAllowed(year: year, state: state, event: event, allowed: allowed)
        case "io.yeard.Year.RolloverOnly":
            guard let event = closed("event", YearEvent.self) else { return nil }
            self = .rolloverOnly(event: event)
        case "io.yeard.Year.GuardFailed":
            guard let event = closed("event", YearEvent.self), let violations = strings("violations") else {
                return nil
            }
            self = .guardFailed(event: event, violations: Self.notes(p["notes"], english: violations))
        case "io.yeard.Approval.RequestNotFound":
            guard let id = int("id") else { return nil }
            self = .requestNotFound(id: id)
        case "io.yeard.Approval.RequestNotPending":
            guard let id = int("id"), let status = closed("status", RequestStatus.self) else { return nil }
            self = .requestNotPending(id: id, status: status)
        case "io.yeard.Approval.RequestPending":
            guard let year = string("year"), let request = int("request") else { return nil }
            self = .requestPending(year: year, request: request)
        case "io.yeard.Approval.SelfApproval":
            guard let id = int("id") else { return nil }
            self = .selfApproval(id: id)
        case "io.yeard.Approval.YearChanged":
            guard let id = int("id"), let requested = int("requestedVersion"), let current = int("currentVersion")
            else { return nil }
            self = .yearChanged(id: id, requestedVersion: requested, currentVersion: current)
        case "io.yeard.Approval.PayloadMismatch":
            guard let id = int("id"), let expected = string("expected"), let actual = string("actual") else {
                return nil
            }
            self = .payloadMismatch(id: id, expected: expected, actual: actual)
        case "io.yeard.Approval.NotRequester":
            guard let id = int("id"), let uid = int("requesterUid"), let requester = UInt32(exactly: uid) else {
                return nil
            }
            self = .notRequester(id: id, requesterUID: requester)
        case "io.yeard.Registry.UploadNotFound":
            guard let upload = string("upload") else { return nil }
            self = .uploadNotFound(id: upload)
        case "io.yeard.Registry.ImportRefused":
            guard let file = string("file"), let count = int("problemCount"), case .array(let items)? = p["problems"]
            else { return nil }
            let problems = items.compactMap { item -> ImportProblem? in
                guard case .int(let line)? = item["line"], case .int(let column)? = item["column"],
                    case .string(let message)? = item["message"]
                else { return nil }
                var field: String?
                if case .string(let name)? = item["field"] { field = name }
                var params: [String: String]?
                if case .object(let object)? = item["params"] {
                    params = object.compactMapValues { if case .string(let text) = $0 { text } else { nil } }
                }
                var sheet: String?
                if case .string(let name)? = item["sheet"] { sheet = name }
                return ImportProblem(
                    line: Int(line), column: Int(column), field: field, message: message, params: params, sheet: sheet)
            }
            guard problems.count == items.count else { return nil }
            self = .importRefused(file: file, problems: problems, count: Int(count))
        case "io.yeard.Approval.NotReady":
            guard let year = string("year"), let target = closed("target", ReadinessTarget.self),
                case .array(let items)? = p["blocking"]
            else { return nil }
            let blocking = items.compactMap { item -> ReadinessBlocker? in
                guard case .string(let check)? = item["check"], case .int(let count)? = item["count"] else {
                    return nil
                }
                return ReadinessBlocker(check: check, count: Int(count))
            }
            guard blocking.count == items.count else { return nil }
            self = .notReady(year: year, target: target, blocking: blocking)
        case "io.yeard.Rollover.PlanHasErrors":
            guard let year = string("year"), let errors = strings("errors") else { return nil }
            self = .planHasErrors(year: year, errors: Self.notes(p["notes"], english: errors))
        case "io.yeard.Rollover.PlanStale":
            guard let id = int("id"), let filed = string("filed"), let current = string("current") else { return nil }
            self = .planStale(id: id, filed: filed, current: current)
        case "io.yeard.Rollover.ChangedSince":
            guard let rollover = int("rollover"), let changes = strings("changes") else { return nil }
            self = .rolloverChanged(rollover: rollover, changes: Self.notes(p["notes"], english: changes))
        case "io.yeard.Year.InternalFailure":
            guard let reason = string("reason") else { return nil }
            self = .internalFailure(reason: reason)
        default:
            return nil
        }
    }

    /// The notes beside an error's English sentences, which say them in the client's language; the English
    /// sentences themselves (each said as it is) when a daemon sent no notes or not one for each.
    static func notes(_ value: JSONValue?, english: [String]) -> [Note] {
        if case .array(let items)? = value {
            let notes = items.compactMap(Note.init(json:))
            if notes.count == english.count { return notes }
        }
        return english.map { Note($0) }
    }
}
