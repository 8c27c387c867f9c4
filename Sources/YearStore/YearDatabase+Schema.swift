import Foundation
import GRDB
import YearCore

/// How a database's schema differs from the one this yeard's migrations create.
///
/// A dropped trigger is a dropped guard: without `audit_log_no_delete` rows can be cut from the audit log, without the
/// closed-year triggers a closed year can be edited, and SQLite's own checks see nothing wrong. yeard compares the
/// file's schema with the migrations' at start-up and in every integrity check: triggers, indexes and views that are
/// missing, changed or foreign are put back as the migrations wrote them (they hold no data); a table that differs
/// is reported, since only a backup can put it back.
public struct SchemaDrift: Sendable, Equatable {
    /// Triggers, indexes and views, as `trigger audit_log_no_delete`: missing, changed, or not the migrations' own.
    public var missing: [String] = [], changed: [String] = [], foreign: [String] = []
    /// Tables missing (yeard cannot run without them), tables whose columns changed, tables not the migrations' own.
    public var missingTables: [String] = [], tables: [String] = [], foreignTables: [String] = []
    /// Guards that could not be put back (a unique index over rows that are no longer unique), with SQLite's reason.
    public var unrestorable: [String] = []

    /// Whether the schema is the migrations'.
    public var isEmpty: Bool {
        missing.isEmpty && changed.isEmpty && foreign.isEmpty && missingTables.isEmpty && tables.isEmpty
            && foreignTables.isEmpty
    }

    /// One sentence per difference, for the journal and the integrity verdict.
    public var problems: [String] {
        // With a table missing nothing is put back (`guardSchema`): only the tables are said.
        if !missingTables.isEmpty { return missingTables.map { "\($0) is missing; restore a backup (yeard restore)" } }
        return missing.map { "\($0) was missing; re-created as the migrations wrote it" }
            + changed.map { "\($0) differed from the migrations'; re-created as they wrote it" }
            + foreign.map { "\($0) is not one of the migrations'; dropped" }
            + tables.map { "\($0) differs from what the migrations create; restore a backup (yeard restore)" }
            + foreignTables.map { "\($0) is not one of the migrations'; left as it is" }
            + unrestorable
    }
}

extension YearDatabase {
    /// One object of the schema: `table`, `index`, `trigger` or `view`, its name and its SQL.
    struct SchemaObject: Hashable, Sendable {
        let type: String, name: String, sql: String
        var label: String { "\(type) \(name)" }
    }

    /// The schema the migrations create, made once on an empty database in memory.
    static let expectedSchema: Result<[SchemaObject], any Error> = Result {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            for function in CheckFunctions.all { db.add(function: function) }
        }
        let queue = try DatabaseQueue(configuration: configuration)
        try Migrations.migrator().migrate(queue)
        return try queue.read { db in try schema(of: db) }
    }

    /// The schema objects of `db`'s main database, but SQLite's own (`sqlite_*`, and the indexes it makes for
    /// UNIQUE and PRIMARY KEY constraints, which have no SQL).
    ///
    /// A table is compared by its columns (name, type, NOT NULL, key), not its SQL text: a migration's text was once
    /// edited after it landed (`WITHOUT ROWID` added), so files migrated before and after hold different texts for
    /// the same table, and a table cannot be put back in place anyway. Triggers, indexes and views, the guards, are
    /// compared by their SQL.
    static func schema(of db: Database) throws -> [SchemaObject] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT type, name, sql FROM sqlite_master
                WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql IS NOT NULL ORDER BY type, name
                """
        ).map { row in
            let type: String = row["type"], name: String = row["name"]
            guard type == "table" else { return SchemaObject(type: type, name: name, sql: row["sql"]) }
            let columns = try Row.fetchAll(
                db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?)", arguments: [name]
            )
            .map { "\($0["name"] as String) \($0["type"] as String) \($0["notnull"] as Int) \($0["pk"] as Int)" }
            return SchemaObject(type: type, name: name, sql: columns.joined(separator: ", "))
        }
    }

    /// How `db`'s schema differs from the migrations'.
    static func drift(of db: Database) throws -> SchemaDrift {
        let expected = try expectedSchema.get()
        let actual = Dictionary(try schema(of: db).map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        let wanted = Set(expected.map(\.label))
        var drift = SchemaDrift()
        for object in expected {
            guard let found = actual[object.label] else {
                if object.type == "table" {
                    drift.missingTables.append(object.label)
                } else {
                    drift.missing.append(object.label)
                }
                continue
            }
            if normalized(found.sql) != normalized(object.sql) {
                if object.type == "table" {
                    drift.tables.append(object.label)
                } else {
                    drift.changed.append(object.label)
                }
            }
        }
        for object in actual.values.sorted(by: { $0.label < $1.label }) where !wanted.contains(object.label) {
            if object.type == "table" {
                drift.foreignTables.append(object.label)
            } else {
                drift.foreign.append(object.label)
            }
        }
        return drift
    }

    /// SQL without the differences that do not change what it does: runs of white space.
    static func normalized(_ sql: String) -> String {
        sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    /// Puts back the triggers, indexes and views of `drift`, each in a savepoint of its own, the triggers first: one
    /// that cannot be put back (a unique index over rows no longer unique) does not keep the others out; it is
    /// returned with SQLite's reason. Tables are left as they are.
    static func restore(_ drift: SchemaDrift, in db: Database) throws -> [String] {
        let expected = Dictionary(
            try expectedSchema.get().map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        var failed: [String] = []
        // A statement that reads the schema first: another process changed it under this connection, whose cached
        // copy would still hold what was dropped (CREATE is checked against the cache when it is prepared).
        _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
        db.clearSchemaCache()
        func attempt(_ label: String, _ sql: String) throws {
            do {
                try db.inSavepoint {
                    try db.execute(sql: sql)
                    return .commit
                }
            } catch let error as DatabaseError {
                failed.append(
                    "\(label) could not be put back (\(error.message ?? "\(error.resultCode)")); restore a backup "
                        + "(yeard restore)")
            }
        }
        for label in drift.changed + drift.foreign {
            let parts = label.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            try attempt(label, "DROP \(parts[0].uppercased()) IF EXISTS \(String(parts[1]).quotedDatabaseIdentifier)")
        }
        let order = ["trigger": 0, "view": 1, "index": 2]
        let wanted = (drift.missing + drift.changed).compactMap { expected[$0] }
            .sorted { (order[$0.type] ?? 3, $0.name) < (order[$1.type] ?? 3, $1.name) }
        for object in wanted { try attempt(object.label, object.sql) }
        return failed
    }

    /// Compares the schema with the migrations' and puts back what can be put back, in one transaction with an
    /// audit row (`schema.restore`) that lists what it found; returns what it found.
    public func guardSchema(now: Date = Date()) async throws -> SchemaDrift {
        var drift = try await pool.read { db in try Self.drift(of: db) }
        // Without its tables a guard cannot be put back (and yeard refuses to run on such a file).
        guard drift.missingTables.isEmpty, !(drift.missing.isEmpty && drift.changed.isEmpty && drift.foreign.isEmpty)
        else { return drift }
        let found = drift
        drift.unrestorable = try await pool.write { db in
            let failed = try Self.restore(found, in: db)
            let event = AuditEvent(
                caller: Caller(uid: getuid(), gid: getgid(), userName: "yeard"), role: "daemon", school: nil,
                action: .schemaRestore, target: "schema",
                details: .object(["problems": .array((found.problems + failed).map(JSONValue.string))]))
            try Self.appendAudit(event, at: now, in: db)
            return failed
        }
        return drift
    }
}
