import Foundation
import GRDB
import Testing
import YearCore

@testable import YearStore

/// A real database file in a fresh temporary directory, with two schools.
struct StoreFixture {
    let directory: URL
    let database: YearDatabase
    let admin = Caller(uid: 1001, gid: 100, userName: "admin")
    let coordinator = Caller(uid: 2002, gid: 100, userName: "coord")
    let coordinatorB = Caller(uid: 3003, gid: 100, userName: "coord-b")
    let policy = AccessPolicy(grants: [
        RoleGrant(role: .admin, subject: .uid(1001), school: nil),
        RoleGrant(role: .coordinator, subject: .uid(2002), school: nil),
        RoleGrant(role: .coordinator, subject: .uid(3003), school: "school-b"),
    ])
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try YearDatabase(path: directory.appendingPathComponent("yeard.sqlite").path)
        try await database.applyConfiguredSchools([Self.school("school-a"), Self.school("school-b")], now: Self.t0)
    }

    static func school(_ id: String) -> School {
        School(
            id: id, name: id, timeZone: "Europe/Moscow", firstGrade: 1, lastGrade: 11, graduatingGrades: [9, 11],
            defaultStart: MonthDay("09-01")!, defaultEnd: MonthDay("05-31")!, startSkipsSunday: true)
    }

    func createYear(_ label: String = "2026/2027", school: String = "school-a") async throws -> AcademicYear {
        try await database.createYear(
            school: school, label: YearLabel(label)!, startDate: nil, endDate: nil, caller: admin, now: Self.t0)
    }

    func file(_ year: AcademicYear, _ event: YearEvent = .start, reason: String = "go", at offset: TimeInterval = 1)
        async throws -> ApprovalRequest
    {
        try await database.fileTransitionRequest(
            year: year.id, event: event, reason: reason, caller: admin, policy: policy, lifetime: 3600,
            now: Self.t0.addingTimeInterval(offset))
    }

    func approve(_ request: ApprovalRequest, by caller: Caller? = nil, at offset: TimeInterval = 2) async throws
        -> ApprovalOutcome
    {
        try await database.approveRequest(
            id: request.id, reason: "ok", shownHash: request.payloadHash, caller: caller ?? coordinator,
            policy: policy, now: Self.t0.addingTimeInterval(offset))
    }

    /// Runs raw SQL on the writer, as an intruder with the file would.
    func raw(_ sql: String) throws {
        try database.pool.writeWithoutTransaction { try $0.execute(sql: sql) }
    }

    func auditCount() async throws -> Int {
        try await database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_log") ?? 0 }
    }
}

extension StoreFixture {
    /// Writes `text` to a file of its own and imports it into school-a as the secretary (or under `ownership`).
    func importText(
        _ kind: RegistryKind, _ text: String, year: AcademicYear?, dryRun: Bool = false,
        ownership: OwnershipCheck? = nil, asOf: CalendarDate? = nil
    ) async throws -> ImportOutcome {
        let path = directory.appendingPathComponent("\(kind.rawValue)-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try await database.importRegistry(
            ImportRequest(
                kind: kind, school: "school-a", year: year, path: path, fileName: "\(kind.rawValue).csv",
                sha256: Digest.sha256Hex(text), dryRun: dryRun, ownership: ownership, asOf: asOf),
            caller: Caller(uid: 1005, gid: 100, userName: "secretary"), now: StoreFixture.t0)
    }

    /// Writes `bytes` to a file of its own and imports it into school-a as the secretary, in `encoding` if named.
    func importBytes(
        _ kind: RegistryKind, _ bytes: [UInt8], year: AcademicYear?, encoding: TextEncoding? = nil
    ) async throws -> ImportOutcome {
        let path = directory.appendingPathComponent("\(kind.rawValue)-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try await database.importRegistry(
            ImportRequest(
                kind: kind, school: "school-a", year: year, path: path, fileName: "\(kind.rawValue).csv",
                sha256: "", dryRun: false, encoding: encoding),
            caller: Caller(uid: 1005, gid: 100, userName: "secretary"), now: StoreFixture.t0)
    }

    /// Imports each file in turn (year-scoped kinds into `year`); none may have a problem.
    func load(_ files: [(RegistryKind, String)], year: AcademicYear) async throws {
        for (kind, text) in files {
            let outcome = try await importText(kind, text, year: kind.isYearScoped ? year : nil)
            #expect(outcome.problemCount == 0, "\(kind): \(outcome.problems)")
        }
    }
}
