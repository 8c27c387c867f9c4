import Foundation
import GRDB
import Testing
import YearCore

@testable import YearStore

@Suite("The store")
struct YearDatabaseTests {
    @Test("the writer really runs WAL with synchronous=FULL and foreign keys; migrations are named")
    func pragmas() async throws {
        let store = try await StoreFixture()
        #expect(try store.database.writerPragma("synchronous") == "2")
        #expect(try store.database.writerPragma("journal_mode") == "wal")
        #expect(try store.database.writerPragma("foreign_keys") == "1")
        #expect(
            try store.database.appliedMigrations() == [
                "2026-11-29-schools-years-requests-audit", "2026-11-29-registry-people-classes-enrollments",
                "2026-11-29-student-birth-date-optional", "2026-11-29-check-runs", "2026-11-29-rollovers",
                "2026-12-04-year-end-orders", "2026-12-07-finding-parameters",
            ])
    }

    @Test("released memory: the caches go, the next reads and writes open what they need, the pragmas hold")
    func releaseMemory() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let before = try await store.database.years(of: ["school-a"])
        store.database.releaseMemory()
        #expect(try await store.database.years(of: ["school-a"]) == before)
        #expect(try await store.database.year(id: year.id) == year)
        _ = try await store.createYear("2027/2028")
        #expect(try store.database.writerPragma("synchronous") == "2")
        #expect(try store.database.writerPragma("foreign_keys") == "1")
        #expect(try await store.database.years(of: ["school-a"]).count == 2)
    }

    @Test("a database of the first registry schema migrates with its students and their references intact")
    func migratesRegistryRebuild() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("yeard.sqlite").path
        do {
            let old = try DatabasePool(path: path)
            try Migrations.migrator().migrate(old, upTo: "2026-11-29-registry-people-classes-enrollments")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO school (id, name, time_zone, first_grade, last_grade, graduating_grades,
                            default_start, default_end, start_skips_sunday) VALUES ('s', 's', 'UTC', 1, 11, '[9,11]',
                            '09-01', '05-31', 1);
                        INSERT INTO student (school_id, id, last_name, first_name, birth_date, gender)
                            VALUES ('s', 'S1', 'Иванов', 'Иван', '2015-01-01', 'M');
                        INSERT INTO guardian (school_id, id, student_id, last_name, first_name)
                            VALUES ('s', 'G1', 'S1', 'Иванова', 'Ольга');
                        """)
            }
            try old.close()
        }
        let database = try YearDatabase(path: path)
        try await database.pool.write { db in
            #expect(try String.fetchOne(db, sql: "SELECT birth_date FROM student WHERE id = 'S1'") == "2015-01-01")
            try db.execute(sql: "UPDATE student SET birth_date = NULL WHERE id = 'S1'")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_foreign_key_check") == 0)
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: "INSERT INTO guardian (school_id, id, student_id, last_name, first_name) "
                        + "VALUES ('s', 'G2', 'nobody', 'А', 'Б')")
            }
        }
        // The older database was backed up, as it was, before it was migrated.
        let backup = directory.appendingPathComponent(
            "backups/before-upgrade-2026-11-29-registry-people-classes-enrollments.sqlite"
        ).path
        let copy = try DatabaseQueue(path: backup)
        let (integrity, migrations, students) = try await copy.read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM student")
            )
        }
        #expect(integrity == ["ok"] && migrations == 2 && students == 1)
    }

    @Test("a database written by a newer yeard is refused, named, and left as it was")
    func newerDatabaseRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-new-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("yeard.sqlite").path
        do {
            let database = try YearDatabase(path: path)
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('2099-01-01-from-the-future')")
            }
            try database.close()
        }
        do {
            _ = try YearDatabase(path: path)
            Issue.record("a newer database was opened")
        } catch let error as DatabaseVersionError {
            #expect(error.unknown == ["2099-01-01-from-the-future"])
            #expect(error.description.contains("written by a newer yeard"))
        }
        let queue = try DatabaseQueue(path: path)
        let applied = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") }
        #expect(applied == 8, "seven migrations of this yeard and the newer one's")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("backups").path))
    }

    @Test("a year is created open with the school's default dates; a second with the same label is refused")
    func createYear() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        #expect(year.state == .open && year.version == 1)
        #expect(year.startDate.description == "2026-09-01" && year.endDate.description == "2027-05-31")
        await #expect(throws: YearError.yearExists(school: "school-a", label: "2026/2027")) {
            try await store.createYear()
        }
        await #expect(throws: YearError.schoolNotFound(school: "nowhere")) {
            try await store.createYear(school: "nowhere")
        }
        let sunday = try await store.createYear("2030/2031")
        #expect(sunday.startDate.description == "2030-09-02")
    }

    @Test("dates outside the label's years are refused, naming the field")
    func badDates() async throws {
        let store = try await StoreFixture()
        await #expect(throws: YearError.self) {
            try await store.database.createYear(
                school: "school-a", label: YearLabel(startYear: 2026), startDate: CalendarDate(iso: "2027-09-01"),
                endDate: nil, caller: store.admin)
        }
        do {
            _ = try await store.database.createYear(
                school: "school-a", label: YearLabel(startYear: 2026), startDate: nil,
                endDate: CalendarDate(iso: "2026-10-01"), caller: store.admin)
            Issue.record("must be refused")
        } catch YearError.invalidParameter(let field, _, _) {
            #expect(field == "endDate")
        }
    }

    @Test("request, approval by another person, execution and audit happen together")
    func approveExecutes() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let request = try await store.file(year)
        #expect(request.status == .pending && request.yearVersion == 1)
        let outcome = try await store.approve(request)
        #expect(outcome.year.state == .inProgress && outcome.year.version == 2)
        #expect(outcome.request.status == .approved && outcome.request.deciderUID == 2002)
        let stored = try #require(try await store.database.request(id: request.id))
        #expect(stored.status == .approved)
        let verdict = try await store.database.verifyAudit()
        guard case .intact(let rows, let head) = verdict else {
            Issue.record("\(verdict)")
            return
        }
        #expect(head == outcome.auditHead)
        #expect(rows == 6)
        let actions = try await store.database.auditEntries(after: 0, limit: 100, schools: nil).map(\.action)
        #expect(actions.suffix(3) == ["request.file", "request.approve", "year.transition"])
    }

    @Test("an approval is single-use")
    func singleUse() async throws {
        let store = try await StoreFixture()
        let request = try await store.file(try await store.createYear())
        _ = try await store.approve(request)
        await #expect(throws: YearError.requestNotPending(id: request.id, status: .approved)) {
            try await store.approve(request, at: 3)
        }
    }

    @Test("a refused approval changes nothing")
    func refusalChangesNothing() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let request = try await store.file(year)
        let before = try await store.auditCount()
        await #expect(throws: YearError.selfApproval(id: request.id)) {
            try await store.database.approveRequest(
                id: request.id, reason: "", shownHash: nil, caller: store.admin,
                policy: AccessPolicy(
                    grants: store.policy.grants + [RoleGrant(role: .coordinator, subject: .uid(1001), school: nil)]),
                now: StoreFixture.t0)
        }
        #expect(try await store.auditCount() == before)
        #expect(try await store.database.year(id: year.id) == year)
        #expect(try await store.database.request(id: request.id)?.status == .pending)
    }

    @Test("a request whose year changed since it was filed is refused")
    func versionChanged() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let request = try await store.file(year)
        try store.raw("UPDATE academic_year SET end_date = '2027-06-15', version = version + 1 WHERE id = \(year.id)")
        await #expect(throws: YearError.yearChanged(id: request.id, requestedVersion: 1, currentVersion: 2)) {
            try await store.approve(request)
        }
    }

    @Test("a coordinator of another school cannot approve")
    func otherSchool() async throws {
        let store = try await StoreFixture()
        let request = try await store.file(try await store.createYear())
        await #expect(
            throws: YearError.permissionDenied(method: "approve", required: [.coordinator], school: "school-a")
        ) {
            try await store.approve(request, by: store.coordinatorB)
        }
    }

    @Test("requests expire; expired, cancelled and rejected requests cannot be approved")
    func expiryCancelReject() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let first = try await store.file(year)
        await #expect(throws: YearError.requestNotPending(id: first.id, status: .expired)) {
            try await store.approve(first, at: 3601)
        }
        #expect(try await store.database.expireRequests(now: StoreFixture.t0.addingTimeInterval(3601)) == 1)
        let second = try await store.file(year, at: 4000)
        await #expect(throws: YearError.notRequester(id: second.id, requesterUID: 1001)) {
            try await store.database.cancelRequest(
                id: second.id, reason: "", caller: store.coordinator, now: StoreFixture.t0.addingTimeInterval(4000))
        }
        _ = try await store.database.cancelRequest(
            id: second.id, reason: "wrong", caller: store.admin, now: StoreFixture.t0.addingTimeInterval(4001))
        await #expect(throws: YearError.requestNotPending(id: second.id, status: .cancelled)) {
            try await store.approve(second, at: 4002)
        }
        let third = try await store.file(year, at: 5000)
        _ = try await store.database.rejectRequest(
            id: third.id, reason: "not yet", caller: store.coordinator, policy: store.policy,
            now: StoreFixture.t0.addingTimeInterval(5001))
        await #expect(throws: YearError.requestNotPending(id: third.id, status: .rejected)) {
            try await store.approve(third, at: 5002)
        }
        guard case .intact = try await store.database.verifyAudit() else {
            Issue.record("chain must stay intact")
            return
        }
    }

    @Test("a year has at most one pending request")
    func onePending() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let first = try await store.file(year)
        await #expect(throws: YearError.requestPending(year: "2026/2027", request: first.id)) {
            try await store.file(year, at: 2)
        }
    }

    @Test("the schema refuses a second active year, changes to a closed year and audit edits")
    func schemaInvariants() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let next = try await store.createYear("2027/2028")
        try store.raw("UPDATE academic_year SET state = 'in_progress', version = version + 1 WHERE id = \(year.id)")
        #expect(throws: DatabaseError.self) {
            try store.raw("UPDATE academic_year SET state = 'closing', version = version + 1 WHERE id = \(next.id)")
        }
        #expect(throws: DatabaseError.self) {
            try store.raw("UPDATE academic_year SET end_date = '2027-06-01' WHERE id = \(year.id)")
        }
        try store.raw("UPDATE academic_year SET state = 'closed', version = version + 1 WHERE id = \(year.id)")
        #expect(throws: DatabaseError.self) {
            try store.raw("UPDATE academic_year SET label = '2025/2026', version = version + 1 WHERE id = \(year.id)")
        }
        #expect(throws: DatabaseError.self) { try store.raw("DELETE FROM academic_year WHERE id = \(year.id)") }
        #expect(throws: DatabaseError.self) { try store.raw("UPDATE audit_log SET action = 'x' WHERE seq = 1") }
        #expect(throws: DatabaseError.self) { try store.raw("DELETE FROM audit_log WHERE seq = 1") }
        #expect(throws: DatabaseError.self) {
            try store.raw(
                "INSERT INTO academic_year (school_id, label, start_date, end_date, state, created_at, updated_at) VALUES ('ghost', '2026/2027', '2026-09-01', '2027-05-31', 'open', '', '')"
            )
        }
    }

    @Test("tampering with the audit file is named by verify", arguments: ["edit", "delete", "truncate", "reorder"])
    func tamperDetected(kind: String) async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        _ = try await store.approve(try await store.file(year))
        try store.raw("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
        switch kind {
        case "edit": try store.raw("UPDATE audit_log SET user_name = 'mallory' WHERE seq = 3")
        case "delete": try store.raw("DELETE FROM audit_log WHERE seq = 3")
        case "truncate": try store.raw("DELETE FROM audit_log WHERE seq >= 5")
        default:
            try store.raw(
                "UPDATE audit_log SET seq = -1 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = -1"
            )
        }
        let verdict = try await store.database.verifyAudit()
        guard case .broken(let sequence, _) = verdict else {
            Issue.record("\(kind) not detected")
            return
        }
        #expect(sequence == (kind == "delete" ? 4 : kind == "truncate" ? 5 : 3), "\(verdict)")
    }

    @Test("configured schools are added, updated and kept when removed, each change audited once")
    func schoolsFollowConfiguration() async throws {
        let store = try await StoreFixture()
        let before = try await store.auditCount()
        try await store.database.applyConfiguredSchools([
            StoreFixture.school("school-a"), StoreFixture.school("school-b"),
        ])
        #expect(try await store.auditCount() == before)
        var renamed = StoreFixture.school("school-a")
        renamed.name = "Gymnasium"
        try await store.database.applyConfiguredSchools([renamed])
        #expect(try await store.database.configuredSchools().map(\.name) == ["Gymnasium"])
        #expect(try await store.auditCount() == before + 2)
    }

    @Test("the status snapshot counts live pending requests per school")
    func statusSnapshot() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        _ = try await store.file(year)
        let snapshot = try await store.database.statusSnapshot(
            of: ["school-a", "school-b"], now: StoreFixture.t0.addingTimeInterval(10))
        #expect(snapshot.schools.map(\.pendingRequests) == [1, 0])
        #expect(snapshot.schools[0].years.map(\.label.description) == ["2026/2027"])
        let later = try await store.database.statusSnapshot(
            of: ["school-a"], now: StoreFixture.t0.addingTimeInterval(7200))
        #expect(later.schools[0].pendingRequests == 0)
    }
}

@Suite("The store's records of configuration and expiry")
struct ConfigurationRecordTests {
    @Test("a change of the grants in force is audited once; the same grants again write nothing")
    func grantsAudited() async throws {
        let store = try await StoreFixture()
        let grants = JSONValue.array([.object(["role": "admin", "uid": 1001, "school": .null])])
        try await store.database.applyConfiguredSchools([StoreFixture.school("school-a")], grants: grants)
        let count = try await store.auditCount()
        try await store.database.applyConfiguredSchools([StoreFixture.school("school-a")], grants: grants)
        #expect(try await store.auditCount() == count)
        try await store.database.applyConfiguredSchools(
            [StoreFixture.school("school-a")], grants: .array([.object(["role": "coordinator", "uid": 1001])]))
        let last = try await store.database.auditEntries(after: 0, limit: 1000, schools: nil).last
        #expect(last?.action == "config.grants" && last?.details.contains("coordinator") == true)
    }

    @Test("expired requests are listed as expired whether or not the sweep has marked them")
    func expiredListed() async throws {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        let request = try await store.file(year)
        try await store.database.expireRequests(now: StoreFixture.t0.addingTimeInterval(7200))
        let listed = try await store.database.requests(of: ["school-a"], statuses: [.pending, .expired])
        #expect(listed.map(\.id) == [request.id])
    }
}
