import Foundation
import Logging
import YearCore
import YearProtocol
import YearStore

/// Turns one Varlink message into one reply: decode -> authorize -> handler -> encode.
///
/// Routes are built from `YeardAPI.methods`, the single method table: a method without a route, or a route without
/// a method, fails the daemon's tests. Refusals of mutating calls and every permission denial are audited.
final class Dispatcher: Sendable {
    /// What the connection should do after a message.
    enum Outcome: Sendable {
        /// Send these bytes (one reply, without its NUL).
        case reply(Data)
        /// Send nothing (a oneway call).
        case none
        /// The message was not a Varlink call: send these bytes (an `InvalidMessage` error), then close.
        case replyAndClose(Data, reason: String)
    }

    /// How one method is served: how to decode its parameters, and the handler.
    struct Route: Sendable {
        let decode: @Sendable (JSONValue) throws -> any Sendable
        let run: @Sendable (any Sendable, CallContext) async throws -> Data
    }

    let state: DaemonState
    let logger: Logger
    let routes: [String: Route]
    /// Each method's parameter list, parsed once from the method table.
    let signatures: [String: VarlinkSignature] = YeardAPI.methods.mapValues(\.parameterSignature)

    init(state: DaemonState, logger: Logger) {
        self.state = state
        self.logger = logger
        routes = Handlers(state: state).routes()
    }

    /// Serves one message from `caller`.
    func handle(_ message: Data, from caller: Caller) async -> Outcome {
        let call: VarlinkCall
        do {
            call = try VarlinkCall(parsing: message)
        } catch {
            return .replyAndClose(Self.encodeError(.invalidMessage(error.reason)), reason: error.reason)
        }
        let reply: Data
        // A mutating call (done or refused) or a denial of any call may have written an audit row: re-anchor the head.
        var movesAudit = YeardAPI.methods[call.method]?.mutating == true
        do {
            reply = try await dispatch(call, caller: caller)
        } catch let error as VarlinkError {
            reply = Self.encodeError(error)
            // A denial is audited whatever the method (other refusals of reads are not).
            if error.name == "io.yeard.Year.PermissionDenied" { movesAudit = true }
        } catch {
            logger.error("call failed", metadata: ["method": "\(call.method)", "error": "\(error)"])
            reply = Self.encodeError(VarlinkError(.internalFailure(reason: "\(error)")))
        }
        if movesAudit { await state.anchorAuditHead() }
        return call.oneway == true ? .none : .reply(reply)
    }

    private func dispatch(_ call: VarlinkCall, caller: Caller) async throws -> Data {
        guard let route = routes[call.method] else {
            let interface = call.method.split(separator: ".").dropLast().joined(separator: ".")
            if YeardAPI.interface(named: interface) == nil { throw VarlinkError.interfaceNotFound(interface) }
            throw VarlinkError.methodNotFound(call.method)
        }
        guard let spec = YeardAPI.methods[call.method] else { throw VarlinkError.methodNotFound(call.method) }
        var context = CallContext(caller: caller, school: nil, visibleSchools: [], now: Date())
        do {
            if call.upgrade == true {
                throw VarlinkError.invalidParameter("upgrade", "no method of yeard upgrades the connection")
            }
            let parameters = call.parameters == .null ? JSONValue.object([:]) : call.parameters ?? .object([:])
            guard case .object(let fields) = parameters else {
                throw VarlinkError.invalidParameter("parameters", "must be an object")
            }
            if let (field, reason) = (signatures[call.method] ?? .empty).violation(in: fields) {
                throw VarlinkError.invalidParameter(field, reason)
            }
            if let (field, found) = Self.forbiddenText(in: fields) {
                let params = DisplaySafety.problemParameters(found)
                throw VarlinkError.invalidParameter(
                    field, DisplaySafety.problem(found), note: Note(params["code"] ?? "control", params))
            }
            // The typed parameters come from the tree StrictJSON made of the message: it is read once.
            let decoded = try route.decode(parameters)
            try await state.authorize(spec, parameters: decoded, context: &context)
            return try await route.run(decoded, context)
        } catch let error as YearError {
            let mapped = VarlinkError(error)
            await refused(
                spec, call: call, context: context, error: mapped,
                denial: Self.isDenial(error) || context.concealedDenial)
            throw mapped
        } catch let error as VarlinkError {
            await refused(spec, call: call, context: context, error: error, denial: false)
            throw error
        }
    }

