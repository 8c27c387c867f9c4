import Foundation
import GRDB
import Glibc
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing
import YearCore
import YearProtocol

@testable import YearDaemon

/// The services' graceful shutdown, driven by ServiceLifecycleTestKit's trigger instead of a signal.
@Suite("Graceful shutdown of the control server and the status services")
struct GracefulShutdownTests {
    /// A fixture whose socket is in its own directory and whose admin is the uid running the tests (the socket
    /// identifies callers by SO_PEERCRED).
    static func fixture() async throws -> DaemonFixture {
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-sock-\(UUID().uuidString)")
        return try await DaemonFixture(
            extra: "[[grant]]\nrole = \"admin\"\nuid = \(getuid())\n", daemon: "socket = \"\(socket.path)/yeard.sock\"")
    }

    /// Binds a control server for `fixture`, runs it while `body` runs with it, its socket's path and the trigger of
    /// the graceful shutdown, and returns once `run` has returned.
    static func serving(
        _ fixture: DaemonFixture, _ body: (ControlServer, String, GracefulShutdownTestTrigger) async throws -> Void
    ) async throws -> ControlServer {
        let server = try await ControlServer.bind(
            state: fixture.state, dispatcher: fixture.dispatcher, logger: Logger(label: "test"), inherited: nil)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                try await body(server, fixture.state.configuration.socketPath, trigger)
                try await group.waitForAll()
            }
        }
        return server
    }

    @Test("An idle connection is closed, the listener too, and run returns")
    func idleConnectionClosed() async throws {
        let fixture = try await Self.fixture()
        let server = try await Self.serving(fixture) { _, path, trigger in
            try await VarlinkSession.withConnection(path: path) { session in
                let status = try await session.call(YeardAPI.Year.status, NoParameters())
                #expect(status.version == "test")
                trigger.triggerGracefulShutdown()
                // The idle connection is closed by the daemon: the next call finds it closed.
                await #expect(throws: (any Error).self) {
                    _ = try await session.call(YeardAPI.Year.status, NoParameters())
                }
            }
        }
        #expect(server.registry.count == 0)
        // Nobody listens any more.
        await #expect(throws: VarlinkClientError.self) {
            try await VarlinkSession.withConnection(path: fixture.state.configuration.socketPath) { _ in }
        }
    }

    @Test("A call in flight when shutdown begins is answered, then its connection closes; idle ones close at once")
    func callInFlightAnswered() async throws {
        let fixture = try await Self.fixture()
        // Another writer holds the database, so that the call waits (within the busy timeout of 5 s) for it.
        let writer = try await WriteLock.take(path: fixture.state.configuration.databasePath)
        _ = try await Self.serving(fixture) { server, path, trigger in
            try await VarlinkSession.withConnection(path: path) { idle in
                _ = try await idle.call(YeardAPI.Year.status, NoParameters())
                try await withThrowingTaskGroup(of: Void.self) { group in
                    try await VarlinkSession.withConnection(path: path) { busy in
                        group.addTask {
                            try await CheckSchedulerTests.eventually { server.registry.busyCount == 1 }
                            #expect(server.registry.count == 2)
                            trigger.triggerGracefulShutdown()
                            try await CheckSchedulerTests.eventually { server.registry.count == 1 }
                            writer.release()
                        }
                        let year = try await busy.call(
                            YeardAPI.Year.create,
                            YearCreateParameters(school: "school-a", label: "2030/2031", startDate: nil, endDate: nil)
                        ).year
                        #expect(year.label == "2030/2031")
                        #expect(year.state == .open)
                        await #expect(throws: (any Error).self) {
                            _ = try await busy.call(YeardAPI.Year.status, NoParameters())
                        }
                    }
                    try await group.waitForAll()
                }
                await #expect(throws: (any Error).self) {
                    _ = try await idle.call(YeardAPI.Year.status, NoParameters())
                }
            }
        }
        let years = try await fixture.state.database.years(of: ["school-a"])
        #expect(years.contains { $0.label.description == "2030/2031" })
    }

    @Test("The status service sends a line per burst of changes and stops at the start of a shutdown")
    func statusService() async throws {
        let feed = ChangeFeed()
        let sent = Mutex<[String]>([])
        let service = StatusService(
            changes: feed.subscribe(), statusLine: { "line" }, notify: { line in sent.withLock { $0.append(line) } })
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                feed.publish(.transition)
                try await CheckSchedulerTests.eventually { sent.withLock { $0.count } == 1 }
                trigger.triggerGracefulShutdown()
                try await group.next()
                feed.publish(.checks)
            }
        }
        #expect(sent.withLock { $0 } == ["STATUS=line"])
    }

    @Test("The change feed keeps the newest change for each subscriber")
    func changeFeed() async throws {
        let feed = ChangeFeed()
        let first = feed.subscribe(), second = feed.subscribe()
        feed.publish(.transition)
        feed.publish(.checks)
        feed.publish(.maintenance)
        feed.finish()
        #expect(await Array(first) == [.maintenance])
        #expect(await Array(second) == [.maintenance])
    }

    @Test("The metrics service writes at start-up, after a change and once more when it stops")
    func metricsService() async throws {
        let metrics = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-\(UUID().uuidString).prom")
        let fixture = try await DaemonFixture(daemon: "metrics_file = \"\(metrics.path)\"")
        let service = MetricsService(
            changes: fixture.state.changes.subscribe(), state: fixture.state,
            file: MetricsFile(database: fixture.state.database, logger: Logger(label: "test")))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                try await CheckSchedulerTests.eventually { FileManager.default.fileExists(atPath: metrics.path) }
                #expect(!(try String(contentsOf: metrics, encoding: .utf8)).contains("yeard_year_state"))
                let year = try await fixture.state.database.createYear(
                    school: "school-a", label: YearLabel(startYear: 2030), startDate: nil, endDate: nil,
                    caller: DaemonFixture.caller(.admin))
                fixture.state.transitioned()
                try await CheckSchedulerTests.eventually {
                    (try? String(contentsOf: metrics, encoding: .utf8))?.contains("year=\"\(year.label)\"") == true
                }
                try FileManager.default.removeItem(at: metrics)
                trigger.triggerGracefulShutdown()
                try await group.next()
            }
        }
        #expect(FileManager.default.fileExists(atPath: metrics.path), "the last write at shutdown")
    }
}

/// The write lock of a database file held by another connection, on a thread of its own (GRDB does not let a
/// transaction outlive one access), until `release`.
final class WriteLock: Sendable {
    private let released = DispatchSemaphore(value: 0)

    private init() {}

    /// Takes the lock of the database at `path`; returns once it is held.
    static func take(path: String) async throws -> WriteLock {
        let lock = WriteLock()
        let queue = try DatabaseQueue(path: path)
        try await withCheckedThrowingContinuation { (taken: CheckedContinuation<Void, any Error>) in
            Thread {
                var held = false
                do {
                    try queue.inDatabase { db in
                        try db.execute(sql: "BEGIN IMMEDIATE")
                        held = true
                        taken.resume()
                        lock.released.wait()
                        try db.execute(sql: "COMMIT")
                    }
                } catch {
                    if !held { taken.resume(throwing: error) }
                }
            }.start()
        }
        return lock
    }

    /// Lets the lock go.
    func release() { released.signal() }
}
