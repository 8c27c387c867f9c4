import ArgumentParser
import YearCore

// The closed sets yearctl takes on its command line: ArgumentParser parses them, refuses anything else before a call
// is made, and lists the values in --help and in shell completions.

extension RegistryKind: ExpressibleByArgument {
    /// A kind, in any case (`Students` is `students`).
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension ReadinessTarget: ExpressibleByArgument {}
extension CheckReport.Format: ExpressibleByArgument {}
extension RequestStatus: ExpressibleByArgument {}
extension OrderKind: ExpressibleByArgument {
    /// A kind of order, in any case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
