import Foundation
import Logging
import Synchronization
import Testing
import YearCore
import YearStore

@testable import YearDaemon

/// The entries a logger was given, for tests of the journal's events.
final class CapturedLog: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    let entries = Mutex<[Entry]>([])

    var logger: Logger {
        Logger(label: "test") { _ in Handler(log: self) }
    }

    /// The entries carrying `event`'s MESSAGE_ID.
    func events(_ event: JournalEvent) -> [Entry] {
        entries.withLock { $0.filter { $0.metadata[JournalEvent.metadataKey] == event.messageID } }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            log.entries.withLock {
                $0.append(
                    Entry(
                        level: event.level, message: "\(event.message)",
                        metadata: merged.mapValues { "\($0)" }))
            }
        }
    }
}

@Suite("Journal events")
struct JournalEventTests {
    @Test("every kind of event has its own MESSAGE_ID: 32 lowercase hex digits")
    func identifiers() {
        let ids = JournalEvent.allCases.map(\.messageID)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.count == 32 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(id)")
        }
    }

    @Test("the journal handler writes MESSAGE_ID as itself and every other key as a YEARD_ field")
    func fields() {
        let fields = JournalLogHandler.fields(
            message: "request 1 filed", level: .notice, label: "yeard",
            metadata: [
                JournalEvent.metadataKey: "\(JournalEvent.transitionRequested.messageID)", "school": "school-a",
                "year": "2026/2027", "action": "request.file", "uid": "1001", "audit_head": "ab",
            ], file: "F.swift", line: 7, function: "f()")
        #expect(fields.contains("MESSAGE_ID=1e8a6706d8544f1387fe9b475a0ccd9d"))
        #expect(!fields.contains { $0.hasPrefix("YEARD_MESSAGE_ID=") })
        for field in [
            "MESSAGE=request 1 filed", "PRIORITY=5", "SYSLOG_IDENTIFIER=yeard", "YEARD_SCHOOL=school-a",
            "YEARD_YEAR=2026/2027", "YEARD_ACTION=request.file", "YEARD_UID=1001", "YEARD_AUDIT_HEAD=ab",
        ] {
            #expect(fields.contains(field), "\(field) missing from \(fields)")
        }
    }

    @Test("filing, approving and rejecting requests write their events with school, year, action, uid, request")
    func requestEvents() async throws {
        let log = CapturedLog()
        let fixture = try await DaemonFixture(logger: log.logger)
        let admin = DaemonFixture.caller(.admin)
        let coordinator = DaemonFixture.caller(.coordinator)
        _ = await fixture.call(
            "io.yeard.Year.Create", .object(["school": "school-a", "label": "2026/2027"]), as: admin)
        _ = await fixture.call("io.yeard.Approval.File", .object(["year": 1, "event": "start"]), as: admin)
        let approved = await fixture.call("io.yeard.Approval.Approve", .object(["id": 1]), as: coordinator)
        #expect(approved?["parameters"]?["year"]?["state"] == "in_progress")
        _ = await fixture.call("io.yeard.Approval.File", .object(["year": 1, "event": "begin-closing"]), as: admin)
        _ = await fixture.call("io.yeard.Approval.Reject", .object(["id": 2, "reason": "not yet"]), as: coordinator)

        let filed = log.events(.transitionRequested)
        #expect(filed.count == 2)
        #expect(
            filed.first?.metadata.filter { ["school", "year", "action", "uid", "request"].contains($0.key) } == [
                "school": "school-a", "year": "2026/2027", "action": "request.file", "uid": "\(admin.uid)",
                "request": "1",
            ])
        let approval = try #require(log.events(.requestApproved).first)
        #expect(approval.metadata["action"] == "request.approve" && approval.metadata["uid"] == "\(coordinator.uid)")
        #expect(approval.metadata["to"] == "in_progress")
        let rejection = try #require(log.events(.requestRejected).first)
        #expect(rejection.metadata["request"] == "2" && rejection.metadata["action"] == "request.reject")
        #expect(log.events(.rolloverApplied).isEmpty)
    }

    @Test("a run of checks on request writes check-run-finished with the caller and its counts")
    func checkRunEvent() async throws {
        let log = CapturedLog()
        let fixture = try await DaemonFixture(logger: log.logger)
        let admin = DaemonFixture.caller(.admin)
        _ = await fixture.call(
            "io.yeard.Year.Create", .object(["school": "school-a", "label": "2026/2027"]), as: admin)
        let run = await fixture.call("io.yeard.Checks.Run", .object(["school": "school-a"]), as: admin)
        #expect(run?["parameters"]?["run"] != nil, "\(String(describing: run))")
        let event = try #require(log.events(.checkRunFinished).first)
        #expect(event.metadata["school"] == "school-a" && event.metadata["uid"] == "\(admin.uid)")
        #expect(event.metadata["cause"] == "manual" && event.metadata["errors"] != nil)
    }
}

