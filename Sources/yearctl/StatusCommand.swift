import ArgumentParser
import YearCore
import YearProtocol

/// `yearctl status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Each school's active year, the years being prepared, requests waiting.",
        discussion: YeardAPI.help(for: YeardAPI.Year.status))

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let reply = try await Client(options: options).call(YeardAPI.Year.status, NoParameters())
        let l = options.l
        Client(options: options).output(reply) { reply in
            print(
                l.tr(
                    "yeard {version}, up {seconds} s; audit head {head}",
                    [
                        "version": reply.version, "seconds": l.number(Int(reply.uptimeSeconds)),
                        "head": reply.auditHead ?? l.tr("(empty)"),
                    ]))
            // A school's year is its active one (in progress or closing) or, before the first starts, the year
            // being prepared, with its state named as `yearctl year list` names it; further open years follow.
            printTable(
                [
                    l.trc("table heading", "SCHOOL"), l.trc("table heading", "YEAR"),
                    l.trc("table heading", "STATE"), l.trc("table heading", "ALSO OPEN (BEING PREPARED)"),
                    l.trc("table heading", "PENDING REQUESTS"),
                ],
                reply.schools.map { school in
                    let year = school.activeYear ?? school.openYears.first
                    let others = school.openYears.filter { $0.label != year?.label }
                    return [
                        school.id, year?.label ?? "-", year?.state.name(l) ?? "-",
                        others.map(\.label).joined(separator: ", ").ifEmpty("-"), l.number(school.pendingRequests),
                    ]
                }, empty: l.tr("no schools visible to you"))
        }
    }
}

extension String {
    /// `replacement` when the string is empty.
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
