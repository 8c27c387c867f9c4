/// Who is calling, as the kernel told the daemon (SO_PEERCRED and SO_PEERGROUPS) and the user database named it.
public struct Caller: Sendable, Hashable {
    /// The caller's user id and primary group id, from the kernel.
    public var uid: UInt32, gid: UInt32
    /// The caller's supplementary groups, from the kernel.
    public var groups: [UInt32]
    /// The user's name and the names of their groups, looked up by id (numbers when the id has no name).
    public var userName: String, groupNames: Set<String>

    /// A caller with every field given.
    public init(uid: UInt32, gid: UInt32, groups: [UInt32] = [], userName: String, groupNames: Set<String> = []) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.userName = userName
        self.groupNames = groupNames
    }

    /// The daemon acting on its own (expiring requests, for instance).
    public static let daemon = Caller(uid: UInt32.max, gid: UInt32.max, userName: "yeard")
}

/// One grant of the configuration: a role, to a user or a group, at one school or at all of them.
public struct RoleGrant: Sendable, Hashable, Codable {
    /// Whom the grant names.
    public enum Subject: Sendable, Hashable, Codable {
        case user(String)
        case uid(UInt32)
        case group(String)
        case gid(UInt32)
    }

    /// The role granted.
    public var role: Role
    /// Whom it is granted to.
    public var subject: Subject
    /// The school, or nil for every school of the instance.
    public var school: String?

    /// A grant with every field given.
    public init(role: Role, subject: Subject, school: String?) {
        self.role = role
        self.subject = subject
        self.school = school
    }

    /// Whether the grant names `caller`.
    public func names(_ caller: Caller) -> Bool {
        switch subject {
        case .user(let name): caller.userName == name
        case .uid(let uid): caller.uid == uid
        case .group(let name): caller.groupNames.contains(name)
        case .gid(let gid): caller.gid == gid || caller.groups.contains(gid)
        }
    }
}

/// The roles of every caller, derived from the grants alone: root and the socket's group get nothing implicitly.
public struct AccessPolicy: Sendable, Hashable {
    /// The grants of the configuration.
    public var grants: [RoleGrant]

    /// A policy of these grants.
    public init(grants: [RoleGrant]) { self.grants = grants }

    /// The roles `caller` holds at `school`.
    public func roles(of caller: Caller, at school: String) -> Set<Role> {
        Set(grants.filter { ($0.school == nil || $0.school == school) && $0.names(caller) }.map(\.role))
    }

    /// The schools (of `schools`) where `caller` holds at least one of `roles`.
    public func schools(of caller: Caller, holding roles: Set<Role>, among schools: [String]) -> [String] {
        schools.filter { !self.roles(of: caller, at: $0).isDisjoint(with: roles) }
    }
}
