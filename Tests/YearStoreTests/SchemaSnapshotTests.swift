import Foundation
import GRDB
import Testing

@testable import YearStore

/// The schema the migrations build, against the snapshot taken of them as they landed
/// (`Tests/YearStoreTests/Fixtures/schema.sql`): a refactoring of the migrations must leave it byte for byte, and a
/// new migration changes it on purpose (regenerate with `YEARD_UPDATE_SCHEMA=1 swift test --filter SchemaSnapshot`
/// and read the difference).
@Suite("The migrated schema")
struct SchemaSnapshotTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schema.sql").path

    /// Every migration applied and every object of the schema, with its SQL as SQLite stores it.
    static func schema(of database: YearDatabase) async throws -> String {
        try await database.pool.read { db in
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            let objects = try Row.fetchAll(
                db,
                sql: """
                    SELECT type, name, tbl_name, sql FROM sqlite_master
                    WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name
                    """)
            return applied.map { "-- migration \($0)\n" }.joined()
                + objects.map { row in
                    let sql: String? = row["sql"]
                    return "-- \(row["type"] as String) \(row["name"] as String) on \(row["tbl_name"] as String)\n"
                        + (sql ?? "(automatic)") + ";\n"
                }.joined(separator: "\n")
        }
    }

    @Test("a new database's schema is the snapshot's")
    func schemaAsLanded() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-schema-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try YearDatabase(path: directory.appendingPathComponent("yeard.sqlite").path)
        let schema = try await Self.schema(of: database)
        if ProcessInfo.processInfo.environment["YEARD_UPDATE_SCHEMA"] == "1" {
            try Data(schema.utf8).write(to: URL(fileURLWithPath: Self.path))
        }
        let snapshot = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(schema == snapshot, "the schema differs from Fixtures/schema.sql")
    }
}
