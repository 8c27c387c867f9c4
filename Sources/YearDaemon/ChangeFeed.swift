import Synchronization

/// A change of the daemon's state that its outward signs (systemd's STATUS= line, the metrics file) show.
enum StateChange: Sendable, Equatable {
    /// A transition (or a rollover, or its undo) was executed and committed.
    case transition
    /// A run of checks was stored.
    case checks
    /// An integrity check or a backup finished.
    case maintenance
}

/// Hands every change of the daemon's state to each of its subscribers (`StatusService`, `MetricsService`).
///
/// Each subscriber's stream keeps only the newest change not yet read: a burst of changes while a subscriber is busy
/// is one update, so a slow subscriber never makes the one who publishes wait, nor lets a queue grow.
final class ChangeFeed: Sendable {
    private let subscribers = Mutex<[AsyncStream<StateChange>.Continuation]>([])

    /// A stream of the changes published from now on; it ends when the feed is finished.
    func subscribe() -> AsyncStream<StateChange> {
        let (stream, continuation) = AsyncStream<StateChange>.makeStream(bufferingPolicy: .bufferingNewest(1))
        subscribers.withLock { $0.append(continuation) }
        return stream
    }

    /// Tells every subscriber of `change`.
    func publish(_ change: StateChange) {
        for subscriber in subscribers.withLock({ $0 }) { subscriber.yield(change) }
    }

    /// Ends every subscriber's stream (after the last change was published).
    func finish() {
        for subscriber in subscribers.withLock({ $0 }) { subscriber.finish() }
    }
}
