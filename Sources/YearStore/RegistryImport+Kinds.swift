import Foundation
import GRDB
import YearCore

extension RegistryImport {
    /// The school, the year (or NULL) and the basis recorded on enrollments this import makes.
    var arguments: StatementArguments {
        [
            "school": request.school, "year": request.year?.id,
            "basis": "import of \(request.fileName) (sha256 \(request.sha256.prefix(16)))",
            "as_of": (request.asOf ?? request.year?.startDate)?.description,
        ]
    }

    /// The 1-based column of `name` in the file (0 when absent).
    private func column(_ name: String) -> Int { (header?.index[name]).map { $0 + 1 } ?? 0 }

    /// Runs `sql`, which selects `line` and the parameters of the problem `code`'s sentence by name (`value`, `on`,
    /// `current`...: `ImportProblem.message`), and reports each row it returns as that problem in `field`.
    func report(_ field: String, _ code: String, _ sql: String, _ extra: [String: String] = [:]) throws {
        // A cursor: a file of a million bad rows is counted without holding them all.
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            var params = extra
            params["code"] = code
            for (name, value) in row where name != "line" {
                switch value.storage {
                case .string(let text): params[name] = text
                case .int64(let number): params[name] = String(number)
                case .double(let number): params[name] = String(number)
                case .null, .blob: break
                }
            }
            add(ImportProblem(line: row["line"], column: column(field), field: field, params: params))
        }
    }

    /// While the year is closing, only the year-end's rows are taken: year, exam and final grades (not a
    /// quarter's), and departure orders (an arrival or a class change waits for the next year).
    func checkClosing() throws {
        guard let year = request.year,
            try String.fetchOne(db, sql: "SELECT state FROM academic_year WHERE id = ?", arguments: [year.id])
                == YearState.closing.rawValue
        else { return }
        let periods = RegistryKind.closingPeriods.map { "'\($0)'" }.joined(separator: ", ")
        switch kind {
        case .grades:
            try report(
                "period", "closing-grade-period",
                "SELECT line, period AS value FROM import_rows WHERE period NOT IN (\(periods))",
                ["year": year.label.description])
        case .orders:
            let allowed = OrderKind.sqlList(OrderKind.departures + OrderKind.continuations)
            try report(
                "kind", "closing-order-kind",
                "SELECT line, kind AS order_kind FROM import_rows WHERE kind NOT IN \(allowed)",
                ["year": year.label.description])
        default:
            break
        }
    }

    /// Checks that need the whole file or the database: duplicates in the file, references, conflicts.
    func check() throws {
        let keys = kind.keyColumns.map { "\"\($0)\"" }.joined(separator: ", ")
        try report(
            kind.keyColumn, "duplicate",
            """
            SELECT line, value FROM (
                SELECT line, \(kind.keyColumns.map { "coalesce(\"\($0)\", '')" }.joined(separator: " || ' ' || ")) AS value,
                    row_number() OVER (PARTITION BY \(keys) ORDER BY line) AS k
                FROM import_rows)
            WHERE k > 1 ORDER BY line
            """,
            ["columns": kind.keyColumns.joined(separator: ", "), "count": String(kind.keyColumns.count)])
        try checkClosing()
        if let spec = TableSpec.spec(for: kind) { return try checkTable(spec) }
        switch kind {
        case .orders:
            try checkOrders()
        case .students:
            if request.year == nil && has("class") {
                try report(
                    "class", "class-needs-year",
                    "SELECT line, \"class\" AS value FROM import_rows WHERE \"class\" IS NOT NULL")
                return
            }
            try report(
                "class", "no-class",
                """
                SELECT line, "class" AS value FROM import_rows r WHERE "class" IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM school_class c WHERE c.year_id = (:year) AND c.name = r."class")
                ORDER BY line
                """)
            // A file is compared with the day it is imported (or --as-of): orders effective later in the year
            // (a class change in October) do not make September's list wrong. Both sides are named.
            let sides =
                "r.\"class\" AS file_class, :as_of AS as_of, e.class_name AS current, e.from_date AS since, e.order_no"
            try report(
                "class", "class-differs",
                """
                SELECT r.line, \(sides)
                FROM import_rows r
                JOIN enrollment e ON e.year_id = (:year) AND e.school_id = (:school) AND e.student_id = r.student_id
                    AND e.from_date <= :as_of AND (e.to_date IS NULL OR e.to_date > :as_of)
                WHERE r."class" IS NOT NULL AND e.class_name <> r."class"
                ORDER BY r.line
                """)
            try report(
                "class", "class-joins-later",
                """
                SELECT r.line, \(sides)
                FROM import_rows r
                JOIN enrollment e ON e.id = (SELECT n.id FROM enrollment n WHERE n.year_id = (:year)
                    AND n.school_id = (:school) AND n.student_id = r.student_id AND n.from_date > :as_of
                    ORDER BY n.from_date LIMIT 1)
                WHERE r."class" IS NOT NULL AND e.class_name <> r."class"
                    AND NOT EXISTS (SELECT 1 FROM enrollment d WHERE d.year_id = (:year) AND d.school_id = (:school)
                        AND d.student_id = r.student_id AND d.from_date <= :as_of)
                ORDER BY r.line
                """)
            try report(
                "class", "left-school",
                """
                SELECT r.line, (SELECT max(e.to_date) FROM enrollment e WHERE e.year_id = (:year)
                        AND e.school_id = (:school) AND e.student_id = r.student_id) AS left_on
                FROM import_rows r
                WHERE r."class" IS NOT NULL
                    AND EXISTS (SELECT 1 FROM enrollment e WHERE e.year_id = (:year) AND e.school_id = (:school)
                        AND e.student_id = r.student_id AND e.to_date <= :as_of)
                    AND NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.year_id = (:year) AND e.school_id = (:school)
                        AND e.student_id = r.student_id AND (e.to_date IS NULL OR e.to_date > :as_of))
                ORDER BY r.line
                """)
            try report(
                "class", "outside-school",
                """
                SELECT line, form_of_education AS value FROM import_rows
                WHERE "class" IS NOT NULL AND form_of_education IN \(RegistryKind.FormOfEducation.outsideSchoolSQL)
                ORDER BY line
                """)
            try report(
                "personal_file_no", "personal-file-taken",
                """
                SELECT r.line, r.personal_file_no AS value FROM (
                    SELECT line, personal_file_no, student_id,
                        row_number() OVER (PARTITION BY personal_file_no ORDER BY line) AS k
                    FROM import_rows WHERE personal_file_no IS NOT NULL) r
                WHERE r.k > 1 OR EXISTS (SELECT 1 FROM student s WHERE s.school_id = (:school)
                    AND s.personal_file_no = r.personal_file_no AND s.id <> r.student_id)
                ORDER BY r.line
                """)
            try report(
                "enrolled_on", "enrolled-after-year",
                """
                SELECT r.line, r.enrolled_on AS "on" FROM import_rows r, academic_year y
                WHERE y.id = (:year) AND r."class" IS NOT NULL AND r.enrolled_on > y.end_date ORDER BY r.line
                """)
        case .staff:
            try report(
                "login", "login-taken",
                """
                SELECT r.line, r.login AS value FROM (
                    SELECT line, login, staff_id, row_number() OVER (PARTITION BY login ORDER BY line) AS k
                    FROM import_rows WHERE login IS NOT NULL) r
                WHERE r.k > 1 OR EXISTS (SELECT 1 FROM staff s WHERE s.school_id = (:school) AND s.login = r.login
                    AND s.id <> r.staff_id)
                ORDER BY r.line
                """)
        case .classes:
            try report(
                "grade", "grade-mismatch",
                """
                SELECT line, grade AS value FROM import_rows
                WHERE grade IS NOT NULL AND CAST(grade AS INTEGER) <> CAST(substr("class", 1, length("class") - 1) AS INTEGER)
                ORDER BY line
                """)
            try report(
                "letter", "letter-mismatch",
                """
                SELECT line, letter AS value FROM import_rows
                WHERE letter IS NOT NULL AND letter <> substr("class", -1) ORDER BY line
                """)
            try report(
                "class_teacher_id", "no-staff",
                """
                SELECT line, class_teacher_id AS value FROM import_rows r WHERE class_teacher_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.school_id = (:school) AND s.id = r.class_teacher_id)
                ORDER BY line
                """)
        default:
            break
        }
    }

    /// The stored table, its key column, and the file's columns mapped to stored columns (only those present).
    private var mapping: (table: String, key: (file: String, stored: String), columns: [(file: String, stored: String)])
    {
        switch kind {
        case .students:
            let columns = [
                "last_name", "first_name", "middle_name", "birth_date", "gender", "personal_file_no", "snils",
                "enrolled_on", "form_of_education",
            ]
            return ("student", ("student_id", "id"), columns.filter(has).map { ($0, $0) })
        case .staff:
            let columns = ["last_name", "first_name", "middle_name", "position", "login"]
            return ("staff", ("staff_id", "id"), columns.filter(has).map { ($0, $0) })
        case .subjects:
            return ("subject", ("subject_id", "id"), [("name", "name")])
        default:
            let columns = ["profile", "class_type", "class_teacher_id", "capacity"]
            return ("school_class", ("class", "name"), columns.filter(has).map { ($0, $0) })
        }
    }

    /// The condition under which a stored row differs from its imported one.
    private func differs(_ stored: String, _ imported: String) -> String {
        let columns = mapping.columns
        guard !columns.isEmpty else { return "0" }
        return columns.map { column in
            let value =
                column.stored == "capacity"
                ? "CAST(\(imported).\"\(column.file)\" AS INTEGER)" : "\(imported).\"\(column.file)\""
            return "\(stored).\(column.stored) IS NOT \(value)"
        }.joined(separator: " OR ")
    }

    /// The WHERE clause that finds the stored row of an imported one.
    private var storedMatch: String {
        let key = mapping.key
        if kind == .classes { return "s.year_id = (:year) AND s.name = r.\"\(key.file)\"" }
        return "s.school_id = (:school) AND s.\(key.stored) = r.\"\(key.file)\""
    }

    /// How many rows would be added and changed.
    func count() throws -> (added: Int, changed: Int) {
        if kind == .orders { return try countOrders() }
        if let spec = TableSpec.spec(for: kind) { return try countTable(spec) }
        let table = mapping.table
        let added =
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(*) FROM import_rows r WHERE NOT EXISTS (SELECT 1 FROM \(table) s WHERE \(storedMatch))",
                arguments: arguments) ?? 0
        var changedCondition = differs("s", "r")
        if kind == .students && request.year != nil {
            changedCondition += """
                 OR (r."class" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.year_id = (:year)
                    AND e.school_id = (:school) AND e.student_id = r.student_id))
                """
        }
        let changed =
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM import_rows r JOIN \(table) s ON \(storedMatch) WHERE \(changedCondition)",
                arguments: arguments) ?? 0
        return (added, changed)
    }

    /// Merges the file: one upsert per table, updating only the columns the file has and only rows that differ.
    func apply() throws {
        if kind == .orders { return try applyOrders() }
        if let spec = TableSpec.spec(for: kind) { return try applyTable(spec) }
        let (table, key, columns) = mapping
        var insertColumns = ["school_id", key.stored] + columns.map(\.stored)
        var selectValues = ["(:school)", "r.\"\(key.file)\""] + columns.map { "r.\"\($0.file)\"" }
        var conflict = "school_id, \(key.stored)"
        if kind == .classes {
            insertColumns = ["year_id", "school_id", "name", "grade", "letter"] + columns.map(\.stored)
            selectValues =
                [
                    "(:year)", "(:school)", "r.\"class\"",
                    "CAST(substr(r.\"class\", 1, length(r.\"class\") - 1) AS INTEGER)",
                    "substr(r.\"class\", -1)",
                ]
                + columns.map { $0.stored == "capacity" ? "CAST(r.capacity AS INTEGER)" : "r.\"\($0.file)\"" }
            conflict = "year_id, name"
        }
        let updates = columns.map { "\($0.stored) = excluded.\($0.stored)" }
        let upsert =
            updates.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET \(updates.joined(separator: ", ")) WHERE \(differs(table, "excluded"))"
        try db.execute(
            sql: """
                INSERT INTO \(table) (\(insertColumns.joined(separator: ", ")))
                SELECT \(selectValues.joined(separator: ", ")) FROM import_rows r WHERE true
                ON CONFLICT (\(conflict)) \(upsert)
                """, arguments: arguments)
        if kind == .students, request.year != nil {
            try db.execute(
                sql: """
                    INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, opened_by, basis)
                    SELECT (:year), (:school), r.student_id, r."class",
                        max(coalesce(r.enrolled_on, y.start_date), y.start_date), 'import', (:basis)
                    FROM import_rows r, academic_year y
                    WHERE y.id = (:year) AND r."class" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM enrollment e
                        WHERE e.year_id = (:year) AND e.school_id = (:school) AND e.student_id = r.student_id)
                    """, arguments: arguments)
        }
    }
}
