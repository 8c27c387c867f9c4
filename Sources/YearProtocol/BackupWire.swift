import Foundation

/// A backup file (`io.yeard.Backup.Backup`).
public struct BackupInfo: Codable, Sendable, Equatable {
    /// Its name in the backups directory, its path, its size in bytes and when it was written (ISO 8601, UTC).
    public var name: String, path: String, bytes: Int64, createdAt: String

    /// A backup with every field given.
    public init(name: String, path: String, bytes: Int64, createdAt: String) {
        self.name = name
        self.path = path
        self.bytes = bytes
        self.createdAt = createdAt
    }
}

/// `io.yeard.Backup.Create` reply.
public struct BackupCreateReply: Codable, Sendable {
    /// The backup and how long it took.
    public var backup: BackupInfo, seconds: Double
    /// A reply with every field given.
    public init(backup: BackupInfo, seconds: Double) {
        self.backup = backup
        self.seconds = seconds
    }
}

/// `io.yeard.Backup.List` reply.
public struct BackupListReply: Codable, Sendable {
    /// The backups, newest first.
    public var backups: [BackupInfo]
    /// A reply with every field given.
    public init(backups: [BackupInfo]) { self.backups = backups }
}
