import ArgumentParser
import Foundation
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
            client.output(reply) { reply in
                print(
                    String(
                        format: "Backup written: %@ (%.1f MB, checked, in %.2f s)", reply.backup.path,
                        Double(reply.backup.bytes) / 1e6, reply.seconds))
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
            client.output(reply) { reply in
                printTable(
                    ["BACKUP", "SIZE", "WRITTEN"],
                    reply.backups.map { [$0.name, String(format: "%.1f MB", Double($0.bytes) / 1e6), $0.createdAt] },
                    empty: "no backups yet: 'yearctl backup create' writes one")
            }
        }
    }
}
