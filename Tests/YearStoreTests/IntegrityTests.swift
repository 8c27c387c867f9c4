import Foundation
import GRDB
import Testing
import YearCore

@testable import YearStore

@Suite("Integrity checks and backups of the database file")
struct IntegrityTests {
    /// A file whose index pages are overwritten with garbage: the table reads, the index no longer matches it.
    static func damagedFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-damaged-\(UUID()).sqlite").path
        let queue = try DatabaseQueue(path: path)
        let root = try queue.write { db -> Int in
            try db.execute(sql: "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL)")
            try db.execute(sql: "CREATE INDEX t_b ON t(b)")
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
                    INSERT INTO t(a, b) SELECT i, printf('row %06d', i) FROM n
                    """)
            return try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 't_b'") ?? 0
        }
        try queue.close()
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        // The index's root page: keep its 12-byte header, scramble its cell pointers and cells.
        try handle.seek(toOffset: UInt64((root - 1) * 4096 + 12))
        try handle.write(contentsOf: Data((0..<4084).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }))
        return path
    }

    @Test("a database the migrations made has the migrations' schema, the old fixture's upgrade too")
    func schemaOfMigrations() async throws {
        let store = try await StoreFixture()
        #expect(try await store.database.guardSchema().isEmpty)
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/fixtures/yeard-before-rollovers.sqlite")
        let copy = store.directory.appendingPathComponent("old.sqlite")
        try FileManager.default.copyItem(at: fixture, to: copy)
        let upgraded = try YearDatabase(path: copy.path)
        let drift = try await upgraded.guardSchema()
        #expect(drift.isEmpty, "\(drift.problems)")
    }

    @Test("the integrity check finds a dropped or foreign guard, puts it back and says so in its verdict")
    func droppedGuard() async throws {
        let store = try await StoreFixture()
        let queue = try DatabaseQueue(path: store.database.path)
        let index = try await queue.write { db -> String in
            let index = try String.fetchOne(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name LIMIT 1"
            )
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DROP INDEX \(index ?? "")")
            try db.execute(sql: "CREATE TRIGGER evil AFTER INSERT ON audit_log BEGIN SELECT 1; END")
            return index ?? ""
        }
        try queue.close()
        let verdict = try await store.database.checkIntegrity(.quick)
        #expect(!verdict.isOK)
        #expect(
            verdict.problems.contains("trigger audit_log_no_delete was missing; re-created as the migrations wrote it"))
        #expect(verdict.problems.contains("trigger evil is not one of the migrations'; dropped"))
        #expect(verdict.problems.contains("index \(index) was missing; re-created as the migrations wrote it"))
        #expect(try await store.database.guardSchema().isEmpty)
        #expect(try await store.database.checkIntegrity(.quick).isOK)
        let rows = try await store.database.auditEntries(after: 0, limit: 1000, schools: nil)
        #expect(rows.last?.action == "schema.restore")
    }

    @Test("a guard that cannot be put back does not keep the others out, and is named")
    func unrestorableGuard() async throws {
        let store = try await StoreFixture()
        let queue = try DatabaseQueue(path: store.database.path)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DROP INDEX academic_year_one_active_per_school")
            // Two active years of one school: the unique index can no longer be made over them.
            try db.execute(
                sql: """
                    INSERT INTO academic_year (school_id, label, start_date, end_date, state, version, created_at,
                        updated_at)
                    VALUES ('school-a', '2026/2027', '2026-09-01', '2027-05-31', 'in_progress', 1, 'x', 'x'),
                           ('school-a', '2027/2028', '2027-09-01', '2028-05-31', 'in_progress', 1, 'x', 'x')
                    """)
        }
        try queue.close()
        let drift = try await store.database.guardSchema()
        #expect(drift.missing.contains("trigger audit_log_no_delete"))
        #expect(drift.unrestorable.count == 1, "\(drift.unrestorable)")
        #expect(
            drift.unrestorable.first?.hasPrefix("index academic_year_one_active_per_school could not be put back")
                == true)
        let again = try await store.database.guardSchema()
        #expect(again.missing == ["index academic_year_one_active_per_school"], "the trigger is back, the index not")
    }

    @Test("a damaged index is a failed check with one-line problems, not an error of the checker")
    func damagedIndex() throws {
        let path = try Self.damagedFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        for depth in [IntegrityVerdict.Depth.quick, .full] {
            let verdict = try queue.read { db in try YearDatabase.integrity(of: db, depth) }
            #expect(!verdict.isOK, "\(depth): \(verdict)")
            #expect(!verdict.problems.isEmpty && verdict.problems.count <= 10)
            #expect(verdict.problems.allSatisfy { !$0.contains("\n") && !$0.hasPrefix("*** in database") })
            #expect(!verdict.summary.contains { $0.isNewline }, "\(verdict.summary)")
        }
    }

    @Test("SQLite's multi-line answers become one problem per line, without their heading")
    func answerLines() {
        let rows = ["*** in database main ***\nOn tree page 6 cell 10: invalid page number 99\nPage 7: never used"]
        #expect(
            IntegrityVerdict.problems(fromAnswer: rows) == [
                "On tree page 6 cell 10: invalid page number 99", "Page 7: never used",
            ])
        #expect(IntegrityVerdict.problems(fromAnswer: ["ok"]).isEmpty)
    }

    @Test("a sound database passes both checks")
    func sound() async throws {
        let store = try await StoreFixture()
        _ = try await store.createYear()
        let quick = try await store.database.checkIntegrity(.quick)
        let full = try await store.database.checkIntegrity(.full)
        #expect(quick.isOK && full.isOK && full.depth == .full && full.summary == "ok")
    }

    @Test("a cancelled backup stops, throws CancellationError and leaves no file behind")
    func cancelledBackup() async throws {
        let store = try await StoreFixture()
        _ = try await store.createYear()
        let directory = store.directory.appendingPathComponent("backups").path
        #expect(throws: CancellationError.self) {
            try store.database.backup(into: directory, name: "stopped", isCancelled: { true })
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
        // Not cancelled: the backup is written, and the rotation keeps the newest one given.
        _ = try store.database.backup(into: directory, name: "yeard-1")
        _ = try store.database.backup(into: directory, name: "yeard-2", prune: ("yeard-", 1))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["yeard-2.sqlite"])
    }
}
