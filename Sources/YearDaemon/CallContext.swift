import Foundation
import YearCore

/// What a handler knows about the call it serves, after authorization.
struct CallContext: Sendable {
    /// Who is calling.
    var caller: Caller
    /// The school the call concerns, when its scope names one.
    var school: String?
    /// The schools whose data the caller may see through this method.
    var visibleSchools: [String]
    /// The time of the call (handlers take it from here so tests can drive time).
    var now: Date
    /// Whether authorization refused the call as if its year or request did not exist, because they belong to a
    /// school where the caller holds no role: audited as the denial it is, answered as the unknown id.
    var concealedDenial = false
    /// Who the caller must be in the registry for the write to go through (the method table's access rule, made
    /// concrete for this call), which the store checks inside the write.
    var ownership: OwnershipCheck?

    /// The school of a method whose scope requires one (authorization has set it before any handler runs).
    func requiredSchool() throws -> String {
        guard let school else { throw YearError.invalid("school", "school-required") }
        return school
    }
}