@Suite("Database upkeep: the quick check after start-up, scheduled backups and integrity checks")
struct MaintenanceTests {
    static func date(_ text: String) -> Date { (try? Date(text, strategy: .iso8601)) ?? .distantPast }

    @Test("quick check once READY=1 is sent; backups and full checks on their schedules, in their zone")
    func schedules() async throws {
        let log = CapturedLog()
        let fixture = try await DaemonFixture(
            extra: """
                [backup]
                schedule = "30 2 * * *"
                integrity_check_schedule = "15 3 * * sun"
                time_zone = "Europe/Moscow"
                keep = 2
                """, logger: log.logger)
        let state = fixture.state
        // A backup from an hour ago: none was missed, none is made at start.
        try FileManager.default.createDirectory(atPath: state.backupDirectory, withIntermediateDirectories: true)
        let recent = state.backupDirectory + "/yeard-20261128-210000.sqlite"
        try Data(repeating: 1, count: 10).write(to: URL(fileURLWithPath: recent))
        try FileManager.default.setAttributes(
            [.modificationDate: Self.date("2026-11-28T21:00:00Z")], ofItemAtPath: recent)
        state.noteExistingBackups()
        // Saturday 2026-11-28 22:00 UTC = Sunday 01:00 in Moscow.
        let clock = ManualClock(Self.date("2026-11-28T22:00:00Z"))
        let ready = ReadyGate()
        var service = MaintenanceService(state: state, clock: clock, logger: log.logger, ready: ready.wait)
        service.recheck = 86400 * 30
        let running = service
        let task = Task { try await running.run() }
        defer { task.cancel() }

        // Nothing before READY: the service waits for it first.
        try await CheckSchedulerTests.eventually { ready.isWaitedFor }
        #expect(log.events(.integrityChecked).isEmpty && clock.deadlines.isEmpty)
        ready.open()
        try await CheckSchedulerTests.eventually { clock.deadlines.count == 1 }
        let quick = try #require(state.maintenance.withLock { $0.integrity })
        #expect(quick.depth == .quick && quick.isOK)
        #expect(state.maintenance.withLock { $0.statusPart } == "integrity ok (quick)")
        // 02:30 Moscow is 23:30 UTC.
        #expect(clock.deadlines == [Self.date("2026-11-28T23:30:00Z")])

        clock.advance(to: Self.date("2026-11-28T23:30:00Z"))
        try await CheckSchedulerTests.eventually { clock.deadlines == [Self.date("2026-11-29T00:15:00Z")] }
        let backups = try FileManager.default.contentsOfDirectory(atPath: state.backupDirectory)
            .filter { $0.hasSuffix(".sqlite") }
        #expect(backups.sorted() == ["yeard-20261128-210000.sqlite", "yeard-20261128-233000.sqlite"], "\(backups)")
        let backup = try #require(log.events(.backupCreated).first)
        #expect(backup.metadata["action"] == "backup.create" && backup.metadata["uid"] == nil)
        let audit = try await state.database.auditEntries(after: 0, limit: 100, schools: nil)
        #expect(audit.last?.action == "backup.create" && audit.last?.userName == "yeard")

        // Sunday 03:15 Moscow: the full check; then the next backup at 02:30 on Monday.
        clock.advance(to: Self.date("2026-11-29T00:15:00Z"))
        try await CheckSchedulerTests.eventually { clock.deadlines == [Self.date("2026-11-29T23:30:00Z")] }
        let full = try #require(state.maintenance.withLock { $0.integrity })
        #expect(full.depth == .full && full.isOK && full.checkedAt == Self.date("2026-11-29T00:15:00Z"))
        #expect(log.events(.integrityChecked).map { $0.metadata["depth"] } == ["quick", "full"])

        // Two more nights: the rotation keeps two.
        clock.advance(to: Self.date("2026-11-29T23:30:00Z"))
        try await CheckSchedulerTests.eventually { clock.deadlines == [Self.date("2026-11-30T23:30:00Z")] }
        clock.advance(to: Self.date("2026-11-30T23:30:00Z"))
        try await CheckSchedulerTests.eventually { log.events(.backupCreated).count == 3 }
        let kept = try FileManager.default.contentsOfDirectory(atPath: state.backupDirectory)
            .filter { $0.hasSuffix(".sqlite") }.sorted()
        #expect(kept == ["yeard-20261129-233000.sqlite", "yeard-20261130-233000.sqlite"])

        let metrics = MetricsFile.render(
            years: [], runs: [:], counts: [:], settings: CheckSettings(),
            maintenance: state.maintenance.withLock { $0 })
        #expect(metrics.contains("yeard_database_integrity_ok{depth=\"full\"} 1"), "\(metrics)")
        #expect(metrics.contains("yeard_database_integrity_checked_seconds{depth=\"full\"}"))
        #expect(metrics.contains("yeard_backup_last_seconds "))
        #expect(metrics.contains("yeard_backup_last_bytes "))
    }

