import YearCore

/// Which school a call concerns, so that the caller's roles can be checked there before anything runs.
public enum MethodScope: Sendable, Equatable {
    /// No school: the service interface, open to anyone who can connect.
    case service
    /// Every school the caller may see; the reply is filtered to them.
    case allVisible
    /// The whole instance: the caller must hold one of the roles at every configured school.
    case everySchool
    /// The school named by the `school` field; `required` false means omitted = every visible school.
    case school(required: Bool)
    /// The school of the year whose id is in `field`.
    case year(field: String)
    /// The school of the request whose id is in `field`.
    case request(field: String)
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

    /// `interface.name`.
    public var fullName: String { "\(interface).\(name)" }

    /// A row with every field given.
    public init(
        _ interface: String, _ name: String, parameters: String, reply: String, doc: String, roles: Set<Role>,
        mutating: Bool, scope: MethodScope
    ) {
        self.interface = interface
        self.name = name
        self.parameters = parameters
        self.reply = reply
        self.doc = doc
        self.roles = roles
        self.mutating = mutating
        self.scope = scope
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
