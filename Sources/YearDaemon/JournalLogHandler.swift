import CSystemd
import Foundation
import Glibc
import Logging

/// A swift-log handler that writes structured entries to the systemd journal through `sd_journal_sendv`: MESSAGE,
/// PRIORITY, SYSLOG_IDENTIFIER and each metadata key as an upper-cased field (`YEARD_METHOD=...`).
///
/// Written here because no maintained swift-log backend for the journal builds on these machines; it is a thin
/// wrapper over libsystemd's own function.
public struct JournalLogHandler: LogHandler {
    /// Metadata attached to every entry of this logger.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    private let label: String

    /// A handler for the logger `label`.
    public init(label: String) { self.label = label }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one entry.
    public func log(event: LogEvent) {
        let fields = Self.fields(
            message: event.message, level: event.level, label: label,
            metadata: metadata.merging(event.metadata ?? [:]) { $1 }, file: event.file, line: event.line,
            function: event.function)
        let buffers = fields.map { Array($0.utf8) }
        var pointers: [UnsafeMutablePointer<UInt8>] = []
        defer { pointers.forEach { $0.deallocate() } }
        var vectors: [iovec] = []
        for bytes in buffers {
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            pointer.initialize(from: bytes, count: bytes.count)
            pointers.append(pointer)
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(pointer), iov_len: bytes.count))
        }
        _ = vectors.withUnsafeBufferPointer { yeard_journal_sendv($0.baseAddress, Int32($0.count)) }
    }

    /// The journal fields of one entry: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, the code location, MESSAGE_ID when
    /// the entry is a `JournalEvent`, and each other metadata key as an upper-cased `YEARD_` field.
    static func fields(
        message: Logger.Message, level: Logger.Level, label: String, metadata: Logger.Metadata, file: String,
        line: UInt, function: String
    ) -> [String] {
        var fields = [
            "MESSAGE=\(message)", "PRIORITY=\(priority(level))", "SYSLOG_IDENTIFIER=yeard", "YEARD_LOGGER=\(label)",
            "CODE_FILE=\(file)", "CODE_LINE=\(line)", "CODE_FUNC=\(function)",
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            if key == JournalEvent.metadataKey {
                fields.append("MESSAGE_ID=\(value)")
                continue
            }
            let name = key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            fields.append("YEARD_\(String(name))=\(value)")
        }
        return fields
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
