import ArgumentParser
import YearProtocol

/// `yearctl status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Each school's active year, the years being prepared, requests waiting.",
        discussion: YeardAPI.help(for: YeardAPI.Year.status))

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let reply = try await Client(options: options).call(YeardAPI.Year.status, NoParameters())
        Client(options: options).output(reply) { reply in
            print("yeard \(reply.version), up \(reply.uptimeSeconds) s; audit head \(reply.auditHead ?? "(empty)")")
            // A school's year is its active one (in progress or closing) or, before the first starts, the year
            // being prepared, with its state named as `yearctl year list` names it; further open years follow.
            printTable(
                ["SCHOOL", "YEAR", "STATE", "ALSO OPEN (BEING PREPARED)", "PENDING REQUESTS"],
                reply.schools.map { school in
                    let year = school.activeYear ?? school.openYears.first
                    let others = school.openYears.filter { $0.label != year?.label }
                    return [
                        school.id, year?.label ?? "-", year?.state.rawValue ?? "-",
                        others.map(\.label).joined(separator: ", ").ifEmpty("-"), String(school.pendingRequests),
                    ]
                }, empty: "no schools visible to you")
        }
    }
}

extension String {
    /// `replacement` when the string is empty.
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
