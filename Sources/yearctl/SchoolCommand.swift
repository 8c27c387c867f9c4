import ArgumentParser
import YearCore
import YearProtocol

/// `yearctl school ...`.
struct SchoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "school", abstract: "The schools this instance serves.", subcommands: [List.self])

    /// `yearctl school list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The schools where you hold a role.", discussion: YeardAPI.help(for: YeardAPI.Year.listSchools))

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let reply = try await Client(options: options).call(YeardAPI.Year.listSchools, NoParameters())
            let l = options.l
            Client(options: options).output(reply) { reply in
                printTable(
                    [
                        l.trc("table heading", "ID"), l.trc("table heading", "NAME"),
                        l.trc("table heading", "GRADES"), l.trc("table heading", "GRADUATING"),
                        l.trc("table heading", "TIME ZONE"), l.trc("table heading", "YOUR ROLES"),
                    ],
                    l.sorted(reply.schools, by: \.name).map {
                        [
                            $0.id, $0.name, "\($0.firstGrade)-\($0.lastGrade)",
                            $0.graduatingGrades.map(String.init).joined(separator: ","), $0.timeZone,
                            $0.yourRoles.map { $0.name(l) }.joined(separator: ", "),
                        ]
                    }, empty: l.tr("no schools visible to you"))
            }
        }
    }
}
