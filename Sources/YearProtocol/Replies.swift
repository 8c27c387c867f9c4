/// `org.varlink.service.GetInfo`.
public struct ServiceInfoReply: Codable, Sendable {
    /// Who made the service, what it is, its version and address, and its interfaces.
    public var vendor: String, product: String, version: String, url: String, interfaces: [String]

    /// A reply with every field given.
    public init(vendor: String, product: String, version: String, url: String, interfaces: [String]) {
        self.vendor = vendor
        self.product = product
        self.version = version
        self.url = url
        self.interfaces = interfaces
    }
}

/// `org.varlink.service.GetInterfaceDescription`.
public struct InterfaceDescriptionReply: Codable, Sendable {
    /// The interface's description text.
    public var description: String

    /// A reply with every field given.
    public init(description: String) {
        self.description = description
    }
}

/// `io.yeard.Year.Status`.
public struct StatusReply: Codable, Sendable {
    /// The daemon's version, its uptime in seconds and the audit chain's head.
    public var version: String, uptimeSeconds: Int64, auditHead: String?
    /// One line per school the caller may see.
    public var schools: [SchoolStatus]

    /// A reply with every field given.
    public init(version: String, uptimeSeconds: Int64, auditHead: String?, schools: [SchoolStatus]) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.auditHead = auditHead
        self.schools = schools
    }
}

/// `io.yeard.Year.ListSchools`.
public struct SchoolListReply: Codable, Sendable {
    /// The schools the caller may see.
    public var schools: [SchoolInfo]

    /// A reply with every field given.
    public init(schools: [SchoolInfo]) {
        self.schools = schools
    }
}

/// `io.yeard.Year.List`.
public struct YearListReply: Codable, Sendable {
    /// The years.
    public var years: [YearInfo]

    /// A reply with every field given.
    public init(years: [YearInfo]) {
        self.years = years
    }
}

/// `io.yeard.Year.Get`, `Create`.
public struct YearReply: Codable, Sendable {
    /// The year.
    public var year: YearInfo

    /// A reply with every field given.
    public init(year: YearInfo) {
        self.year = year
    }
}

/// `io.yeard.Approval.List`.
public struct RequestListReply: Codable, Sendable {
    /// The requests.
    public var requests: [RequestInfo]

    /// A reply with every field given.
    public init(requests: [RequestInfo]) {
        self.requests = requests
    }
}

/// `io.yeard.Approval.Get`, `File`, `Reject`, `Cancel`.
public struct RequestReply: Codable, Sendable {
    /// The request.
    public var request: RequestInfo

    /// A reply with every field given.
    public init(request: RequestInfo) {
        self.request = request
    }
}

/// `io.yeard.Approval.Approve`.
public struct ApproveReply: Codable, Sendable {
    /// The request as approved and the year as it now stands.
    public var request: RequestInfo, year: YearInfo

    /// A reply with every field given.
    public init(request: RequestInfo, year: YearInfo) {
        self.request = request
        self.year = year
    }
}

/// `io.yeard.Audit.List`.
public struct AuditListReply: Codable, Sendable {
    /// The rows.
    public var entries: [AuditEntryInfo]

    /// A reply with every field given.
    public init(entries: [AuditEntryInfo]) {
        self.entries = entries
    }
}

/// `io.yeard.Audit.Verify`.
public struct AuditVerifyReply: Codable, Sendable {
    /// Whether the chain holds, how many rows it has and its head; else the first broken row and why.
    public var intact: Bool, rows: Int64, head: String?, brokenAt: Int64?, reason: String?

    /// A reply with every field given.
    public init(intact: Bool, rows: Int64, head: String?, brokenAt: Int64?, reason: String?) {
        self.intact = intact
        self.rows = rows
        self.head = head
        self.brokenAt = brokenAt
        self.reason = reason
    }
}
