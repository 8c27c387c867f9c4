import Logging
import Synchronization

/// The log level in force, shared by every logger of the daemon so that a reload can change it.
public final class LogLevelSetting: Sendable {
    private let level: Mutex<Logger.Level>

    /// A setting starting at `level`.
    public init(_ level: Logger.Level) { self.level = Mutex(level) }

    /// The level in force.
    public var value: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}

/// Wraps a handler so that its level follows a `LogLevelSetting` rather than being fixed when the logger is made.
struct LevelFollowingLogHandler: LogHandler {
    var inner: any LogHandler
    let setting: LogLevelSetting

    var logLevel: Logger.Level {
        get { setting.value }
        set { setting.value = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) { inner.log(event: event) }
}
