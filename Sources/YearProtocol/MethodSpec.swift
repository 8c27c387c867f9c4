import YearCore

/// Which school a call concerns, so that the caller's roles can be checked there before anything runs; the school or
/// the id is read from the decoded parameters through a key path, so that a scope cannot name a field the method does
/// not take.
public enum Scope<Parameters: MethodParameters>: Sendable {
    /// No school: the service interface, open to anyone who can connect.
    case service
    /// Every school the caller may see; the reply is filtered to them.
    case allVisible
    /// The whole instance: the caller must hold one of the roles at every configured school.
    case everySchool
    /// The school named by the parameter at `school`; `required` false means omitted = every visible school.
    case school(required: Bool, any KeyPath<Parameters, String?> & Sendable)
    /// The school of the year whose id is at the key path.
    case year(any KeyPath<Parameters, Int64> & Sendable)
    /// The school of the request whose id is at the key path.
    case request(any KeyPath<Parameters, Int64> & Sendable)
}

/// What a method asks of its caller beyond one of its roles at the school it concerns: the rest of the permission
/// table. The role part is checked with the scope, before the handler runs; the part that needs the registry becomes
/// an `OwnershipCheck` that the store makes inside the write it guards.
public enum Access<Parameters: MethodParameters>: Sendable {
    /// One of the method's roles is enough.
    case roles
    /// The writer role of the registry kind at the key path (`RegistryKind.writerRole`); a teacher's grades are
    /// bound to the teacher's own assignments.
    case kindWriter(any KeyPath<Parameters, RegistryKind> & Sendable)
    /// `role`, or else the class teacher of the student at the key path.
    case roleOrClassTeacher(Role, student: any KeyPath<Parameters, String> & Sendable)
    /// One of `roles`, or else the class teacher of the class at the key path (which a teacher must name).
    case rolesOrTeacherOfClass(Set<Role>, class: any KeyPath<Parameters, String?> & Sendable)
}

/// `Access` with the parameters' type erased.
public enum MethodAccess: Sendable {
    /// See `Access.roles`.
    case roles
    /// See `Access.kindWriter`: the kind the parameters name.
    case kindWriter(@Sendable (any Sendable) -> RegistryKind?)
    /// See `Access.roleOrClassTeacher`: the role, and the student the parameters name.
    case roleOrClassTeacher(Role, student: @Sendable (any Sendable) -> String?)
    /// See `Access.rolesOrTeacherOfClass`: the roles, and the class the parameters name (nil: none named).
    case rolesOrTeacherOfClass(Set<Role>, class: @Sendable (any Sendable) -> String?)

    init<P: MethodParameters>(_ access: Access<P>) {
        switch access {
        case .roles: self = .roles
        case .kindWriter(let path): self = .kindWriter { ($0 as? P)?[keyPath: path] }
        case .roleOrClassTeacher(let role, let path):
            self = .roleOrClassTeacher(role) { ($0 as? P)?[keyPath: path] }
        case .rolesOrTeacherOfClass(let roles, let path):
            self = .rolesOrTeacherOfClass(roles) { ($0 as? P)?[keyPath: path] ?? nil }
        }
    }
}

/// A method's scope with its parameters' type erased, as the dispatcher meets it: it reads the school or the id
/// from the parameters the method's own descriptor decoded.
public enum MethodScope: Sendable {
    /// See `Scope.service`.
    case service
    /// See `Scope.allVisible`.
    case allVisible
    /// See `Scope.everySchool`.
    case everySchool
    /// See `Scope.school`: the school the parameters name, if any.
    case school(required: Bool, named: @Sendable (any Sendable) -> String?)
    /// See `Scope.year`: the year's id in the parameters.
    case year(id: @Sendable (any Sendable) -> Int64?)
    /// See `Scope.request`: the request's id in the parameters.
    case request(id: @Sendable (any Sendable) -> Int64?)

    init<P: MethodParameters>(_ scope: Scope<P>) {
        switch scope {
        case .service: self = .service
        case .allVisible: self = .allVisible
        case .everySchool: self = .everySchool
        case .school(let required, let path): self = .school(required: required) { ($0 as? P)?[keyPath: path] }
        case .year(let path): self = .year { ($0 as? P)?[keyPath: path] }
        case .request(let path): self = .request { ($0 as? P)?[keyPath: path] }
        }
    }
}

