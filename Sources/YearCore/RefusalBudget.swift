import Foundation

/// How many refused calls of one caller the audit log records row by row: a local user with no role must not be able
/// to grow the log without bound by sending refused calls (3,000 in 4 s were ~1.5 MB of rows).
///
/// Each uid has windows of `window` seconds, the first starting at its first refusal, one for its permission denials
/// and one for its other refusals (so that junk refusals cannot use up the rows that record denials in full). The first `perWindow`
/// refusals of a window are recorded in full; the rest are counted, by method, and recorded as one summary row when
/// the window has ended (`due`, at the caller's next refusal, at housekeeping, or at shutdown with `drain`). So the
/// log grows with time, at most `perWindow + 1` rows per uid and window, never with the number of calls.
/// Pure and clock-free: the daemon passes the times in.
public struct RefusalBudget: Sendable {
    /// Refusals recorded in full per uid and window.
    public let perWindow: Int
    /// The window's length in seconds.
    public let window: TimeInterval
    private var windows: [Key: Window] = [:]

    private struct Key: Hashable, Comparable {
        let uid: UInt32, denials: Bool
        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.uid, lhs.denials ? 1 : 0) < (rhs.uid, rhs.denials ? 1 : 0) }
    }

    private struct Window: Sendable {
        var start: Date
        var userName: String
        var recorded = 0
        var suppressed: [String: Int] = [:]
    }

    /// Refusals a window counted without recording them, for the summary row.
    public struct Summary: Sendable, Equatable {
        /// The caller.
        public let uid: UInt32, userName: String
        /// Whether the window counted permission denials (else other refusals).
        public let denials: Bool
        /// The window: from its start to its end.
        public let from: Date, to: Date
        /// How many refusals were counted, and of which methods.
        public let count: Int, methods: [String: Int]
    }

    /// Whether this refusal gets its own audit row.
    public enum Decision: Sendable, Equatable {
        /// Record it in full.
        case record
        /// Record it in full, and say that the caller's further refusals in this window are only counted.
        case recordLast
        /// Count it, for the window's summary.
        case count
    }

    /// A budget of `perWindow` rows per uid every `window` seconds.
    public init(perWindow: Int = 20, window: TimeInterval = 600) {
        self.perWindow = max(1, perWindow)
        self.window = max(1, window)
    }

    /// Decides about one refusal of `uid` at `now`; returns with it the summaries of every window that has ended
    /// (the caller's own previous one among them), to be recorded first.
    public mutating func admit(uid: UInt32, userName: String, method: String, denial: Bool = false, at now: Date) -> (
        decision: Decision, due: [Summary]
    ) {
        let ended = due(at: now)
        let key = Key(uid: uid, denials: denial)
        var current = windows[key] ?? Window(start: now, userName: userName)
        current.userName = userName
        let decision: Decision
        if current.recorded < perWindow {
            current.recorded += 1
            decision = current.recorded == perWindow ? .recordLast : .record
        } else {
            current.suppressed[method, default: 0] += 1
            decision = .count
        }
        windows[key] = current
        return (decision, ended)
    }

    /// The summaries of the windows that ended by `now` with refusals counted; those windows are forgotten (a
    /// window with nothing counted is forgotten silently).
    public mutating func due(at now: Date) -> [Summary] {
        let ended = windows.filter { now >= $0.value.start.addingTimeInterval(window) }
        for key in ended.keys { windows[key] = nil }
        return ended.sorted { $0.key < $1.key }.compactMap { key, window in summary(key, window, end: nil) }
    }

    /// The summaries of every window with refusals counted, ended or not (at shutdown); all windows are forgotten.
    public mutating func drain(at now: Date) -> [Summary] {
        let all = windows
        windows = [:]
        return all.sorted { $0.key < $1.key }.compactMap { key, window in summary(key, window, end: now) }
    }

    private func summary(_ key: Key, _ current: Window, end: Date?) -> Summary? {
        let count = current.suppressed.values.reduce(0, +)
        guard count > 0 else { return nil }
        let to = min(end ?? .distantFuture, current.start.addingTimeInterval(window))
        return Summary(
            uid: key.uid, userName: current.userName, denials: key.denials, from: current.start, to: to, count: count,
            methods: current.suppressed)
    }
}
