import ArgumentParser
import YearProtocol

/// `yearctl audit ...`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The tamper-evident audit log.", subcommands: [List.self, Verify.self])

    /// `yearctl audit list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Audit rows, oldest first.", discussion: YeardAPI.help(for: YeardAPI.Audit.list))
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only rows after this sequence number.") var after: Int64?
        @Option(help: "At most this many rows (1-1000).") var limit: Int = 100

        func run() async throws {
            let reply = try await Client(options: options).call(
                YeardAPI.Audit.list, AuditListParameters(after: after, limit: limit, school: options.school))
            Client(options: options).output(reply) { reply in
                printTable(
                    ["SEQ", "AT", "USER", "ROLE", "SCHOOL", "ACTION", "TARGET"],
                    reply.entries.map {
                        [
                            String($0.seq), $0.at, "\($0.user)(\($0.uid))", $0.role, $0.school ?? "-", $0.action,
                            $0.target,
                        ]
                    }, empty: "no audit rows")
            }
        }
    }

    /// `yearctl audit verify`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain; name the first broken row (exit 1 if broken).",
            discussion: YeardAPI.help(for: YeardAPI.Audit.verify))
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let reply = try await Client(options: options).call(YeardAPI.Audit.verify, NoParameters())
            Client(options: options).output(reply) { reply in
                if reply.intact {
                    print("audit chain intact: \(reply.rows) rows, head \(reply.head ?? "(empty)")")
                } else {
                    print("audit chain BROKEN at row \(reply.brokenAt ?? 0): \(reply.reason ?? "")")
                }
            }
            if !reply.intact { throw ExitCode(ExitStatus.refused.rawValue) }
        }
    }
}
