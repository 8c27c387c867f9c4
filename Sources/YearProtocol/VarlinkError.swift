import YearCore

/// A Varlink error reply: a qualified name and its parameters. Every error carries `message`, one sentence for
/// people, beside the fields a program reads.
public struct VarlinkError: Error, Sendable, Equatable {
    /// The fully qualified error name.
    public var name: String
    /// The error's parameters.
    public var parameters: JSONValue

    /// An error with every field given.
    public init(name: String, parameters: JSONValue) {
        self.name = name
        self.parameters = parameters
    }

    /// The sentence for people (the error name when the daemon sent none).
    public var message: String {
        if case .string(let text)? = parameters["message"] { return text }
        return name
    }

    /// The method does not exist.
    public static func methodNotFound(_ method: String) -> VarlinkError {
        VarlinkError(
            name: "org.varlink.service.MethodNotFound",
            parameters: .object([
                "method": .string(method),
                "message": .string("no method '\(method)'; 'yearctl --help' or GetInfo lists what exists"),
            ]))
    }

    /// The interface does not exist.
    public static func interfaceNotFound(_ interface: String) -> VarlinkError {
        VarlinkError(
            name: "org.varlink.service.InterfaceNotFound",
            parameters: .object([
                "interface": .string(interface), "message": .string("no interface '\(interface)'"),
            ]))
    }

    /// A parameter is missing, of the wrong type, unknown or out of range. Besides the standard error's
    /// `parameter`, yeard's carries its English `reason` and, when it has one, the `note` a client says it from.
    public static func invalidParameter(_ field: String, _ reason: String, note: Note? = nil) -> VarlinkError {
        var parameters: [String: JSONValue] = [
            "parameter": .string(field), "reason": .string(reason),
            "message": .string("invalid parameter '\(field)': \(reason)"),
        ]
        if let note { parameters["note"] = note.json }
        return VarlinkError(name: "org.varlink.service.InvalidParameter", parameters: .object(parameters))
    }

    /// The message was not a Varlink call; the connection closes after this reply.
    public static func invalidMessage(_ reason: String) -> VarlinkError {
        VarlinkError(
            name: "io.yeard.Year.InvalidMessage",
            parameters: .object([
                "reason": .string(reason),
                "message": .string("the message is not a Varlink call (\(reason)); the connection is closed"),
            ]))
    }

    /// The one mapping from domain errors to Varlink errors.
    public init(_ error: YearError) {
        let message = JSONValue.string(error.description)
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        switch error {
        case .invalidParameter(let field, let reason, let note):
            self = .invalidParameter(field, reason, note: note)
            return
        case .permissionDenied(let method, let required, let school):
            self.init(
                name: "io.yeard.Year.PermissionDenied",
                parameters: .object([
                    "method": .string(method), "required": strings(required.map(\.rawValue)),
                    "school": school.map(JSONValue.string) ?? .null, "message": message,
                ]))
        case .schoolNotFound(let school):
            self.init(
                name: "io.yeard.Year.SchoolNotFound",
                parameters: .object(["school": .string(school), "message": message]))
        case .yearNotFound(let id):
            self.init(name: "io.yeard.Year.YearNotFound", parameters: .object(["id": .int(id), "message": message]))
        case .yearExists(let school, let label):
            self.init(
                name: "io.yeard.Year.YearExists",
                parameters: .object(["school": .string(school), "label": .string(label), "message": message]))
        case .transitionNotAllowed(let year, let state, let event, let allowed):
            self.init(
                name: "io.yeard.Year.TransitionNotAllowed",
                parameters: .object([
                    "year": .string(year), "state": .string(state.rawValue), "event": .string(event.rawValue),
                    "allowed": strings(allowed.map(\.rawValue)), "message": message,
                ]))
        case .rolloverOnly(let event):
            self.init(
                name: "io.yeard.Year.RolloverOnly",
                parameters: .object(["event": .string(event.rawValue), "message": message]))
        case .guardFailed(let event, let violations):
            self.init(
                name: "io.yeard.Year.GuardFailed",
                parameters: .object([
                    "event": .string(event.rawValue), "violations": strings(violations.map(\.english)),
                    "notes": .array(violations.map(\.json)), "message": message,
                ]))
        case .requestNotFound(let id):
            self.init(
                name: "io.yeard.Approval.RequestNotFound", parameters: .object(["id": .int(id), "message": message]))
        case .requestNotPending(let id, let status):
            self.init(
                name: "io.yeard.Approval.RequestNotPending",
                parameters: .object(["id": .int(id), "status": .string(status.rawValue), "message": message]))
        case .requestPending(let year, let request):
            self.init(
                name: "io.yeard.Approval.RequestPending",
                parameters: .object(["year": .string(year), "request": .int(request), "message": message]))
        case .selfApproval(let id):
            self.init(
                name: "io.yeard.Approval.SelfApproval", parameters: .object(["id": .int(id), "message": message]))
        case .yearChanged(let id, let requested, let current):
            self.init(
                name: "io.yeard.Approval.YearChanged",
                parameters: .object([
                    "id": .int(id), "requestedVersion": .int(requested), "currentVersion": .int(current),
                    "message": message,
                ]))
        case .payloadMismatch(let id, let expected, let actual):
            self.init(
                name: "io.yeard.Approval.PayloadMismatch",
                parameters: .object([
                    "id": .int(id), "expected": .string(expected), "actual": .string(actual), "message": message,
                ]))
        case .notRequester(let id, let uid):
            self.init(
                name: "io.yeard.Approval.NotRequester",
                parameters: .object(["id": .int(id), "requesterUid": .int(Int64(uid)), "message": message]))
        case .uploadNotFound(let id):
            self.init(
                name: "io.yeard.Registry.UploadNotFound",
                parameters: .object(["upload": .string(id), "message": message]))
        case .importRefused(let file, let problems, let count):
            self.init(
                name: "io.yeard.Registry.ImportRefused",
                parameters: .object([
                    "file": .string(file), "problemCount": .int(Int64(count)),
                    "problems": .array(problems.map(ProblemInfo.json)), "message": message,
                ]))
        case .notReady(let year, let target, let blocking):
            self.init(
                name: "io.yeard.Approval.NotReady",
                parameters: .object([
                    "year": .string(year), "target": .string(target.rawValue),
                    "blocking": .array(
                        blocking.map { .object(["check": .string($0.check), "count": .int(Int64($0.count))]) }),
                    "message": message,
                ]))
        case .planHasErrors(let year, let errors):
            self.init(
                name: "io.yeard.Rollover.PlanHasErrors",
                parameters: .object([
                    "year": .string(year), "errors": .array(errors.map { .string($0.english) }),
                    "notes": .array(errors.map(\.json)), "message": message,
                ]))
        case .planStale(let id, let filed, let current):
            self.init(
                name: "io.yeard.Rollover.PlanStale",
                parameters: .object([
                    "id": .int(id), "filed": .string(filed), "current": .string(current), "message": message,
                ]))
        case .rolloverChanged(let rollover, let changes):
            self.init(
                name: "io.yeard.Rollover.ChangedSince",
                parameters: .object([
                    "rollover": .int(rollover), "changes": .array(changes.map { .string($0.english) }),
                    "notes": .array(changes.map(\.json)), "message": message,
                ]))
        case .internalFailure(let reason):
            self.init(
                name: "io.yeard.Year.InternalFailure",
                parameters: .object(["reason": .string(reason), "message": message]))
        }
    }
}
