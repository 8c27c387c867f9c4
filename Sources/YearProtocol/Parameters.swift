import YearCore

/// Parameters of a method, decoded from the call once they passed the check against the method's signature in the
/// method table (`VarlinkSignature`), which also refuses unknown fields.
public protocol MethodParameters: Codable, Sendable {}

extension NoParameters: MethodParameters {}

/// `org.varlink.service.GetInterfaceDescription`.
public struct InterfaceDescriptionParameters: MethodParameters {
    /// The interface's name.
    public var interface: String
}

/// Methods that take an optional school.
public struct SchoolFilterParameters: MethodParameters {
    /// The school; omitted means every school the caller may see.
    public var school: String?
    /// A filter.
    public init(school: String?) { self.school = school }
}

/// Methods that take an id.
public struct IDParameters: MethodParameters {
    /// The id.
    public var id: Int64
    /// An id.
    public init(id: Int64) { self.id = id }
}

/// `io.yeard.Year.Create`.
public struct YearCreateParameters: MethodParameters {
    /// The school (may be omitted when the instance serves one), the label, optional dates and grade ends.
    public var school: String?, label: String, startDate: String?, endDate: String?, gradeEnds: [GradeEndInfo]?
    /// Parameters with every field given.
    public init(
        school: String?, label: String, startDate: String?, endDate: String?, gradeEnds: [GradeEndInfo]? = nil
    ) {
        self.school = school
        self.label = label
        self.startDate = startDate
        self.endDate = endDate
        self.gradeEnds = gradeEnds
    }
}

/// `io.yeard.Approval.List`.
public struct RequestListParameters: MethodParameters {
    /// The school and the status to filter by.
    public var school: String?, status: RequestStatus?
    /// Parameters with every field given.
    public init(school: String?, status: RequestStatus?) {
        self.school = school
        self.status = status
    }
}

/// `io.yeard.Approval.File`.
public struct FileRequestParameters: MethodParameters {
    /// The year, the event (`start`, `begin-closing`, `reopen`) and the reason.
    public var year: Int64, event: YearEvent, reason: String?
    /// Parameters with every field given.
    public init(year: Int64, event: YearEvent, reason: String?) {
        self.year = year
        self.event = event
        self.reason = reason
    }
}

/// `io.yeard.Approval.Approve`.
public struct ApproveParameters: MethodParameters {
    /// The request, the approver's reason and the payload hash the approver reviewed.
    public var id: Int64, reason: String?, payloadHash: String?
    /// The error checks of the readiness report the approver accepts (the reason says why).
    public var accept: [String]?
    /// Parameters with every field given.
    public init(id: Int64, reason: String?, payloadHash: String?, accept: [String]? = nil) {
        self.id = id
        self.reason = reason
        self.payloadHash = payloadHash
        self.accept = accept
    }
}

/// `io.yeard.Approval.Reject` and `Cancel`.
public struct DecisionParameters: MethodParameters {
    /// The request and the reason.
    public var id: Int64, reason: String?
    /// Parameters with every field given.
    public init(id: Int64, reason: String?) {
        self.id = id
        self.reason = reason
    }
}

/// `io.yeard.Audit.List`.
public struct AuditListParameters: MethodParameters {
    /// Rows after this sequence, at most `limit`, of one school.
    public var after: Int64?, limit: Int?, school: String?
    /// Parameters with every field given.
    public init(after: Int64?, limit: Int?, school: String?) {
        self.after = after
        self.limit = limit
        self.school = school
    }
}