/// One method of the protocol, typed by the parameters it takes and the reply it gives: the single description
/// that the interface text, the dispatcher's route, the permission check and yearctl's call are all made from.
/// A handler registered for it must take `Parameters` and return `Reply`; a client calling it gets `Reply`.
public struct Method<Parameters: MethodParameters, Reply: Codable & Sendable>: Sendable {
    /// The row of the method table (name, signatures, roles, scope), with the types erased.
    public let spec: MethodSpec

    /// A method; `parameters` and `reply` are its Varlink signatures, which a test holds to `Parameters` and `Reply`.
    public init(
        _ interface: String, _ name: String, parameters: String, reply: String, doc: String, roles: Set<Role>,
        mutating: Bool, scope: Scope<Parameters>, access: Access<Parameters> = .roles
    ) {
        spec = MethodSpec(
            interface, name, parameters: parameters, reply: reply, doc: doc, roles: roles, mutating: mutating,
            scope: MethodScope(scope), access: MethodAccess(access), parametersType: Parameters.self,
            replyType: Reply.self)
    }

    /// `interface.name`.
    public var fullName: String { spec.fullName }
}

/// One row of the method table: the single source for dispatch, permission checks, client help and docs.
public struct MethodSpec: Sendable {
    /// The interface and the method's name in it.
    public let interface: String, name: String
    /// The Varlink signature of the parameters and of the reply, as in the interface description.
    public let parameters: String, reply: String
    /// What the method does, for the description and the docs.
    public let doc: String
    /// The roles any one of which lets a caller call it (empty: anyone who can connect).
    public let roles: Set<Role>
    /// Whether the method changes state (its refusals are audited).
    public let mutating: Bool
    /// The school the call concerns.
    public let scope: MethodScope
    /// What the method asks beyond one of its roles there.
    public let access: MethodAccess
    /// The Swift types of the parameters and of the reply (for the tests that hold them to the signatures).
    public let parametersType: any MethodParameters.Type, replyType: any (Codable & Sendable).Type

    /// `interface.name`.
    public var fullName: String { "\(interface).\(name)" }

    init(
        _ interface: String, _ name: String, parameters: String, reply: String, doc: String, roles: Set<Role>,
        mutating: Bool, scope: MethodScope, access: MethodAccess, parametersType: any MethodParameters.Type,
        replyType: any (Codable & Sendable).Type
    ) {
        self.access = access
        self.interface = interface
        self.name = name
        self.parameters = parameters
        self.reply = reply
        self.doc = doc
        self.roles = roles
        self.mutating = mutating
        self.scope = scope
        self.parametersType = parametersType
        self.replyType = replyType
    }
}

/// One Varlink interface: its description is rendered from its types, its rows of the method table and its errors.
public struct VarlinkInterface: Sendable {
    /// `io.yeard.Year`.
    public let name: String
    /// The comment at the top of the description.
    public let doc: String
    /// Type definitions, in Varlink syntax.
    public let types: String
    /// The interface's methods.
    public let methods: [MethodSpec]
    /// Error definitions, in Varlink syntax.
    public let errors: String

    /// The interface description, as `GetInterfaceDescription` returns it.
    public var description: String {
        var text = doc.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)" }.joined(
            separator: "\n")
        text += "\ninterface \(name)\n"
        if !types.isEmpty { text += "\n" + types.trimmingTrailingNewlines() + "\n" }
        for method in methods {
            text += "\n"
            text += method.doc.split(separator: "\n").map { "# \($0)" }.joined(separator: "\n")
            if method.interface != "org.varlink.service" {
                let who =
                    method.roles.isEmpty ? "anyone" : method.roles.sorted().map(\.rawValue).joined(separator: ", ")
                text += "\n# Roles: \(who)\(method.mutating ? " (changes state)" : "")."
            }
            text += "\nmethod \(method.name)\(method.parameters) -> \(method.reply)\n"
        }
        if !errors.isEmpty { text += "\n" + errors.trimmingTrailingNewlines() + "\n" }
        return text
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