    /// The first parameter (in name order) whose text, or a key or string inside it, holds a character that no
    /// stored text may hold (DisplaySafety; line feeds are allowed, for reasons of several lines): every string of
    /// every method is checked here once, so that no handler can store one by forgetting to.
    static func forbiddenText(in fields: [String: JSONValue]) -> (String, (position: Int, scalar: Unicode.Scalar))? {
        func first(in value: JSONValue) -> (position: Int, scalar: Unicode.Scalar)? {
            switch value {
            case .string(let text): return DisplaySafety.firstForbidden(in: text, allowingLineFeed: true)
            case .array(let items): return items.lazy.compactMap(first(in:)).first
            case .object(let members):
                for (key, member) in members {
                    if let found = DisplaySafety.firstForbidden(in: key) ?? first(in: member) { return found }
                }
                return nil
            default: return nil
            }
        }
        for name in fields.keys.sorted() {
            if let value = fields[name], let found = first(in: value) { return (name, found) }
        }
        return nil
    }

    private static func isDenial(_ error: YearError) -> Bool {
        if case .permissionDenied = error { return true }
        return false
    }

    private func refused(_ spec: MethodSpec, call: VarlinkCall, context: CallContext, error: VarlinkError, denial: Bool)
        async
    {
        guard spec.mutating || denial else { return }
        let (decision, due) = state.refusals.withLock {
            $0.admit(
                uid: context.caller.uid, userName: context.caller.userName, method: spec.fullName, denial: denial,
                at: context.now)
        }
        await state.recordCountedRefusals(due, now: context.now)
        guard decision != .count else { return }
        let school = context.school
        let roles = school.map { state.policy.roles(of: context.caller, at: $0) } ?? []
        do {
            try await state.database.recordRefusal(
                method: spec.fullName, error: error.name, message: error.message, caller: context.caller,
                role: roles.min()?.rawValue ?? "none", school: school, parameters: call.parameters ?? .object([:]),
                lastInWindow: decision == .recordLast)
        } catch {
            logger.error("could not audit a refusal", metadata: ["method": "\(spec.fullName)", "error": "\(error)"])
        }
    }

    static func encodeError(_ error: VarlinkError) -> Data {
        (try? VarlinkJSON.encode(VarlinkReply(parameters: error.parameters, error: error.name)))
            ?? Data(#"{"error":"io.yeard.Year.InternalFailure"}"#.utf8)
    }

    /// The field a decoding error is about, and why, in words.
    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .typeMismatch(let type, let context): return "expected \(type) at \(path(context.codingPath))"
        case .valueNotFound(let type, let context): return "expected \(type) at \(path(context.codingPath))"
        case .keyNotFound(let key, _): return "missing '\(key.stringValue)'"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "\(error)"
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map(\.stringValue).filter { $0 != "parameters" }.joined(separator: ".")
    }

    /// The parameter a decoding error names (the first field below `parameters`).
    static func field(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return path(context.codingPath).split(separator: ".").first.map(String.init) ?? "parameters"
        case .keyNotFound(let key, _): return key.stringValue
        @unknown default: return "parameters"
        }
    }
}

extension Dispatcher {
    /// The route of `method`: its handler takes the method's parameters and returns its reply, so that a handler of
    /// the wrong types does not compile.
    static func route<P, R>(_ method: Method<P, R>, _ body: @escaping @Sendable (P, CallContext) async throws -> R)
        -> (String, Route)
    {
        rawRoute(method) { parameters, context in
            try VarlinkJSON.encode(VarlinkReply(parameters: try await body(parameters, context)))
        }
    }

    /// The route of `method` whose handler writes the whole reply message itself (`{"parameters":{...}}`), for a
    /// reply that is cheaper spliced from parts encoded once than encoded whole on every call (the reply must still
    /// be an `R`: the e2e tests check every reply against the interface description).
    static func rawRoute<P, R>(
        _ method: Method<P, R>, _ body: @escaping @Sendable (P, CallContext) async throws -> Data
    ) -> (String, Route) {
        let name = method.fullName
        let decode: @Sendable (JSONValue) throws -> any Sendable = { parameters in
            do {
                return try JSONValueDecoder().decode(P.self, from: parameters)
            } catch let error as DecodingError {
                throw VarlinkError.invalidParameter(field(of: error), describe(error))
            }
        }
        let run: @Sendable (any Sendable, CallContext) async throws -> Data = { value, context in
            guard let parameters = value as? P else {
                throw YearError.internalFailure(reason: "parameters of \(name) decoded as the wrong type")
            }
            return try await body(parameters, context)
        }
        return (name, Route(decode: decode, run: run))
    }
}
