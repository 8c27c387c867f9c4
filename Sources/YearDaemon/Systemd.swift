import CSystemd
import Foundation
import Glibc

/// The daemon's side of the systemd protocols: sd_notify, the watchdog and socket activation, through libsystemd.
/// Every function is a no-op when the daemon does not run under systemd (no NOTIFY_SOCKET, no LISTEN_FDS).
public enum Systemd {
    /// Sends `state` (`READY=1`, `STATUS=...`, ...) to the service manager, if there is one.
    public static func notify(_ state: String) {
        _ = sd_notify(0, state)
    }

    /// Whether a service manager listens for notifications (NOTIFY_SOCKET is set).
    public static var isSupervised: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// Tells the service manager a reload began (with the monotonic time systemd 253+ asks for).
    public static func notifyReloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        notify("RELOADING=1\nMONOTONIC_USEC=\(usec)")
    }

    /// The watchdog interval the service manager expects, or nil when there is no watchdog.
    public static func watchdogInterval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec))
    }

    /// The first socket passed by socket activation (LISTEN_FDS), or nil. The environment variables are unset so
    /// that child processes do not inherit them.
    public static func listeningSocket() -> Int32? {
        let count = sd_listen_fds(1)
        guard count >= 1 else { return nil }
        let descriptor = SD_LISTEN_FDS_START
        guard sd_is_socket_unix(descriptor, SOCK_STREAM_VALUE, 1, nil, 0) > 0 else { return nil }
        return descriptor
    }

    /// Whether stderr is connected to the journal (JOURNAL_STREAM names stderr's device and inode).
    public static func stderrIsJournal() -> Bool {
        guard let value = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        var info = stat()
        guard parts.count == 2, fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(parts[0]) == UInt64(info.st_dev) && UInt64(parts[1]) == UInt64(info.st_ino)
    }

    private static let SOCK_STREAM_VALUE = Int32(SOCK_STREAM.rawValue)
}