    @Test("a backup missed while yeard was down is made once after the quick check; none when one is recent")
    func missedBackup() async throws {
        for (newest, expectMakeUp) in [("2026-11-27T02:30:00Z", true), ("2026-11-28T02:30:00Z", false)] {
            let log = CapturedLog()
            let fixture = try await DaemonFixture(
                extra: "[backup]\nschedule = \"30 2 * * *\"\nintegrity_check_schedule = \"\"\n", logger: log.logger)
            let state = fixture.state
            try FileManager.default.createDirectory(atPath: state.backupDirectory, withIntermediateDirectories: true)
            let old = state.backupDirectory + "/yeard-old.sqlite"
            try Data(repeating: 1, count: 10).write(to: URL(fileURLWithPath: old))
            try FileManager.default.setAttributes([.modificationDate: Self.date(newest)], ofItemAtPath: old)
            state.noteExistingBackups()
            // Started on the 28th at 09:00 UTC: the last fire was the 28th at 02:30.
            let clock = ManualClock(Self.date("2026-11-28T09:00:00Z"))
            let ready = ReadyGate()
            var service = MaintenanceService(state: state, clock: clock, logger: log.logger, ready: ready.wait)
            service.recheck = 86400 * 30
            let running = service
            let task = Task { try await running.run() }
            ready.open()
            try await CheckSchedulerTests.eventually { clock.deadlines == [Self.date("2026-11-29T02:30:00Z")] }
            task.cancel()
            #expect(log.events(.integrityChecked).count == 1)
            #expect(log.events(.backupCreated).count == (expectMakeUp ? 1 : 0), "newest backup \(newest)")
        }
    }

