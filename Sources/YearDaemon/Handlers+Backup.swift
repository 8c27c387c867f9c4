import Foundation
import YearCore
import YearProtocol
import YearStore

extension Handlers {
    /// The routes of `io.yeard.Backup`.
    func backupRoutes() -> [(String, Dispatcher.Route)] {
        [
            Dispatcher.route(YeardAPI.Backup.create, createBackup),
            Dispatcher.route(YeardAPI.Backup.list, listBackups),
        ]
    }

    func createBackup(_ parameters: NoParameters, _ context: CallContext) async throws -> BackupCreateReply {
        let backup = try await state.backUp(by: context.caller, role: Role.admin.rawValue, now: context.now)
        return BackupCreateReply(
            backup: Self.info(DaemonState.storedBackup(at: backup.path)), seconds: backup.seconds)
    }

    func listBackups(_ parameters: NoParameters, _ context: CallContext) async throws -> BackupListReply {
        let backups = state.backupsOnDisk().map(Self.info)
        return BackupListReply(backups: backups.sorted { ($0.createdAt, $0.name) > ($1.createdAt, $1.name) })
    }

    /// A backup file as the wire shows it.
    static func info(_ file: DaemonState.StoredBackup) -> BackupInfo {
        BackupInfo(
            name: (file.path as NSString).lastPathComponent, path: file.path, bytes: file.bytes,
            createdAt: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(
                file.modified ?? Date(timeIntervalSince1970: 0)))
    }
}
