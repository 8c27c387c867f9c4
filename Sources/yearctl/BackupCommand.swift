import ArgumentParser
import Foundation
import YearCore
import YearProtocol

/// `yearctl backup`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Online backups of the database into the state directory.",
        subcommands: [Create.self, List.self])

    /// `yearctl backup create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a verified backup now (admin at every school).",
            discussion: YeardAPI.help(for: YeardAPI.Backup.create))
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(YeardAPI.Backup.create, NoParameters())
            let l = options.l
            client.output(reply) { reply in
                print(
                    l.tr(
                        "Backup written: {path} ({megabytes} MB, checked, in {seconds} s)",
                        [
                            "path": reply.backup.path,
                            "megabytes": l.decimal(Double(reply.backup.bytes) / 1e6, fractionDigits: 1),
                            "seconds": l.decimal(reply.seconds, fractionDigits: 2),
                        ]))
            }
        }
    }

    /// `yearctl backup list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The backups, newest first.", discussion: YeardAPI.help(for: YeardAPI.Backup.list))
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(YeardAPI.Backup.list, NoParameters())
            let l = options.l
            let moment = await Moments.fetch(options)
            // Backups are the instance's, not a school's: their times are shown in UTC, and say so.
            let school = ""
            client.output(reply) { reply in
                printTable(
                    [
                        l.trc("table heading", "BACKUP"), l.trc("table heading", "SIZE"),
                        l.trc("table heading", "WRITTEN"),
                    ],
                    reply.backups.map {
                        [
                            $0.name,
                            l.tr(
                                "{megabytes} MB", ["megabytes": l.decimal(Double($0.bytes) / 1e6, fractionDigits: 1)]),
                            moment($0.createdAt, school: school),
                        ]
                    },
                    empty: l.tr("no backups yet: 'yearctl backup create' writes one"))
            }
        }
    }
}
