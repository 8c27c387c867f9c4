import Foundation
import Logging
import ServiceLifecycle
import YearStore

/// Sends systemd a new STATUS= line after each change of the daemon's state (`ChangeFeed`), while a service manager
/// listens.
///
/// A burst of changes is one line (the line costs a look at every school). The service stops at the start of a
/// graceful shutdown, before `ReadinessService` sends STOPPING=1 (it comes after it in the service group, whose
/// services stop in reverse order): no line may replace "stopping" once that was sent.
struct StatusService: Service {
    let changes: AsyncStream<StateChange>
    let statusLine: @Sendable () async -> String
    /// Where the line goes (systemd's notification socket in the daemon).
    let notify: @Sendable (String) -> Void

    func run() async throws {
        for await _ in changes.cancelOnGracefulShutdown() {
            notify("STATUS=\(await statusLine())")
        }
    }
}

/// Rewrites the metrics file (`metrics_file`) once at start-up and after each change of the daemon's state; a burst
/// of changes is one write.
///
/// It stops last (first in the service group): the calls in flight at a graceful shutdown end before it does, and the
/// file it writes last shows what they changed.
struct MetricsService: Service {
    let changes: AsyncStream<StateChange>
    let state: DaemonState
    let file: MetricsFile

    func run() async throws {
        await write()
        for await _ in changes.cancelOnGracefulShutdown() {
            await write()
        }
        // A change published just before the shutdown may have been dropped with the stream.
        await write()
    }

    func write() async {
        let configuration = state.configuration
        guard let path = configuration.metricsFile else { return }
        await file.write(
            to: path, settings: configuration.checkSettings, schools: configuration.schools.map(\.id),
            maintenance: state.maintenance.withLock { $0 })
    }
}
