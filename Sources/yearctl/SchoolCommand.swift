import ArgumentParser
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
            Client(options: options).output(reply) { reply in
                printTable(
                    ["ID", "NAME", "GRADES", "GRADUATING", "TIME ZONE", "YOUR ROLES"],
                    reply.schools.map {
                        [
                            $0.id, $0.name, "\($0.firstGrade)-\($0.lastGrade)",
                            $0.graduatingGrades.map(String.init).joined(separator: ","), $0.timeZone,
                            $0.yourRoles.map(\.rawValue).joined(separator: ","),
                        ]
                    }, empty: "no schools visible to you")
            }
        }
    }
}
