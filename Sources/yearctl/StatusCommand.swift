import ArgumentParser
import YearProtocol

/// `yearctl status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Each school's active year, the years being prepared, requests waiting.",
        discussion: YeardAPI.help(for: "io.yeard.Year.Status"))

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let reply = try await Client(options: options).call(
            "io.yeard.Year.Status", NoParameters(), as: StatusReply.self)
        Client(options: options).output(reply) { reply in
            print("yeard \(reply.version), up \(reply.uptimeSeconds) s; audit head \(reply.auditHead ?? "(empty)")")
            let shown = reply.schools
            printTable(
                ["SCHOOL", "ACTIVE YEAR", "STATE", "BEING PREPARED", "PENDING REQUESTS"],
                shown.map { school in
                    [
                        school.id, school.activeYear?.label ?? "-", school.activeYear?.state ?? "-",
                        school.openYears.map(\.label).joined(separator: ", ").ifEmpty("-"),
                        String(school.pendingRequests),
                    ]
                }, empty: "no schools visible to you")
        }
    }
}

extension String {
    /// `replacement` when the string is empty.
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
