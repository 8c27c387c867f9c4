/// Who the caller must be in the registry for a write to go through: a check that needs the school's data, so the
/// store makes it inside the very transaction of the write it guards (it cannot go stale between check and write).
/// The method table names which methods carry one (`Access` in YearProtocol); authorization builds it from the call.
public struct OwnershipCheck: Sendable, Equatable {
    /// What the caller's member of staff must be.
    public enum Rule: Sendable, Equatable {
        /// Writes only rows of their own teaching assignments (a teacher's grades).
        case ownAssignments
        /// Leads the class in which the student is enrolled now (a class teacher's change of a guardian's contact).
        case classTeacher(student: String)
        /// Leads the class of this name in a year not closed (a class teacher's reading of their own class).
        case leadsClass(String)
    }

    /// The rule.
    public let rule: Rule
    /// The caller's user name, which names their member of staff (`staff.login`).
    public let login: String
    /// The refusal when the caller is not that member of staff.
    public let denial: YearError

    /// A check of `rule` for the member of staff whose login is `login`, refused with `denial`.
    public init(_ rule: Rule, login: String, denial: YearError) {
        self.rule = rule
        self.login = login
        self.denial = denial
    }
}
