/// A role that the configuration grants to users or groups, per school or for all schools.
///
/// Roles come only from the configuration: being root or being able to connect grants none.
public enum Role: String, ClosedSet, Hashable, Comparable {
    /// The deputy director: controls data and approves transitions.
    case coordinator
    /// The school's network administrator: runs the year and requests transitions.
    case admin
    /// Enrollments, withdrawals, orders.
    case secretary
    /// Final grades for their own classes and subjects.
    case teacher
    /// Reads everything, changes nothing (inspectors, the director).
    case auditor

    /// Orders roles from the most to the least powerful, so that the audit names the strongest one held.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .coordinator: 0
        case .admin: 1
        case .secretary: 2
        case .teacher: 3
        case .auditor: 4
        }
    }
}
