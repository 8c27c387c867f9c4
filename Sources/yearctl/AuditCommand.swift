import ArgumentParser
import YearCore
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
            let moment = await Moments.fetch(options)
            let l = options.l
            Client(options: options).output(reply) { reply in
                printTable(
                    [
                        l.trc("table heading", "SEQ"), l.trc("table heading", "AT"), l.trc("table heading", "USER"),
                        l.trc("table heading", "ROLE"), l.trc("table heading", "SCHOOL"),
                        l.trc("table heading", "ACTION"), l.trc("table heading", "TARGET"),
                    ],
                    reply.entries.map {
                        [
                            String($0.seq), moment($0.at, school: $0.school ?? ""), "\($0.user)(\($0.uid))",
                            Role(rawValue: $0.role)?.name(l) ?? $0.role, $0.school ?? "-", $0.action, $0.target,
                        ]
                    }, empty: l.tr("no audit rows"))
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
            let l = options.l
            Client(options: options).output(reply) { reply in
                let a = [
                    "rows": l.number(Int(reply.rows)), "head": reply.head ?? l.tr("(empty)"),
                    "row": String(reply.brokenAt ?? 0), "reason": reply.reason ?? "",
                ]
                if reply.intact {
                    print(
                        l.trn(
                            "audit chain intact: {rows} row, head {head}",
                            "audit chain intact: {rows} rows, head {head}", Int(reply.rows), a))
                } else {
                    print(l.tr("audit chain BROKEN at row {row}: {reason}", a))
                }
            }
            if !reply.intact { throw ExitCode(ExitStatus.refused.rawValue) }
        }
    }
}
