import Foundation
import YearCore
import YearProtocol
import YearStore

extension Handlers {
    /// The routes of `io.yeard.Backup`.
    func backupRoutes() -> [(String, Dispatcher.Route)] {
        [
            Dispatcher.route("io.yeard.Backup.Create", createBackup),
            Dispatcher.route("io.yeard.Backup.List", listBackups),
        ]
    }

    func createBackup(_ parameters: NoParameters, _ context: CallContext) async throws -> BackupCreateReply {
        let backup = try await state.backUp(by: context.caller, role: Role.admin.rawValue, now: context.now)
        return BackupCreateReply(backup: Self.info(path: backup.path), seconds: backup.seconds)
    }

    func listBackups(_ parameters: NoParameters, _ context: CallContext) async throws -> BackupListReply {
        let directory = state.backupDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let backups = names.filter { $0.hasSuffix(".sqlite") }.map {
            Self.info(path: (directory as NSString).appendingPathComponent($0))
        }
        return BackupListReply(backups: backups.sorted { ($0.createdAt, $0.name) > ($1.createdAt, $1.name) })
    }

    /// A backup file as the wire shows it.
    static func info(path: String) -> BackupInfo {
        let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
        let modified = attributes[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
        return BackupInfo(
            name: (path as NSString).lastPathComponent, path: path,
            bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
            createdAt: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(modified))
    }
}