    @Test("a failed backup says so (journal, STATUS, metrics) until a backup succeeds again")
    func failedBackup() async throws {
        let log = CapturedLog()
        let fixture = try await DaemonFixture(logger: log.logger)
        let state = fixture.state
        // A file where the backups directory should be.
        try Data().write(to: URL(fileURLWithPath: state.backupDirectory))
        await #expect(throws: (any Error).self) {
            _ = try await state.backUp(by: .daemon, role: "daemon", now: Date())
        }
        #expect(log.events(.backupFailed).count == 1)
        #expect(log.events(.backupCreated).isEmpty)
        let failed = state.maintenance.withLock { $0 }
        #expect(failed.statusPart?.hasPrefix("backup FAILED: ") == true, "\(failed.statusPart ?? "nil")")
        #expect(failed.statusPart?.contains("\n") == false)
        let before = MetricsFile.render(
            years: [], runs: [:], counts: [:], settings: CheckSettings(), maintenance: failed)
        #expect(before.contains("yeard_backup_last_ok 0"), "\(before)")

        try FileManager.default.removeItem(atPath: state.backupDirectory)
        _ = try await state.backUp(by: .daemon, role: "daemon", now: Date())
        let recovered = state.maintenance.withLock { $0 }
        #expect(recovered.statusPart == nil && recovered.backup != nil)
        let after = MetricsFile.render(
            years: [], runs: [:], counts: [:], settings: CheckSettings(), maintenance: recovered)
        #expect(after.contains("yeard_backup_last_ok 1"), "\(after)")
    }

    @Test("at start-up the newest backup on disk counts as the last one")
    func existingBackups() async throws {
        let fixture = try await DaemonFixture()
        let state = fixture.state
        let directory = state.backupDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, time) in [
            ("yeard-a.sqlite", "2026-11-27T02:30:00Z"), ("before-rollover-1.sqlite", "2026-11-28T10:00:00Z"),
        ] {
            let path = directory + "/" + name
            try Data(repeating: 1, count: 10).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: Self.date(time)], ofItemAtPath: path)
        }
        state.noteExistingBackups()
        let status = state.maintenance.withLock { $0 }
        #expect(status.backup?.path == directory + "/before-rollover-1.sqlite" && status.backup?.bytes == 10)
        #expect(status.backupAt == Self.date("2026-11-28T10:00:00Z"))
    }

    @Test("empty schedules turn the jobs off; a bad schedule or zone is refused with its key")
    func configuration() throws {
        let school = "[[school]]\nid = \"a\"\n"
        let off = try DaemonConfiguration.parse(
            school + "[backup]\nschedule = \"\"\nintegrity_check_schedule = \"\"\n", source: "t.toml")
        #expect(off.backupSchedule == nil && off.integrityCheckSchedule == nil)
        let defaults = try DaemonConfiguration.parse(school, source: "t.toml")
        #expect(defaults.backupSchedule != nil && defaults.integrityCheckSchedule != nil)
        #expect(defaults.maintenanceTimeZone == "UTC")
        #expect(throws: (any Error).self) {
            try DaemonConfiguration.parse(school + "[backup]\nschedule = \"61 * * * *\"\n", source: "t.toml")
        }
        do {
            _ = try DaemonConfiguration.parse(school + "[backup]\ntime_zone = \"Mars/Olympus\"\n", source: "t.toml")
            Issue.record("an unknown zone was accepted")
        } catch {
            #expect("\(error)".contains("line 4: unknown time zone 'Mars/Olympus'"), "\(error)")
        }
    }
}

/// READY=1 as the test sends it: `wait` returns once `open` was called, and says that it is being waited for.
final class ReadyGate: Sendable {
    private let (stream, continuation) = AsyncStream<Void>.makeStream()
    private let waited = Mutex(false)

    /// Whether the service is waiting (or has waited) for READY.
    var isWaitedFor: Bool { waited.withLock { $0 } }

    /// Returns once `open` was called.
    @Sendable func wait() async {
        waited.withLock { $0 = true }
        for await _ in stream { break }
    }

    /// READY=1.
    func open() { continuation.finish() }
}
